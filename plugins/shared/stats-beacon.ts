/**
 * Periodic stats reports to an operator endpoint with `navigator.sendBeacon`, which survives page
 * unload (a plain fetch started in `pagehide` may be cancelled). Schema: docs/STATS-BEACON.md.
 */
import type { StatsBeaconOptions, StatsBeaconPayload } from './contract.js';

/** Default interval between beacons, ms. */
export const DEFAULT_BEACON_INTERVAL_MS = 30_000;

/** Sends one beacon body; must not throw. */
export type BeaconSender = (url: string, body: string) => void;

/**
 * `navigator.sendBeacon` with a string body (sent as `text/plain`, which needs no CORS preflight);
 * where it does not exist (Node, old browsers) a keep-alive `fetch` POST, errors ignored: a lost
 * report is not worth a console error on a viewer's page.
 */
export const sendBeaconBody: BeaconSender = (url, body) => {
  const nav = (globalThis as { navigator?: { sendBeacon?: Navigator['sendBeacon'] } }).navigator;
  try {
    if (typeof nav?.sendBeacon === 'function' && nav.sendBeacon(url, body)) return;
    void fetch(url, {
      method: 'POST',
      body,
      keepalive: true,
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    }).catch(() => undefined);
  } catch {
    // sendBeacon throws for URLs it refuses; reports are best-effort.
  }
};

/**
 * Sends a payload every `intervalMs`, when the page is hidden (`visibilitychange` to hidden: the
 * last moment mobile browsers reliably give a page, which may be killed without `pagehide`), on
 * `pagehide`, and a last one on `destroy()`.
 */
export class StatsBeacon {
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly onPageHide = (): void => {
    this.send();
  };
  private readonly onVisibilityChange = (): void => {
    const doc = (globalThis as { document?: { visibilityState?: string } }).document;
    if (doc?.visibilityState === 'hidden') this.send();
  };
  private readonly scope: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | undefined;
  private destroyed = false;

  /**
   * @param options - endpoint and interval (default {@link DEFAULT_BEACON_INTERVAL_MS})
   * @param payload - builds the payload to send now
   * @param sender - transport (default {@link sendBeaconBody})
   */
  constructor(
    private readonly options: StatsBeaconOptions,
    private readonly payload: () => StatsBeaconPayload,
    private readonly sender: BeaconSender = sendBeaconBody,
  ) {
    this.timer = setInterval(() => {
      this.send();
    }, options.intervalMs ?? DEFAULT_BEACON_INTERVAL_MS);
    const scope = globalThis as Partial<EventTarget>;
    this.scope =
      typeof scope.addEventListener === 'function' &&
      typeof scope.removeEventListener === 'function'
        ? (scope as EventTarget)
        : undefined;
    this.scope?.addEventListener('pagehide', this.onPageHide);
    // Dispatched on the document, and bubbles to window: one listener on the global sees it.
    this.scope?.addEventListener('visibilitychange', this.onVisibilityChange);
  }

  /** Sends the current payload now. */
  send(): void {
    if (this.destroyed) return;
    this.sender(this.options.url, JSON.stringify(this.payload()));
  }

  /** Sends a last payload, then stops the timer and the page listeners. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.send();
    this.destroyed = true;
    clearInterval(this.timer);
    this.scope?.removeEventListener('pagehide', this.onPageHide);
    this.scope?.removeEventListener('visibilitychange', this.onVisibilityChange);
  }
}

/** A random id for a player instance (UUID where available). */
export function randomPlayerId(): string {
  const cryptoApi = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof cryptoApi?.randomUUID === 'function') return cryptoApi.randomUUID();
  return Array.from({ length: 4 }, () => Math.random().toString(16).slice(2, 10)).join('');
}
