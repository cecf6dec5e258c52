/**
 * Picks the next segment to fetch from peers in the background: the earliest segment ahead of the
 * playhead, within the prefetch horizon, that peers have and we neither hold nor are fetching.
 * One prefetch per stream at a time: peers' upload slots serve players' urgent requests first.
 * And at most {@link PREFETCH_SPEED} seconds of media per second per stream (see PrefetchPacer).
 * None while playback is paused: a viewer who is not watching takes from the swarm only what the
 * player itself asks for (its own buffer), never a horizon ahead of a playhead that does not move
 * (issue 17: a page of paused or unstarted players must not download more with P2P than without).
 */
import type { Segment } from '../model/segment.js';
import type { MainThreadLevel } from './main-thread-lag.js';

/** Prefetches in flight per stream. */
const MAX_PREFETCHES_PER_STREAM = 1;

/** Inputs of one prefetch decision. */
export interface PrefetchInput {
  readonly streamKey: string;
  readonly segments: Iterable<Segment>;
  readonly position: number;
  /** Playback rate now; 0 while paused (or not started): nothing is prefetched then. */
  readonly playbackRate: number;
  readonly horizonSeconds: number;
  readonly isWanted: (segment: Segment) => boolean;
  readonly peersHave: (segment: Segment) => boolean;
  readonly inFlight: (streamKey: string) => number;
}

/** The segment to prefetch now, if any: none while paused, with no horizon, or one in flight. */
export function nextPrefetch(input: PrefetchInput): Segment | undefined {
  if (
    input.playbackRate <= 0 ||
    input.horizonSeconds <= 0 ||
    input.inFlight(input.streamKey) >= MAX_PREFETCHES_PER_STREAM
  ) {
    return undefined;
  }
  let best: Segment | undefined;
  const horizon = input.position + input.horizonSeconds;
  for (const segment of input.segments) {
    if (segment.endTime <= input.position || segment.startTime >= horizon) continue;
    if (best && segment.startTime >= best.startTime) continue;
    if (input.isWanted(segment) && input.peersHave(segment)) best = segment;
  }
  return best;
}

/**
 * Seconds of media a stream may prefetch per second of wall time: twice real time stays well ahead
 * of playback, which the player's own requests (over P2P when there is time) cover anyway. Unpaced,
 * a VOD viewer that had just joined pulled its whole 60 s horizon in a few seconds, a burst of
 * transfers, checks and announcements on its peers and itself; on the 2-core bench machine that
 * burst fell into the next viewer's startup.
 */
const PREFETCH_SPEED = 2;

/** How much prefetching the engine's thread can afford (see {@link prefetchAllowance}). */
export interface PrefetchAllowance {
  /** Share of the configured horizon to prefetch within, 0..1 (0: no prefetch). */
  readonly horizonFactor: number;
  /** Seconds of media per second of wall time (see {@link PrefetchPacer.started}). */
  readonly speed: number;
}

const PREFETCH_ALLOWANCE: Readonly<Record<MainThreadLevel, PrefetchAllowance>> = {
  normal: { horizonFactor: 1, speed: PREFETCH_SPEED },
  // Still ahead of playback (real time), but each transfer, check and announcement comes half as
  // often, and only what is due within half the horizon.
  strained: { horizonFactor: 0.5, speed: PREFETCH_SPEED / 2 },
  // Prefetch is the one P2P download nobody waits for: the player's own requests still go to
  // peers when there is time, which is what a starved thread can afford.
  starved: { horizonFactor: 0, speed: PREFETCH_SPEED / 2 },
};

/** Prefetch allowed at a main-thread `level`: all of it, half of it, or none. */
export function prefetchAllowance(level: MainThreadLevel): PrefetchAllowance {
  return PREFETCH_ALLOWANCE[level];
}

/** Spaces out the prefetches of each stream so background transfers come as a trickle. */
export class PrefetchPacer {
  private readonly nextStartMs = new Map<string, number>();

  /** True when `streamKey` may start a prefetch at `nowMs`. */
  mayStart(streamKey: string, nowMs: number): boolean {
    return nowMs >= (this.nextStartMs.get(streamKey) ?? 0);
  }

  /**
   * A prefetch of `segment` started at `nowMs`: the next waits for its share of wall time at
   * `speed` seconds of media per second (default {@link PREFETCH_SPEED}).
   */
  started(streamKey: string, segment: Segment, nowMs: number, speed = PREFETCH_SPEED): void {
    const seconds = Math.max(0, segment.endTime - segment.startTime) / speed;
    this.nextStartMs.set(streamKey, nowMs + seconds * 1000);
  }

  /** Forgets every stream (a new source). */
  clear(): void {
    this.nextStartMs.clear();
  }
}
