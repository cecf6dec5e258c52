/**
 * When each simulated viewer joins and leaves: the audience curve of a run.
 *
 * Live (an event): a first wave joins in the first fifth of the run — the "doors open" rush of a
 * scheduled stream, arrivals densest at the start and thinning out — and the rest trickle in at
 * a steady rate until four fifths of the run. Each viewer then watches for an exponentially
 * distributed time (mean twice the run, so about two thirds stay to the end), at least
 * {@link MIN_WATCH_SECONDS}. VOD: arrivals at a steady rate over the first four fifths, each
 * watching from the start for an exponential time with mean half the run.
 *
 * The shape is a modelling choice, not a measurement: it puts the hard cases in every run
 * (hundreds of viewers joining a live swarm in the same seconds, viewers leaving mid-segment) and
 * is printed in the report. Deterministic: a function of `random` (the run's seeded source).
 */

/** A viewer's stay, ms on the simulation's clock. */
export interface ViewerStay {
  readonly joinMs: number;
  /** When it leaves; the run's end when it stays to the end. */
  readonly leaveMs: number;
}

/** Share of live viewers in the opening rush. */
export const LIVE_RUSH_SHARE = 0.6;
/** The rush lasts this share of the run. */
export const LIVE_RUSH_SPAN = 0.2;
/** Arrivals end at this share of the run (everyone then watches for a while). */
export const ARRIVALS_END_SPAN = 0.8;
/** No viewer watches less than this, seconds (shorter visits are bounces, not viewers). */
export const MIN_WATCH_SECONDS = 30;

/**
 * One stay per viewer, sorted by join time.
 *
 * @param viewers - how many viewers the run has
 * @param mode - live event or VOD catalogue
 * @param seconds - the run's length, seconds
 * @param random - the run's seeded random source in [0, 1)
 */
export function planStays(
  viewers: number,
  mode: 'live' | 'vod',
  seconds: number,
  random: () => number,
): ViewerStay[] {
  const runMs = seconds * 1000;
  const stays: ViewerStay[] = [];
  for (let index = 0; index < viewers; index++) {
    // Never at 0 ms: a model started at the clock's origin would read as never started.
    const joinMs = Math.max(1, Math.round(joinShare(mode, random) * runMs));
    const meanWatchMs = (mode === 'live' ? 2 : 0.5) * runMs;
    const watchMs = Math.max(MIN_WATCH_SECONDS * 1000, -Math.log(1 - random()) * meanWatchMs);
    stays.push({ joinMs, leaveMs: Math.min(runMs, Math.round(joinMs + watchMs)) });
  }
  return stays.sort((a, b) => a.joinMs - b.joinMs);
}

/** When a viewer joins, as a share of the run. */
function joinShare(mode: 'live' | 'vod', random: () => number): number {
  if (mode === 'vod' || random() >= LIVE_RUSH_SHARE) {
    const start = mode === 'vod' ? 0 : LIVE_RUSH_SPAN;
    return start + random() * (ARRIVALS_END_SPAN - start);
  }
  // Densest at the start: the square of a uniform draw piles arrivals up near 0.
  const u = random();
  return u * u * LIVE_RUSH_SPAN;
}

/** Seconds between two joins in the lab's pattern (the bench's default `--stagger`). */
export const LAB_STAGGER_SECONDS = 3;

/**
 * The network lab's pattern (issue 16's bench): viewer i joins `i × 3 s` after the start and
 * watches `seconds` from its own join, so the run lasts `seconds + (viewers - 1) × 3 s`.
 */
export function planLabStays(viewers: number, seconds: number): ViewerStay[] {
  return Array.from({ length: viewers }, (_, index) => {
    const joinMs = 1 + index * LAB_STAGGER_SECONDS * 1000;
    return { joinMs, leaveMs: joinMs + seconds * 1000 };
  });
}

/** Viewers present at `atMs`. */
export function audienceAt(stays: readonly ViewerStay[], atMs: number): number {
  let count = 0;
  for (const stay of stays) if (stay.joinMs <= atMs && atMs < stay.leaveMs) count++;
  return count;
}
