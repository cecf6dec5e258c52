/**
 * When to announce, how many offers to send and how long to wait before reconnecting: pure functions
 * of the signalling state, so the policy can be tested and tuned without sockets.
 */

/** Regular announce interval: keeps our entry fresh on the tracker (it expires entries after 20 min). */
export const DEFAULT_ANNOUNCE_INTERVAL_MS = 60_000;
/**
 * Announce interval while we have few peers but the tracker knows more: each announce offers us to
 * a few random swarm members, so repeating it sooner fills the peer list faster.
 */
export const DEFAULT_FEW_PEERS_ANNOUNCE_INTERVAL_MS = 15_000;
/**
 * bittorrent-tracker's WebSocket client sends at most five offers per announce (creating an offer
 * gathers ICE candidates, which is slow); more cannot be asked for.
 */
export const MAX_OFFERS_PER_ANNOUNCE = 5;
/** First reconnect delay after a tracker connection fails or drops; doubles per failed attempt. */
export const RECONNECT_MIN_DELAY_MS = 2000;
/** Longest reconnect delay: a tracker back after a restart is found within a minute. */
export const RECONNECT_MAX_DELAY_MS = 60_000;

/** What the announce policy looks at. */
export interface AnnounceState {
  /** Connections we hold or are establishing. */
  readonly peerCount: number;
  /** The most connections we want. */
  readonly maxPeers: number;
  /** Largest swarm size any tracker reported (us included), 0 when unknown. */
  readonly swarmSize: number;
}

/** The intervals the policy chooses between, in ms. */
export interface AnnounceIntervals {
  readonly announceIntervalMs: number;
  readonly fewPeersAnnounceIntervalMs: number;
}

/**
 * Delay until the next announce. Short while we hold fewer than half of `maxPeers` and the swarm
 * has members we are not connected to; otherwise the regular interval (newcomers find us by their
 * own announces, so a full or lone peer need not hurry). `random` in [0, 1) spreads announces of
 * peers that started together by up to ±10 %.
 */
export function nextAnnounceDelayMs(
  state: AnnounceState,
  intervals: AnnounceIntervals,
  random: number,
): number {
  const unconnectedMembers = state.swarmSize - 1 - state.peerCount;
  const fewPeers = state.peerCount < Math.ceil(state.maxPeers / 2);
  const base =
    fewPeers && unconnectedMembers > 0
      ? intervals.fewPeersAnnounceIntervalMs
      : intervals.announceIntervalMs;
  return Math.round(base * (0.9 + 0.2 * random));
}

/**
 * Offers to send in one announce: no more than the free peer slots and the configured count, and
 * none while `holdNewConnections` (the engine's thread is starved: setting up a WebRTC connection,
 * with its ICE gathering, DTLS handshake and the first segment-map exchange, is work it cannot
 * afford; the connections it has are kept, and offers resume with the next announce after it
 * recovers).
 */
export function offersForAnnounce(
  peerCount: number,
  maxPeers: number,
  offersPerAnnounce: number,
  holdNewConnections = false,
): number {
  if (holdNewConnections) return 0;
  const free = Math.max(0, maxPeers - peerCount);
  return Math.min(free, offersPerAnnounce, MAX_OFFERS_PER_ANNOUNCE);
}

/**
 * Delay before reconnect attempt number `attempt` (0 = first): exponential from
 * {@link RECONNECT_MIN_DELAY_MS} to {@link RECONNECT_MAX_DELAY_MS}, scaled into [50 %, 100 %] by
 * `random` in [0, 1) so that many viewers of a restarted tracker do not return all at once.
 */
export function reconnectDelayMs(attempt: number, random: number): number {
  const exponential = RECONNECT_MIN_DELAY_MS * 2 ** Math.min(attempt, 30);
  return Math.round(Math.min(exponential, RECONNECT_MAX_DELAY_MS) * (0.5 + 0.5 * random));
}
