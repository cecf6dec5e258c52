/**
 * Where a segment should come from right now: pure decision logic, a function of the playback
 * deadline, the peers' state and measured bandwidths. The delivery runner executes the plan and asks
 * again whenever something changes (a peer announces a segment, a transfer fails, time passes).
 */

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
  /** Peers of the segment's swarm (already excluding peers that failed us recently). */
  readonly peers: readonly PeerCandidate[];
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
 * nothing when it matters: at the live edge (2-4 s of slack) it is at most ~0.6 s.
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

/** Decides where the segment comes from now. */
export function planRequest(input: PlanInput): RequestPlan {
  const budget = input.slackSeconds - httpReserveSeconds(input);
  const p2pUsable = input.p2pAllowed && budget > 0;
  const fallback: RequestPlan = input.playerWaiting
    ? { kind: 'http', delaySeconds: 0 }
    : { kind: 'give-up' };
  if (!p2pUsable) return fallback;

  const bytes = input.expectedBytes ?? 0;
  let best: PeerCandidate | undefined;
  for (const peer of input.peers) {
    if (!peer.has || (!peer.proven && peer.inFlight > 0)) continue;
    if (!best || expectedPeerSeconds(peer, bytes) < expectedPeerSeconds(best, bytes)) best = peer;
  }
  if (best) return { kind: 'p2p', peerId: best.peerId, deadlineSeconds: budget };
  if (input.peers.some((peer) => peer.fetching))
    return { kind: 'wait-for-peer', deadlineSeconds: budget };
  if (!input.playerWaiting) return { kind: 'give-up' };
  if (input.peerWarmupSeconds > 0) {
    return { kind: 'wait-for-peer', deadlineSeconds: Math.min(budget, input.peerWarmupSeconds) };
  }
  // Nobody has it or is getting it: we fetch it, after a short random delay when there is time, so
  // that of several viewers asking at once usually only one goes to the origin.
  const jitter = Math.min(MAX_HTTP_JITTER_SECONDS, budget / 4) * input.random;
  return { kind: 'http', delaySeconds: jitter };
}
