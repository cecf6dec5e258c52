/**
 * Start times of live sessions. A session's clock starts at its first request, so every test (or
 * demo tab) that invents a session name gets its own live stream, starting with a full window.
 */
import type { Clock } from './clock.js';

/** Session ids are one URL path segment of safe characters. */
const SESSION_ID = /^[A-Za-z0-9._~-]{1,128}$/;

/** True when `id` can name a live session. */
export function isValidSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

/** Start times of the live sessions seen so far. */
export class LiveSessions {
  readonly #clock: Clock;
  readonly #startedAtMs = new Map<string, number>();

  /** @param clock - time source; the same one must be used to compute elapsed times */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Clock time the session started, starting it now if this is its first request. */
  startOf(sessionId: string): number {
    let startedAtMs = this.#startedAtMs.get(sessionId);
    if (startedAtMs === undefined) {
      startedAtMs = this.#clock();
      this.#startedAtMs.set(sessionId, startedAtMs);
    }
    return startedAtMs;
  }

  /** Milliseconds since the session started (0 on its first request). */
  elapsedMs(sessionId: string): number {
    return this.#clock() - this.startOf(sessionId);
  }
}
