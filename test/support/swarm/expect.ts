/**
 * The expectations every swarm test makes, written once: clean playback, sharing between viewers
 * with less from the origin than played, and every delivered byte identical to the origin's file.
 * Each puts the viewers' summaries next to the asserted values, so a failure shows the numbers
 * behind it; none is weaker than the per-file copies it replaces.
 */
import { originMismatches } from '../origin-media.js';
import { stallReport } from '../stall-report.js';
import type { ViewerSnapshot } from './snapshot.js';
import { summariesOf } from './summary.js';

/** What {@link expectCleanPlayback} requires of every viewer. */
export interface CleanPlaybackOptions {
  /**
   * The least each viewer played, s: one number for all, or one per viewer (then there must be
   * exactly that many snapshots).
   */
  readonly playedSeconds: number | readonly number[];
  /** Also require no stall (each viewer's {@link stallReport} is 0). Default true. */
  readonly noStalls?: boolean;
  /** Failure-message lines (default: {@link summariesOf} the snapshots). */
  readonly summaries?: readonly string[];
}

/**
 * Every viewer started (no setup error), had no fatal error, played enough and, unless
 * `noStalls: false`, never stalled (a stall shows as its report).
 */
export function expectCleanPlayback(
  snapshots: readonly ViewerSnapshot[],
  options: CleanPlaybackOptions,
): void {
  const noStalls = options.noStalls ?? true;
  const least = (index: number): number =>
    typeof options.playedSeconds === 'number'
      ? options.playedSeconds
      : (options.playedSeconds[index] ?? Number.POSITIVE_INFINITY);
  const outcome = snapshots.map((snapshot, index) => ({
    setupError: snapshot.setupError,
    fatalErrors: snapshot.fatalErrors,
    playedEnough: snapshot.playedSeconds >= least(index),
    ...(noStalls ? { stalls: stallReport(snapshot) } : {}),
  }));
  const viewers = options.summaries ?? summariesOf(snapshots);
  const expected = typeof options.playedSeconds === 'number' ? snapshots : options.playedSeconds;
  expect({ outcome, viewers }).toEqual({
    outcome: expected.map(() => ({
      setupError: undefined,
      fatalErrors: [],
      playedEnough: true,
      ...(noStalls ? { stalls: 0 } : {}),
    })),
    viewers,
  });
}

/** A swarm's byte totals, as {@link expectSwarmOffload} compares them. */
export interface SwarmBytes {
  /** Bytes the viewers received from peers. */
  readonly p2pBytes: number;
  /** Media bytes the origin sent for the swarm's stream. */
  readonly originMediaBytes: number;
  /** Media bytes the players got. */
  readonly playerMediaBytes: number;
}

/**
 * Viewers got bytes from each other (`p2pBytes > 0`) and the origin sent fewer media bytes than
 * the players got.
 */
export function expectSwarmOffload(bytes: SwarmBytes, summaries: readonly string[]): void {
  const outcome = {
    p2pBytes: bytes.p2pBytes,
    originMediaBytes: bytes.originMediaBytes,
    playerMediaBytes: bytes.playerMediaBytes,
    viewers: summaries,
  };
  expect({
    ...outcome,
    someFromPeers: bytes.p2pBytes > 0,
    originBelowPlayed: bytes.originMediaBytes < bytes.playerMediaBytes,
  }).toEqual({ ...outcome, someFromPeers: true, originBelowPlayed: true });
}

/**
 * Every segment any of the viewers got (init segments included) is byte-identical to the origin's
 * file (or byte range), and at least `minChecked` segments were checked.
 */
export function expectOriginBytes(
  snapshots: readonly Pick<ViewerSnapshot, 'segments'>[],
  minChecked: number,
): void {
  const { checked, mismatches } = originMismatches(snapshots);
  expect({ enoughChecked: checked >= minChecked, checked, mismatches }).toEqual({
    enoughChecked: true,
    checked,
    mismatches: [],
  });
}
