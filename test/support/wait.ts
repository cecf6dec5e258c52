/**
 * Waiting for conditions in tests: poll until true or fail with a message saying what was awaited
 * and what was last seen. Used instead of sleeps, which assert nothing and make tests slow or flaky.
 */

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** Give up after this long, in ms. */
  readonly timeoutMs: number;
  /** Time between checks, in ms. Default 100. */
  readonly intervalMs?: number;
  /** What is awaited, for the failure message. */
  readonly description: string;
}

/**
 * Calls `check` until it returns a value other than `undefined`/`false` and returns that value.
 * Rejects after `timeoutMs` with `description` and `lastSeen()` (when given) in the message.
 */
export async function waitUntil<T>(
  check: () => T | false | undefined | Promise<T | false | undefined>,
  options: WaitOptions & { lastSeen?: () => unknown },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 100;
  for (;;) {
    const result = await check();
    if (result !== undefined && result !== false) return result;
    if (Date.now() >= deadline) {
      const seen =
        options.lastSeen === undefined ? '' : `; last seen: ${String(options.lastSeen())}`;
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.description}${seen}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A promise's outcome, kept so it can be awaited later without an unhandled rejection meanwhile. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Starts observing `promise` now; `unwrap` the result in the test that owns it. */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** The value of a settled promise, or its error thrown. */
export function unwrap<T>(settled: Settled<T>): T {
  if (settled.ok) return settled.value;
  throw settled.error;
}
