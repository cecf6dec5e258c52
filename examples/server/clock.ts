/**
 * Where the origin reads the time. Injected (instead of calling `Date.now()` directly) so tests can
 * move a live stream forward by changing a number, without sleeping.
 */
export type Clock = () => number;

/** The real wall clock: milliseconds since the Unix epoch. */
export const systemClock: Clock = () => Date.now();
