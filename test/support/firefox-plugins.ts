/**
 * Probes for player-plugin pages in Firefox (and any browser): what a plugin's hls.js received,
 * with the SHA-256 of each fragment, on pages whose harness records no digests (the Video.js
 * page, the embed snippet, the overlay page); whether the stats overlay is on screen; and which
 * requests a page started after a moment (a disposed player must start none).
 *
 * The fragment probe is an init script: it sees the page's own hls.js (`window.Hls`, the global a
 * `<script src=hls.min.js>` defines, which the Video.js plugin and the overlay page use) and the
 * copy bundled with the embed snippet (`p2pml.embed.Hls`) the moment either is defined. At each
 * `loadSource()` it puts a tap around the fragment loader hls.js will use, which hashes every
 * successful load's bytes as they are handed to hls.js. So the digests are of the exact bytes the
 * player got, whichever loader (ours or hls.js's) fetched them, with nothing in the page's harness
 * changed. (Hashing the `hlsFragLoaded` payload instead does not work: by then hls.js has
 * transferred the buffer to its transmuxer worker and it is empty.)
 */
import type { Page } from 'playwright-core';
import type { HashedSegment } from './origin-media.js';
import { OVERLAY_ROOT_SELECTOR } from './plugin-probes.js';

/** A fragment a page's hls.js received (see {@link readHashedFragments}). */
export interface ProbedFragment extends HashedSegment {
  /** Media sequence number, or 'initSegment'. */
  readonly sn: number | string;
  readonly byteLength: number;
}

/**
 * The init script behind {@link installHlsFragmentProbe}. Plain JavaScript in a string, so no test
 * transform can add helpers the page does not have. `window.p2pml` is given an accessor for
 * `embed` before any bundle runs: UMD bundles do `p2pml = p2pml || {}` and then assign their
 * member, so the namespace object stays ours and the embed's hls.js is seen when it is published
 * (players start after that).
 */
const HLS_FRAGMENT_PROBE_SCRIPT = `(() => {
  if (window.__hlsFragmentProbe) return;
  const fragments = [];
  let pending = 0;
  const toHex = (buffer) =>
    Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const record = (context, data) => {
    const frag = context.frag || {};
    const bytes = data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data : new ArrayBuffer(0);
    const range = frag.byteRange || [];
    const entry = { url: frag.url || context.url, sn: frag.sn, byteLength: bytes.byteLength };
    if (range.length === 2) Object.assign(entry, { rangeStart: range[0], rangeEnd: range[1] });
    fragments.push(entry);
    pending += 1;
    // digest() copies the bytes now, before hls.js transfers the buffer to its transmuxer worker.
    crypto.subtle.digest('SHA-256', bytes).then(
      (digest) => { entry.sha256 = toHex(digest); },
      (error) => { entry.sha256 = 'hash failed: ' + String(error); },
    ).finally(() => { pending -= 1; });
  };
  // A fragment loader around the one hls.js would use (the P2P adapter's, a plugin's, hls.js's).
  const tap = (Inner) => {
    if (!Inner || Inner.__hlsFragmentProbe) return Inner;
    return class ProbedFragmentLoader {
      static get __hlsFragmentProbe() { return true; }
      constructor(config) { this.inner = new Inner(config); }
      get stats() { return this.inner.stats; }
      set stats(value) { this.inner.stats = value; }
      get context() { return this.inner.context; }
      load(context, config, callbacks) {
        this.inner.load(context, config, {
          ...callbacks,
          onSuccess: (response, stats, successContext, details) => {
            record(context, response.data);
            callbacks.onSuccess(response, stats, successContext, details);
          },
        });
      }
      abort() { this.inner.abort(); }
      destroy() { this.inner.destroy(); }
      getCacheAge() { return this.inner.getCacheAge ? this.inner.getCacheAge() : null; }
      getResponseHeader(name) {
        return this.inner.getResponseHeader ? this.inner.getResponseHeader(name) : null;
      }
    };
  };
  // hls.js creates a fragment loader per load from config.fLoader (else config.loader);
  // by loadSource() the page and the plugin have configured theirs.
  const wrap = (Hls) => {
    const proto = Hls && Hls.prototype;
    if (!proto || typeof proto.loadSource !== 'function' || proto.__hlsFragmentProbe) return;
    proto.__hlsFragmentProbe = true;
    const loadSource = proto.loadSource;
    proto.loadSource = function probedLoadSource(...args) {
      this.config.fLoader = tap(this.config.fLoader || this.config.loader);
      return loadSource.apply(this, args);
    };
  };
  let pageHls;
  Object.defineProperty(window, 'Hls', {
    configurable: true,
    enumerable: true,
    get: () => pageHls,
    set: (value) => { pageHls = value; wrap(value); },
  });
  let embed;
  const namespace = window.p2pml || {};
  Object.defineProperty(namespace, 'embed', {
    configurable: true,
    enumerable: true,
    get: () => embed,
    set: (value) => { embed = value; if (value) wrap(value.Hls); },
  });
  window.p2pml = namespace;
  window.__hlsFragmentProbe = {
    fragments: () => fragments.map((fragment) => ({ ...fragment })),
    pending: () => pending,
  };
})();`;

/**
 * Installs the fragment probe in `page` before its scripts run (call on a blank page, then
 * navigate). Read it with {@link readHashedFragments}.
 */
export async function installHlsFragmentProbe(page: Page): Promise<void> {
  await page.addInitScript({ content: HLS_FRAGMENT_PROBE_SCRIPT });
}

/**
 * Every fragment the page's hls.js instances received so far (init segments included), once all
 * their digests are computed; rejects after `timeoutMs` or when the probe was not installed.
 */
export async function readHashedFragments(
  page: Page,
  timeoutMs = 10_000,
): Promise<ProbedFragment[]> {
  await page.waitForFunction(
    () => {
      const probe = (window as { __hlsFragmentProbe?: { pending(): number } }).__hlsFragmentProbe;
      if (probe === undefined) throw new Error('installHlsFragmentProbe() was not called');
      return probe.pending() === 0;
    },
    undefined,
    { timeout: timeoutMs, polling: 100 },
  );
  return page.evaluate(() =>
    (
      window as unknown as { __hlsFragmentProbe: { fragments(): ProbedFragment[] } }
    ).__hlsFragmentProbe.fragments(),
  );
}

/** Whether the page's (first) stats overlay is in the DOM and its panel of numbers is open. */
export interface OverlayPresence {
  readonly mounted: boolean;
  /** The panel (`role="region"`) takes space on the page. */
  readonly panelShown: boolean;
}

/** Reads {@link OverlayPresence} of the first overlay under `root`. */
export function readOverlayPresence(
  page: Page,
  root: string = OVERLAY_ROOT_SELECTOR,
): Promise<OverlayPresence> {
  return page.evaluate((selector) => {
    const overlay = document.querySelector(selector);
    const panel = overlay?.querySelector('[role="region"]');
    return {
      mounted: overlay !== null,
      panelShown: panel instanceof HTMLElement && panel.offsetHeight > 0,
    };
  }, root);
}

/**
 * Prepares {@link requestsStartedSince}: clears the page's resource timing buffer (it holds 250
 * entries by default and drops later ones once full, which a page that played for a while may have
 * reached). Call it before the moment of interest, then read the page's clock with
 * {@link pageNowMs} at that moment.
 */
export async function clearRequestLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    performance.clearResourceTimings();
  });
}

/** The page's `performance.now()`, ms. */
export function pageNowMs(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/**
 * URLs of the HTTP requests the page started at or after `sinceMs` (from {@link pageNowMs}, after
 * {@link clearRequestLog}) and that got a response, from the page's resource timing entries (fetch, XHR, scripts; a
 * WebSocket or an RTC data channel is not a resource: the leak probe counts those).
 */
export function requestsStartedSince(page: Page, sinceMs: number): Promise<string[]> {
  return page.evaluate(
    (since) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.startTime >= since)
        .map((entry) => entry.name),
    sinceMs,
  );
}
