/**
 * Sub-swarms: the optional split of one stream's swarm into smaller swarms for very large channels
 * (engine option `swarmPeerCap`). Pure functions of a peer id, a swarm's info hash and a level; the
 * P2P network (p2p-network.ts) applies them as trackers report swarm sizes.
 *
 * The sub-swarms form a binary tree. Level 0 is the stream's ordinary swarm. At level L there are
 * 2^L buckets, and a peer's bucket is the first L bits of SHA-1(peer id bytes ‖ base info hash
 * bytes): its bucket at level L + 1 is always one of the two children of its bucket at level L. A
 * peer only ever moves one level down, into its own child, so splitting never scatters a bucket's
 * peers anywhere but into its two halves, and two peers whose ids agree on the first L bits meet at
 * level L every time. Because the position depends on the peer id and the base info hash alone,
 * it is stable across reloads of the swarm and the same on every peer; the bucket info hashes are
 * part of the compatibility contract (docs/SWARM-IDENTITY.md, "Sub-swarms").
 *
 * What this gives and does not give, with a cap C:
 * - A swarm whose tracker reports more than C members (us included) sheds members: whoever sees
 *   that moves one level down. Newcomers (who start at level 0) see it in their first announce
 *   response and move on at once; members already there see it at their next announce (within a
 *   minute), and move too if the swarm is still over C. Every bucket therefore stays around C or
 *   below, exceeded only by the arrivals between two announces; the buckets above the deepest
 *   occupied level hold about C each, and peers move down only as far as arrivals require.
 * - Bucket sizes are not balanced: the deepest level holds the most recent overflow and its
 *   buckets may be far below C. With evenly spread ids each split halves a bucket's future
 *   arrivals (the ids split evenly, ±statistical noise).
 * - There is no merging back. When an audience shrinks, sub-swarms stay split and may end up
 *   small (a few peers each, fewer P2P sources than one swarm would have). Climbing back would
 *   need every member of two sibling buckets to notice their sum fits and move together; peers
 *   deciding alone would flap between levels, and every move drops all of a peer's connections.
 *   A large live audience shrinks slowly, and a viewer who reloads starts again at level 0, so the
 *   tree refills from the top; that was judged the better trade-off.
 * - Peers at different levels never share segments (apart from a newcomer passing through a full
 *   bucket, whose offers may briefly connect it there). Level-0 peers without the option never
 *   move, so mixing engines with and without the option (or with different caps) only weakens the
 *   split; it breaks nothing.
 */
import { hexToBinaryString } from '../signalling/peer-id.js';
import { sha1Hex, SWARM_IDENTITY_VERSION } from '../swarm-identity.js';

/**
 * The deepest level (4096 buckets). A bucket at this level holds all its peers, over the cap or
 * not: with the smallest cap (2) that is room for at least 8190 peers in the levels above alone.
 */
export const MAX_SUB_SWARM_LEVEL = 12;

/** Smallest `swarmPeerCap`: a cap of 1 would leave every peer alone. */
export const MIN_SWARM_PEER_CAP = 2;

const utf8 = new TextEncoder();

/**
 * The bucket of a peer at `level`: the first `level` bits of SHA-1(peer id bytes ‖ base info hash
 * bytes), as an integer from 0 to 2^level - 1 (0 at level 0).
 *
 * @param peerId - the peer id, 40 hex characters (20 bytes)
 * @param baseInfoHash - the stream's level-0 info hash ({@link infoHashFor}), 40 hex characters
 * @param level - 0 to {@link MAX_SUB_SWARM_LEVEL}
 */
export function subSwarmBucket(peerId: string, baseInfoHash: string, level: number): number {
  checkLevel(level);
  if (level === 0) return 0;
  const bytes = new Uint8Array(40);
  bytes.set(hexBytes(peerId, 'peerId'), 0);
  bytes.set(hexBytes(baseInfoHash, 'baseInfoHash'), 20);
  // The first 8 hex characters are the first 32 bits, more than the deepest level needs.
  const leading32 = parseInt(sha1Hex(bytes).slice(0, 8), 16);
  return leading32 >>> (32 - level);
}

/**
 * The info hash of bucket `bucket` at `level` of the stream whose level-0 info hash is
 * `baseInfoHash`. Level 0 is `baseInfoHash` itself: the ordinary swarm, so engines without the
 * option meet engines with it there. Deeper levels hash the UTF-8 bytes of
 * `"p2pml/v1/sub\n" + baseInfoHash + "\n" + bits`, `bits` being the bucket as `level` binary digits
 * (most significant first, e.g. level 3 bucket 5 is `"101"`). The tag differs from the level-0
 * derivation's (`"p2pml/v1\n"`) from its ninth byte, so no sub-swarm hash is the input of a
 * level-0 hash; the base hash is fixed-length and the bit count is the level, so the string is
 * unambiguous.
 */
export function subSwarmInfoHash(baseInfoHash: string, level: number, bucket: number): string {
  checkLevel(level);
  if (!Number.isInteger(bucket) || bucket < 0 || bucket >= 2 ** level) {
    throw new RangeError(`bucket must be an integer from 0 to ${2 ** level - 1}, got ${bucket}`);
  }
  const base = lowerHex(baseInfoHash, 'baseInfoHash');
  if (level === 0) return base;
  return sha1Hex(utf8.encode(subSwarmIdentityText(base, level, bucket)));
}

/** The exact text that {@link subSwarmInfoHash} hashes below level 0; exported for tests and docs. */
export function subSwarmIdentityText(baseInfoHash: string, level: number, bucket: number): string {
  const bits = bucket.toString(2).padStart(level, '0');
  return `${SWARM_IDENTITY_VERSION}/sub\n${lowerHex(baseInfoHash, 'baseInfoHash')}\n${bits}`;
}

/**
 * The level to be at after a tracker reported `reportedMembers` (us included) in our swarm at
 * `level`: one level down when that is more than `cap` and `level` is above the deepest, otherwise
 * `level` unchanged. Never returns a shallower level (see the file comment on merging back).
 */
export function splitLevel(level: number, reportedMembers: number, cap: number): number {
  return reportedMembers > cap && level < MAX_SUB_SWARM_LEVEL ? level + 1 : level;
}

/** Where a peer is in the tree: its level, its bucket there and that bucket's info hash. */
export interface SubSwarmPlace {
  readonly level: number;
  readonly bucket: number;
  readonly infoHash: string;
}

/** The sub-swarm `peerId` belongs to at `level` of the stream whose level-0 hash is `baseInfoHash`. */
export function subSwarmPlace(peerId: string, baseInfoHash: string, level: number): SubSwarmPlace {
  const bucket = subSwarmBucket(peerId, baseInfoHash, level);
  return { level, bucket, infoHash: subSwarmInfoHash(baseInfoHash, level, bucket) };
}

function checkLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > MAX_SUB_SWARM_LEVEL) {
    throw new RangeError(`level must be an integer from 0 to ${MAX_SUB_SWARM_LEVEL}, got ${level}`);
  }
}

function lowerHex(value: string, name: string): string {
  if (!/^[0-9a-f]{40}$/i.test(value)) {
    throw new RangeError(`${name} must be 40 hex characters, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

function hexBytes(value: string, name: string): Uint8Array {
  const binary = hexToBinaryString(lowerHex(value, name));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
