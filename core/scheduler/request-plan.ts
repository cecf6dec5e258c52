/**
 * Where a segment should come from right now: pure decision logic, a function of the playback
 * deadline, the peers' state and measured bandwidths. The delivery runner executes the plan and asks
 * again whenever something changes (a peer announces a segment, a transfer fails, time passes).
 *
 * Among the peers that hold the segment, those expected to deliver within the deadline come first,
 * then direct connections before TURN-relayed ones (relayed bytes cost the TURN operator and take
 * an extra hop), then the fastest. A peer whose measured throughput cannot deliver the segment
 * before the deadline is not chosen at all: waiting on it would only burn the time HTTP needs.
 */
import type { ConnectionPath } from '../p2p/peer/connection-path.js';

/** What the scheduler knows about one peer, for one segment. */
export interface PeerCandidate {
  readonly peerId: string;
  /** The peer has the whole segment. */
  readonly has: boolean;
  /** The peer is downloading the segment from the origin right now. */
  readonly fetching: boolean;
  /** Measured download throughput from this peer, bits per second, if measured. */
  readonly throughputBps: number | undefined;
  /** Requests we have in flight to this peer. */
  readonly inFlight: number;
  /**
   * A segment with this peer's bytes has passed our checks since it connected. An unproven peer is
   * on probation: one request at a time, so a hostile peer has at most one segment under way when
   * its first wrong one is caught and it is banned.
   */
  readonly proven: boolean;
  /**
   * How the connection to the peer travels; undefined counts as `unknown`. Direct and unknown
   * peers are preferred over `relayed` ones (unknown: nothing says the bytes cost a relay).
   */
  readonly path?: ConnectionPath;
}

/** Inputs of {@link planRequest}. */
export interface PlanInput {
  /** Seconds until playback needs the segment. */
  readonly slackSeconds: number;
  /** Expected size of the segment in bytes (from the stream's recent segments), if known. */
  readonly expectedBytes: number | undefined;
  /** Recent HTTP throughput in bits per second, if measured. */
  readonly httpBps: number | undefined;
  /** Configured margin kept for HTTP, seconds. */
  readonly safetyMarginSeconds: number;
  /** Peers of the segment's swarm that have or fetch it (excluding peers that failed us recently). */
  readonly peers: readonly PeerCandidate[];
  /**
   * Peers connected now, whatever they hold. With none, nobody could announce the segment during a
   * delay, so a fetch nobody announced starts at once.
   */
  readonly connectedPeers: number;
  /** False when P2P is off, or the request must not use it (e.g. already failed over to HTTP). */
  readonly p2pAllowed: boolean;
  /**
   * Seconds until the stream's swarm has had its chance to connect (joining, first peers), 0 once
   * it has. Meanwhile a segment with time to spare waits for peers instead of going to the origin.
   */
  readonly peerWarmupSeconds: number;
  /** True when the player is waiting for this segment; false for an engine prefetch. */
  readonly playerWaiting: boolean;
  /** Uniform random number in [0, 1), injected for deterministic tests. */
  readonly random: number;
}

/** The decision. Deadlines are seconds from now. */
export type RequestPlan =
  | { readonly kind: 'p2p'; readonly peerId: string; readonly deadlineSeconds: number }
  | { readonly kind: 'wait-for-peer'; readonly deadlineSeconds: number }
  | { readonly kind: 'http'; readonly delaySeconds: number }
  | { readonly kind: 'give-up' };

/** Throughput assumed for a peer not yet measured: optimistic but finite (4 Mbit/s). */
const UNMEASURED_PEER_BPS = 4_000_000;
/**
 * Upper bound of the random delay before an HTTP fetch nobody else announced. Viewers who want the
 * same segment within this window rarely both fetch it: the first one's "fetching" announcement
 * reaches the others (a data-channel hop: milliseconds to tens of ms) before their delays run out.
 * The delay never takes more than a quarter of the time left before HTTP must take over, so it costs
 * nothing when it matters: at the live edge (2-4 s of slack) it is at most ~0.6 s. (A 3 s bound,
 * tried for viewers two hops from the first fetcher, did not reduce the 30-viewer lab's concurrent
 * duplicate fetches: 204, 139 and 240 in three runs against 208 with 1 s.)
 */
const MAX_HTTP_JITTER_SECONDS = 1;

/** Seconds HTTP is expected to need for `bytes`, plus the safety margin. */
export function httpReserveSeconds(
  input: Pick<PlanInput, 'expectedBytes' | 'httpBps' | 'safetyMarginSeconds'>,
): number {
  const transfer =
    input.expectedBytes !== undefined && input.httpBps !== undefined && input.httpBps > 0
      ? (input.expectedBytes * 8) / input.httpBps
      : 0;
  return input.safetyMarginSeconds + transfer;
}

/** Expected seconds for `peer` to deliver `bytes`, counting the requests already queued on it. */
function expectedPeerSeconds(peer: PeerCandidate, bytes: number): number {
  const bps = peer.throughputBps ?? UNMEASURED_PEER_BPS;
  return ((bytes * 8) / bps) * (1 + peer.inFlight);
}

/**
 * True when the peer's measured throughput says it cannot deliver `bytes` within `budgetSeconds`.
 * An unmeasured peer gets its chance (the runner's deadline still bounds the wait).
 */
function tooSlow(peer: PeerCandidate, bytes: number, budgetSeconds: number): boolean {
  return (
    peer.throughputBps !== undefined &&
    bytes > 0 &&
    expectedPeerSeconds(peer, bytes) > budgetSeconds
  );
}

/** 0 for a direct (or unknown) path, 1 for a relayed one: lower ranks first. */
function pathRank(peer: PeerCandidate): number {
  return peer.path === 'relayed' ? 1 : 0;
}

/**
 * The peer to ask among `peers` for `bytes` within `budgetSeconds`: holders not on probation with a
 * request under way and not {@link tooSlow}; direct before relayed; then the earliest expected
 * finish (ties: first listed).
 */
export function choosePeer(
  peers: readonly PeerCandidate[],
  bytes: number,
  budgetSeconds: number,
): PeerCandidate | undefined {
  let best: PeerCandidate | undefined;
  for (const peer of peers) {
    if (!peer.has || (!peer.proven && peer.inFlight > 0)) continue;
    if (tooSlow(peer, bytes, budgetSeconds)) continue;
    if (!best || ranksBefore(peer, best, bytes)) best = peer;
  }
  return best;
}

function ranksBefore(a: PeerCandidate, b: PeerCandidate, bytes: number): boolean {
  const byPath = pathRank(a) - pathRank(b);
  if (byPath !== 0) return byPath < 0;
  return expectedPeerSeconds(a, bytes) < expectedPeerSeconds(b, bytes);
}

/** Decides where the segment comes from now. */
export function planRequest(input: PlanInput): RequestPlan {
  const budget = input.slackSeconds - httpReserveSeconds(input);
  const p2pUsable = input.p2pAllowed && budget > 0;
  const fallback: RequestPlan = input.playerWaiting
    ? { kind: 'http', delaySeconds: 0 }
    : { kind: 'give-up' };
  if (!p2pUsable) return fallback;

  const best = choosePeer(input.peers, input.expectedBytes ?? 0, budget);
  if (best) return { kind: 'p2p', peerId: best.peerId, deadlineSeconds: budget };
  if (input.peers.some((peer) => peer.fetching))
    return { kind: 'wait-for-peer', deadlineSeconds: budget };
  if (!input.playerWaiting) return { kind: 'give-up' };
  if (input.peerWarmupSeconds > 0) {
    return { kind: 'wait-for-peer', deadlineSeconds: Math.min(budget, input.peerWarmupSeconds) };
  }
  // Nobody has it or is getting it: we fetch it, after a short random delay when there is time and
  // someone to hear from, so that of several viewers asking at once usually only one goes to the
  // origin.
  if (input.connectedPeers === 0) return { kind: 'http', delaySeconds: 0 };
  const jitter = Math.min(MAX_HTTP_JITTER_SECONDS, budget / 4) * input.random;
  return { kind: 'http', delaySeconds: jitter };
}

/** Inputs of {@link transferMissesDeadline}, for one transfer from a peer under way. */
export interface TransferPaceInput {
  /** Bytes this transfer has delivered since its first byte. */
  readonly receivedBytes: number;
  /** Bytes still missing from the segment. */
  readonly remainingBytes: number;
  /** Seconds since the transfer's first byte arrived. */
  readonly elapsedSeconds: number;
  /** Seconds left until the transfer's deadline (when HTTP must take over). */
  readonly secondsToDeadline: number;
}

/**
 * Time a transfer runs after its first byte before its pace is judged, seconds: chunks arrive in
 * bursts, and a shorter sample would call a fast peer slow.
 */
export const MIN_PACE_SAMPLE_SECONDS = 0.5;

/**
 * How far behind a transfer must be before it is given up early: its projected finish must lie
 * this many times further away than its deadline. A transfer's pace is a share of its peer's upload
 * (the peer serves others, and our own requests to it share it too) and speeds up when those end,
 * so a projection only a little late is left to the deadline itself; one twice as late is a peer
 * whose upload cannot carry the stream.
 */
export const PACE_GIVE_UP_FACTOR = 2;

/**
 * True when a transfer from a peer, at the pace it has kept since its first byte, would need more
 * than {@link PACE_GIVE_UP_FACTOR} times the time left to its deadline: the rest should go over HTTP
 * now, while the whole reserve is left, instead of after a peer whose upload is slower than the
 * stream's bitrate dripped until the deadline. False until {@link MIN_PACE_SAMPLE_SECONDS} passed.
 */
export function transferMissesDeadline(input: TransferPaceInput): boolean {
  if (input.elapsedSeconds < MIN_PACE_SAMPLE_SECONDS || input.receivedBytes <= 0) return false;
  if (input.remainingBytes <= 0) return false;
  const bytesPerSecond = input.receivedBytes / input.elapsedSeconds;
  const projectedSeconds = input.remainingBytes / bytesPerSecond;
  return projectedSeconds > PACE_GIVE_UP_FACTOR * Math.max(0, input.secondsToDeadline);
}
