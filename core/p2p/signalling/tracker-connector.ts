/**
 * The seam between TrackerSignalling and its tracker connections: what it needs of one connection
 * ({@link TrackerConnectionLike}) and how one is made ({@link TrackerConnector}). The default makes
 * a real {@link TrackerConnection} (a bittorrent-tracker WebSocket); the swarm simulator
 * (scripts/simulate) and tests pass their own, which hand out simulated peers instead of WebRTC
 * ones. Everything above this seam — announce policy, duplicate rule, connect timeouts, the swarm —
 * is the real code in either case.
 */
import {
  TrackerConnection,
  type TrackerConnectionIdentity,
  type TrackerConnectionListener,
} from './tracker-connection.js';

/**
 * Options of one announce: the shape of bittorrent-tracker's `AnnounceOptions`, declared here so that
 * a connector written outside core/p2p/signalling needs none of the package's types. `numwant` is
 * the number of offers sent with the announce (the package sends at most five).
 */
export interface TrackerAnnounceOptions {
  numwant: number;
  uploaded: number;
  downloaded: number;
  event?: 'started' | 'stopped' | 'completed';
}

/** What TrackerSignalling needs of one tracker connection ({@link TrackerConnection} is the real one). */
export interface TrackerConnectionLike {
  /** The tracker's URL, as given to the connector. */
  readonly url: string;
  /** True while the connection to the tracker is open. */
  readonly connected: boolean;
  /**
   * Connects; once connected, reports `onConnected` and announces with the connector's
   * `announceOptions()` (again after every reconnect). A second call does nothing.
   */
  start(): void;
  /** Announces now when connected; does nothing otherwise. */
  announce(options: TrackerAnnounceOptions): void;
  /**
   * Leaves: tells the tracker (a 'stopped' announce, when connected), stops reporting to the
   * listener and closes the connection. Resolves when closed; never rejects. Idempotent.
   */
  destroy(): Promise<void>;
}

/**
 * Creates the connection to one tracker URL for one swarm. It must not connect before `start()`
 * and must report only to `listener`; `announceOptions` gives the options of the announce sent on
 * every (re)connect. Default: {@link connectWebSocketTracker}.
 */
export type TrackerConnector = (
  url: string,
  identity: TrackerConnectionIdentity,
  listener: TrackerConnectionListener,
  announceOptions: () => TrackerAnnounceOptions,
) => TrackerConnectionLike;

/** The default {@link TrackerConnector}: a real WebSocket connection through bittorrent-tracker. */
export const connectWebSocketTracker: TrackerConnector = (
  url,
  identity,
  listener,
  announceOptions,
) => new TrackerConnection(url, identity, listener, announceOptions);
