/**
 * Finds peers of one swarm through WebTorrent trackers and hands out open WebRTC connections to them.
 * Tracker failures are reported as events and never thrown: HTTP delivery goes on without peers.
 */
import { P2PMediaLoaderError } from '../../errors.js';
import { TypedEmitter } from '../../events/typed-emitter.js';
import {
  DEFAULT_ANNOUNCE_INTERVAL_MS,
  DEFAULT_FEW_PEERS_ANNOUNCE_INTERVAL_MS,
  MAX_OFFERS_PER_ANNOUNCE,
  nextAnnounceDelayMs,
  offersForAnnounce,
} from './announce-policy.js';
import { connectionToKeep } from './duplicate-connections.js';
import { isTwentyByteHex } from './peer-id.js';
import type { SimplePeer } from './simple-peer.js';
import type { TrackerConnectionListener } from './tracker-connection.js';
import {
  connectWebSocketTracker,
  type TrackerConnectionLike,
  type TrackerConnector,
} from './tracker-connector.js';
import {
  DEFAULT_FLEET_FAILOVER_POLICY,
  FleetFailover,
  rendezvousOrder,
  trackerGroups,
  type FleetFailoverPolicy,
  type TrackerList,
} from './tracker-fleet.js';
import { validateTrackerUrls } from './tracker-urls.js';

/** Options of {@link TrackerSignalling}. */
export interface TrackerSignallingOptions {
  /** The swarm's info hash: 40 hex characters (see `infoHashFor`). */
  readonly infoHash: string;
  /** Our peer id: 40 hex characters (20 bytes; see `createPeerId`). Use one id for all swarms of a page. */
  readonly peerId: string;
  /**
   * WebSocket tracker URLs (ws: or wss:), all announced to at once; or a fleet (an array of groups
   * of such URLs), of which one group is used at a time, chosen and failed over as tracker-fleet.ts
   * describes. Invalid URLs are reported (as 'tracker-error' at `start()`) and left out.
   */
  readonly trackers: TrackerList;
  /** When a fleet's group counts as down. Default {@link DEFAULT_FLEET_FAILOVER_POLICY}. */
  readonly fleetFailover?: FleetFailoverPolicy;
  /** `RTCPeerConnection` configuration (ICE servers). Default: the platform's (no STUN). */
  readonly rtcConfig?: RTCConfiguration;
  /** The most connections (open and being established) to hold. Default 12. */
  readonly maxPeers?: number;
  /** Offers created per announce, 1..5 (bittorrent-tracker sends at most 5). Default 5. */
  readonly offersPerAnnounce?: number;
  /** Regular announce interval in ms. Default 60000. */
  readonly announceIntervalMs?: number;
  /** Announce interval while we hold under half of `maxPeers` and the swarm has more, in ms. Default 15000. */
  readonly fewPeersAnnounceIntervalMs?: number;
  /** A peer whose data channel is not open this long after it appeared is dropped, in ms. Default 20000. */
  readonly connectTimeoutMs?: number;
  /**
   * Asked for every offer from and answer by a remote peer before it becomes a connection; false
   * drops it unanswered (banned or excluded peers). Default: every peer is admitted.
   */
  readonly admits?: (remotePeerId: string) => boolean;
  /**
   * Asked at every announce: while true, announces carry no offers, so no new connection is
   * initiated (the engine's thread is starved). Connections held or being set up are kept, and
   * remote peers' offers are still answered. Default: never.
   */
  readonly holdsNewConnections?: () => boolean;
  /**
   * Makes the connection to each tracker URL. Default: a real WebSocket connection
   * ({@link connectWebSocketTracker}). Exists for the swarm simulator (scripts/simulate) and tests,
   * which connect through a simulated tracker and simulated data channels.
   */
  readonly connectTracker?: TrackerConnector;
}

/** Events of {@link TrackerSignalling}. */
export interface TrackerSignallingEvents extends Record<string, unknown> {
  /**
   * A new open connection to `remotePeerId` (40 hex characters). There is at most one per remote
   * peer: duplicates (both sides offered, or one offer via two trackers) are closed before they
   * open. The listener owns the connection from now on: it must listen for 'error' and 'close'.
   */
  peer: { readonly peer: SimplePeer; readonly remotePeerId: string; readonly trackerUrl: string };
  /** The WebSocket to a tracker opened (also after a reconnect). */
  'tracker-connected': { readonly trackerUrl: string };
  /** An open tracker WebSocket closed or failed; reconnects follow with backoff. */
  'tracker-disconnected': { readonly trackerUrl: string };
  /** A tracker could not be reached, failed, rejected us or sent garbage (code 'tracker'). */
  'tracker-error': { readonly trackerUrl: string; readonly error: P2PMediaLoaderError };
  /**
   * The tracker group in use changed (fleets only, see tracker-fleet.ts): `initial` at `start()`,
   * `failover` when the group used was down, `recovered` when a more preferred group answers again.
   * `groupIndex` is the group's position in the `trackers` setting, `rank` its position in this
   * swarm's preference order (0 = preferred).
   */
  'tracker-group': {
    readonly groupIndex: number;
    readonly rank: number;
    readonly trackers: readonly string[];
    readonly reason: 'initial' | 'failover' | 'recovered';
  };
  /** A tracker reported the swarm's size (us included) in its announce response. */
  'swarm-size': { readonly trackerUrl: string; readonly members: number };
  /** Something went wrong with a peer before it connected; nothing to act on. */
  warning: { readonly error: Error; readonly trackerUrl?: string };
}

const DEFAULT_MAX_PEERS = 12;
// WebRTC connection set-up (ICE checks, DTLS) takes well under 5 s on working networks; a peer still
// not open after 20 s is almost certainly unreachable, and its RTCPeerConnection costs resources.
const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

interface PeerEntry {
  readonly peer: SimplePeer;
  readonly remotePeerId: string;
  readonly trackerUrl: string;
  connected: boolean;
  connectTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Tracker signalling for one swarm. Create, subscribe, `start()`, and `destroy()` when done. */
export class TrackerSignalling extends TypedEmitter<TrackerSignallingEvents> {
  readonly infoHash: string;
  readonly peerId: string;
  /**
   * Connections closed because another one to the same remote peer was kept (a diagnostic count;
   * see duplicate-connections.ts for the rule).
   */
  duplicatesClosed = 0;
  private maxPeers: number;
  private readonly offersPerAnnounce: number;
  private readonly intervals: { announceIntervalMs: number; fewPeersAnnounceIntervalMs: number };
  private readonly connectTimeoutMs: number;
  private readonly admits: (remotePeerId: string) => boolean;
  private readonly holdsNewConnections: () => boolean;
  /** Offers and answers dropped because `admits` refused the peer (a diagnostic count). */
  refusedPeers = 0;
  /** Usable URLs of each tracker group, in this swarm's preference order (rank 0 first). */
  private readonly rankedGroups: { readonly groupIndex: number; readonly urls: string[] }[] = [];
  /** Connections of the held groups, by rank (see FleetFailover). */
  private readonly connectionsByRank = new Map<number, TrackerConnectionLike[]>();
  private readonly connectTracker: TrackerConnector;
  private readonly failover: FleetFailover;
  private readonly isFleet: boolean;
  private fleetTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Set while {@link applyFleet} runs: a connection may report synchronously from `start()` (a
   * pooled socket that is already open), and the re-evaluation it asks for waits until the held
   * groups are consistent again.
   */
  private applyingFleet = false;
  private fleetReevaluationPending = false;
  private readonly identity: {
    infoHash: string;
    peerId: string;
    rtcConfig: RTCConfiguration | undefined;
  };
  private readonly invalidTrackers: { url: string; reason: string }[] = [];
  private readonly peers = new Map<string, PeerEntry>();
  private readonly swarmSizes = new Map<string, number>();
  private announceTimer: ReturnType<typeof setTimeout> | undefined;
  private nextAnnounceAtMs = Infinity;
  private started = false;
  private destroyed = false;

  /** @throws P2PMediaLoaderError 'config-invalid' for a malformed info hash, peer id or number */
  constructor(options: TrackerSignallingOptions) {
    super();
    if (!isTwentyByteHex(options.infoHash)) throw invalid('infoHash must be 40 hex characters');
    if (!isTwentyByteHex(options.peerId)) throw invalid('peerId must be 40 hex characters');
    this.infoHash = options.infoHash.toLowerCase();
    this.peerId = options.peerId.toLowerCase();
    this.maxPeers = checkedInteger('maxPeers', options.maxPeers ?? DEFAULT_MAX_PEERS, 0, 1000);
    this.offersPerAnnounce = checkedInteger(
      'offersPerAnnounce',
      options.offersPerAnnounce ?? MAX_OFFERS_PER_ANNOUNCE,
      1,
      MAX_OFFERS_PER_ANNOUNCE,
    );
    this.intervals = {
      announceIntervalMs: checkedInteger(
        'announceIntervalMs',
        options.announceIntervalMs ?? DEFAULT_ANNOUNCE_INTERVAL_MS,
        1000,
        3_600_000,
      ),
      fewPeersAnnounceIntervalMs: checkedInteger(
        'fewPeersAnnounceIntervalMs',
        options.fewPeersAnnounceIntervalMs ?? DEFAULT_FEW_PEERS_ANNOUNCE_INTERVAL_MS,
        1000,
        3_600_000,
      ),
    };
    this.connectTimeoutMs = checkedInteger(
      'connectTimeoutMs',
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      1000,
      600_000,
    );
    this.admits = options.admits ?? (() => true);
    this.holdsNewConnections = options.holdsNewConnections ?? (() => false);
    this.connectTracker = options.connectTracker ?? connectWebSocketTracker;
    this.identity = { infoHash: this.infoHash, peerId: this.peerId, rtcConfig: options.rtcConfig };
    const groups = trackerGroups(options.trackers);
    this.isFleet = groups.length > 1;
    const seen = new Set<string>();
    for (const groupIndex of rendezvousOrder(this.infoHash, groups)) {
      const { valid, invalid: invalidTrackers } = validateTrackerUrls(groups[groupIndex] ?? []);
      this.invalidTrackers.push(...invalidTrackers);
      // One URL in two groups would make one connection serve both: it stays in the first only.
      const urls = valid.filter((url) => !seen.has(url));
      for (const url of urls) seen.add(url);
      this.rankedGroups.push({ groupIndex, urls });
    }
    this.failover = new FleetFailover(
      this.rankedGroups.map((group) => group.urls),
      options.fleetFailover ?? DEFAULT_FLEET_FAILOVER_POLICY,
    );
  }

  /** Connections held, open or being established. */
  get peerCount(): number {
    return this.peers.size;
  }

  /**
   * The most members (us included) a connected tracker reported for the swarm in its latest announce
   * response; undefined until one has answered.
   */
  get reportedSwarmSize(): number | undefined {
    return this.swarmSizes.size === 0 ? undefined : Math.max(...this.swarmSizes.values());
  }

  /** Tracker URLs whose WebSocket is open now. */
  get connectedTrackers(): string[] {
    return this.allConnections()
      .filter((c) => c.connected)
      .map((c) => c.url);
  }

  /**
   * The tracker group announced to now: its position in the `trackers` setting (0 for a plain
   * list) and its usable URLs.
   */
  get activeTrackerGroup(): { readonly groupIndex: number; readonly trackers: readonly string[] } {
    const group = this.rankedGroups[this.failover.activeRank];
    return { groupIndex: group?.groupIndex ?? 0, trackers: [...(group?.urls ?? [])] };
  }

  /** Connects to every tracker and announces. Invalid tracker URLs are reported as 'tracker-error'. */
  start(): void {
    if (this.started || this.destroyed) return;
    this.started = true;
    for (const { url, reason } of this.invalidTrackers) {
      this.emit('tracker-error', {
        trackerUrl: url,
        error: new P2PMediaLoaderError('tracker', `tracker ${url}: ${reason}`),
      });
    }
    this.applyFleet(undefined);
    if (this.isFleet) this.emitGroup('initial');
    this.scheduleAnnounce();
  }

  /**
   * Changes the most connections to hold (e.g. when the engine needs fewer). Existing connections
   * are kept; new ones are refused while at the limit.
   */
  setMaxPeers(maxPeers: number): void {
    this.maxPeers = checkedInteger('maxPeers', maxPeers, 0, 1000);
    this.rescheduleIfSooner();
  }

  /**
   * Leaves the swarm: tells the trackers, closes their sockets and timers and every connection that
   * is not open yet. Open connections already handed out via 'peer' belong to their listener and are
   * left alone. Resolves when the tracker sockets are closed; it never rejects.
   */
  destroy(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    this.destroyed = true;
    clearTimeout(this.announceTimer);
    clearTimeout(this.fleetTimer);
    for (const entry of this.peers.values()) {
      clearTimeout(entry.connectTimer);
      if (!entry.connected) entry.peer.destroy();
    }
    this.peers.clear();
    const closed = Promise.all(this.allConnections().map((c) => c.destroy())).then(() => undefined);
    this.connectionsByRank.clear();
    this.removeAllListeners();
    return closed;
  }

  private allConnections(): TrackerConnectionLike[] {
    return [...this.connectionsByRank.values()].flat();
  }

  /**
   * Re-evaluates which tracker group to use after a tracker event (or the fleet timer), connects
   * the held groups and releases the others. A plain tracker list is one group: nothing changes.
   */
  private reevaluateFleet(): void {
    if (!this.started || this.destroyed) return;
    if (this.applyingFleet) {
      this.fleetReevaluationPending = true;
      return;
    }
    const change = this.failover.evaluate(Date.now());
    this.applyFleet(change?.reason);
  }

  private applyFleet(reason: 'failover' | 'recovered' | undefined): void {
    this.applyingFleet = true;
    try {
      this.connectHeldGroups();
    } finally {
      this.applyingFleet = false;
    }
    if (reason !== undefined) this.emitGroup(reason);
    if (this.fleetReevaluationPending) {
      this.fleetReevaluationPending = false;
      this.reevaluateFleet();
      return;
    }
    this.scheduleFleetCheck();
  }

  /** Connects the groups the failover holds and releases the others. */
  private connectHeldGroups(): void {
    const held = new Set(this.failover.heldRanks);
    for (const [rank, connections] of this.connectionsByRank) {
      if (held.has(rank)) continue;
      this.connectionsByRank.delete(rank);
      for (const connection of connections) {
        this.failover.stopped(connection.url);
        this.swarmSizes.delete(connection.url);
        void connection.destroy();
      }
    }
    for (const rank of held) {
      if (this.connectionsByRank.has(rank)) continue;
      const connections = (this.rankedGroups[rank]?.urls ?? []).map((url) =>
        this.connectTracker(url, this.identity, this.listenerFor(url), () =>
          this.announceOptions(),
        ),
      );
      this.connectionsByRank.set(rank, connections);
      for (const connection of connections) {
        this.failover.started(connection.url, Date.now());
        connection.start();
      }
    }
  }

  /** Re-evaluates when the time rule of the failover could next apply. */
  private scheduleFleetCheck(): void {
    if (this.destroyed) return;
    clearTimeout(this.fleetTimer);
    this.fleetTimer = undefined;
    const nowMs = Date.now();
    const checkAtMs = this.failover.nextCheckAtMs(nowMs);
    if (checkAtMs !== undefined) {
      this.fleetTimer = setTimeout(
        () => {
          this.fleetTimer = undefined;
          this.reevaluateFleet();
        },
        Math.max(0, checkAtMs - nowMs),
      );
    }
  }

  private emitGroup(reason: TrackerSignallingEvents['tracker-group']['reason']): void {
    const rank = this.failover.activeRank;
    const group = this.rankedGroups[rank];
    if (!group) return;
    this.emit('tracker-group', {
      groupIndex: group.groupIndex,
      rank,
      trackers: [...group.urls],
      reason,
    });
  }

  private listenerFor(trackerUrl: string): TrackerConnectionListener {
    return {
      onConnected: () => {
        this.failover.connected(trackerUrl);
        this.emit('tracker-connected', { trackerUrl });
        this.reevaluateFleet();
      },
      onDisconnected: (error, wasConnected) => {
        this.swarmSizes.delete(trackerUrl);
        this.failover.lost(trackerUrl, Date.now());
        if (wasConnected) this.emit('tracker-disconnected', { trackerUrl });
        if (error) this.emitTrackerError(trackerUrl, error);
        this.reevaluateFleet();
      },
      onPeer: (peer, remotePeerId) => {
        this.acceptPeer(peer, remotePeerId, trackerUrl);
      },
      onSwarmSize: (members) => {
        this.failover.answered(trackerUrl);
        this.swarmSizes.set(trackerUrl, members);
        this.emit('swarm-size', { trackerUrl, members });
        this.rescheduleIfSooner();
        this.reevaluateFleet();
      },
      onTrackerProblem: (error) => {
        this.emitTrackerError(trackerUrl, error);
      },
      onPeerProblem: (error) => {
        this.emit('warning', { error, trackerUrl });
      },
      declinesOffer: (remotePeerId) => this.declinesOffer(remotePeerId),
    };
  }

  private emitTrackerError(trackerUrl: string, cause: Error): void {
    const message = `tracker ${trackerUrl}: ${cause.message || 'connection failed'}`;
    this.emit('tracker-error', {
      trackerUrl,
      error: new P2PMediaLoaderError('tracker', message, { cause }),
    });
  }

  /**
   * True when {@link acceptPeer} would refuse a connection offered by `remotePeerId` for a reason
   * known before the connection exists (destroyed, banned or excluded, full), so the tracker
   * connection drops the offer instead of creating a WebRTC connection only to close it. An offer
   * from a peer we are already connected to goes through: which duplicate is kept needs both.
   */
  private declinesOffer(remotePeerId: string): boolean {
    if (this.destroyed || remotePeerId === this.peerId) return true;
    if (this.peers.has(remotePeerId)) return false;
    if (!this.admits(remotePeerId)) {
      this.refusedPeers++;
      return true;
    }
    return this.peers.size >= this.maxPeers;
  }

  private acceptPeer(peer: SimplePeer, remotePeerId: string, trackerUrl: string): void {
    const entry: PeerEntry = {
      peer,
      remotePeerId,
      trackerUrl,
      connected: false,
      connectTimer: undefined,
    };
    // Keeps an 'error' without any listener from throwing out of the event loop; after 'peer' the
    // owner adds its own listeners.
    peer.on('error', (error) => {
      if (!entry.connected) this.emit('warning', { error, trackerUrl });
    });
    const existing = this.peers.get(remotePeerId);
    if (this.destroyed || remotePeerId === this.peerId) {
      reject(peer);
      return;
    }
    if (!this.admits(remotePeerId)) {
      this.refusedPeers++;
      reject(peer);
      return;
    }
    if (existing) {
      const keep = connectionToKeep(existing.peer, peer, this.peerId, remotePeerId);
      this.duplicatesClosed++;
      if (keep === 'existing') {
        reject(peer);
        return;
      }
      this.forget(existing);
      existing.peer.destroy();
    } else if (this.peers.size >= this.maxPeers) {
      reject(peer);
      return;
    }
    this.track(entry);
  }

  private track(entry: PeerEntry): void {
    const { peer } = entry;
    this.peers.set(entry.remotePeerId, entry);
    entry.connectTimer = setTimeout(() => {
      entry.connectTimer = undefined;
      peer.destroy();
    }, this.connectTimeoutMs);
    peer.once('connect', () => {
      clearTimeout(entry.connectTimer);
      entry.connectTimer = undefined;
      if (this.destroyed || this.peers.get(entry.remotePeerId) !== entry) return;
      entry.connected = true;
      this.emit('peer', { peer, remotePeerId: entry.remotePeerId, trackerUrl: entry.trackerUrl });
    });
    peer.once('close', () => {
      this.forget(entry);
      this.rescheduleIfSooner();
    });
  }

  private forget(entry: PeerEntry): void {
    clearTimeout(entry.connectTimer);
    entry.connectTimer = undefined;
    if (this.peers.get(entry.remotePeerId) === entry) this.peers.delete(entry.remotePeerId);
  }

  private announceOptions() {
    const numwant = offersForAnnounce(
      this.peers.size,
      this.maxPeers,
      this.offersPerAnnounce,
      this.holdsNewConnections(),
    );
    return { numwant, uploaded: 0, downloaded: 0 };
  }

  private announceDelayMs(): number {
    const swarmSize = this.reportedSwarmSize ?? 0;
    const state = { peerCount: this.peers.size, maxPeers: this.maxPeers, swarmSize };
    return nextAnnounceDelayMs(state, this.intervals, Math.random());
  }

  private scheduleAnnounce(delayMs = this.announceDelayMs()): void {
    clearTimeout(this.announceTimer);
    this.nextAnnounceAtMs = Date.now() + delayMs;
    this.announceTimer = setTimeout(() => {
      this.announceTimer = undefined;
      const options = this.announceOptions();
      for (const connection of this.allConnections()) connection.announce(options);
      this.scheduleAnnounce();
    }, delayMs);
  }

  /** Brings the next announce forward when the state now calls for a shorter interval. */
  private rescheduleIfSooner(): void {
    if (!this.started || this.destroyed) return;
    const delayMs = this.announceDelayMs();
    if (Date.now() + delayMs < this.nextAnnounceAtMs) this.scheduleAnnounce(delayMs);
  }
}

/**
 * Drops a connection the tracker client just handed over. The client passes a remote offer to the
 * peer right after handing it over, and simple-peer's `destroy()` takes effect a tick later, so the
 * dropped peer would still answer: the remote side could then keep this connection while we keep
 * another (seen: both sides holding a dead half until the connect timeout). Without its 'signal'
 * listener no answer leaves, and the remote side only ever hears of the connection we kept.
 */
function reject(peer: SimplePeer): void {
  peer.removeAllListeners('signal');
  peer.destroy();
}

function invalid(message: string): P2PMediaLoaderError {
  return new P2PMediaLoaderError('config-invalid', `TrackerSignalling: ${message}`);
}

function checkedInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}
