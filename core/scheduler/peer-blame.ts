/**
 * Who sent wrong bytes: once a segment assembled from peers (and perhaps the origin) turned out
 * wrong, the origin's bytes are the reference, and each peer's part is compared with the same bytes
 * of the origin's. Pure logic, so the rule that an honest peer that completed a hostile prefix is
 * never blamed can be tested on its own.
 */
import type { ContributedRange } from './partial-segment.js';

/** Inputs of {@link peersToBlame}. */
export interface BlameInput {
  /** The bytes held when the segment was found wrong (offsets as in `contributions`). */
  readonly held: Uint8Array;
  /** Which source supplied which bytes of `held`. */
  readonly contributions: readonly ContributedRange[];
  /** The segment's size each peer claimed when it started sending. */
  readonly claimedBytes: ReadonlyMap<string, number>;
  /** The segment as the origin serves it. */
  readonly origin: Uint8Array;
}

/**
 * The peers whose bytes differ from the origin's at the same offsets (bytes past the origin's end
 * differ), or whose claimed size differs from the origin's (a peer that truncates a segment sends
 * only true bytes but lies about where it ends). Each peer once, in contribution order.
 */
export function peersToBlame(input: BlameInput): string[] {
  const blamed: string[] = [];
  const blame = (peerId: string): void => {
    if (!blamed.includes(peerId)) blamed.push(peerId);
  };
  for (const { peerId, start, end } of input.contributions) {
    if (peerId === undefined) continue;
    if (!rangeEqual(input.held, input.origin, start, end)) blame(peerId);
  }
  for (const { peerId } of input.contributions) {
    if (peerId === undefined) continue;
    const claimed = input.claimedBytes.get(peerId);
    if (claimed !== undefined && claimed !== input.origin.byteLength) blame(peerId);
  }
  return blamed;
}

/** True when `a` and `b` hold the same bytes in [start, end) (and both hold all of them). */
function rangeEqual(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (end > a.byteLength || end > b.byteLength) return false;
  for (let i = start; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}
