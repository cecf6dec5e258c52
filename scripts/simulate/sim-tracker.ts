/**
 * A simulated WebTorrent tracker for the swarm simulator: it plays the part of bittorrent-tracker's
 * WebSocket server (and of the client's WebSocket tracker in each viewer) so that the engine's real
 * TrackerSignalling — announce policy, admission, duplicate rule, connect timeouts — runs on top of
 * it through the `connectTracker` seam (core/p2p/signalling/tracker-connector.ts).
 *
 * Protocol facts it keeps from bittorrent-tracker 11 (server.js, lib/server/swarm.js,
 * lib/client/websocket-tracker.js):
 * - swarms are keyed by info hash; an announce registers or refreshes the peer, 'stopped' removes it
 *   (as does a closed socket, which here is the same `destroy()`);
 * - an announce carries `min(numwant, 5)` offers; the server answers the announcer with the swarm's
 *   size (`complete + incomplete`), then relays offer i to the i-th of `numwant` randomly chosen
 *   other members;
 * - the member that takes an offer creates its (non-initiator) peer at once and hands it out, and
 *   its answer goes back through the server to the offerer, whose client hands out its (initiator)
 *   peer when the answer arrives; an offer unanswered for 50 s is dropped by the offering client;
 * - a member refuses an offer before creating a peer when the engine `declinesOffer` it (our hook in
 *   tracker-connection.ts), and a peer the engine rejects right away sends no answer.
 * Then the data channel opens ICE + DTLS later (two round trips between the viewers) if their NATs
 * let a direct connection through (`natsConnect`; no TURN), and otherwise never: the engine's
 * connect timeout drops it, as in reality.
 *
 * Timing: each message takes the sender's one-way link delay plus the tracker's own to reach the
 * tracker, and the tracker's plus the receiver's to leave it; connecting takes one round trip.
 * Signalling messages (about 1 KB: an SDP and a few ids) are not booked on the link queues: next
 * to segment traffic they are noise, and booking them would make signalling wait behind segments
 * in a way a separate TCP connection does not. Nothing is jittered and the tracker never fails:
 * the simulator studies the swarm, not tracker outages (the real TrackerConnection's reconnect
 * path is left to the integration tests).
 *
 * Memory: a member is kept only while its connection lives (removed on 'stopped'), messages are
 * timers that hold no more than their payload, and an offerer keeps only its offers of the last
 * 50 s; 10,000 viewers joining and leaving leave nothing behind.
 */
import type {
  TrackerConnectionIdentity,
  TrackerConnectionListener,
} from '../../core/p2p/signalling/tracker-connection.js';
import type {
  TrackerAnnounceOptions,
  TrackerConnectionLike,
  TrackerConnector,
} from '../../core/p2p/signalling/tracker-connector.js';
import { createSimPeerPair, type SimPeerPair } from './sim-peer.js';
import { natsConnect, type NatType, type ViewerLink } from './viewer-link.js';

/** bittorrent-tracker's client sends at most this many offers per announce. */
const MAX_OFFERS_PER_ANNOUNCE = 5;
/** bittorrent-tracker's client destroys an offer unanswered for this long (its OFFER_TIMEOUT), ms. */
const OFFER_TIMEOUT_MS = 50_000;
/** Round trips between two viewers before their data channel opens: ICE checks, then DTLS. */
const CONNECT_ROUND_TRIPS = 2;
/** The tracker's default one-way delay to the internet core, ms. */
const DEFAULT_TRACKER_LATENCY_MS = 10;

/** One viewer as the tracker and the data channels see it. */
export interface SimEndpoint {
  /** The viewer's access link: its one-way delay times signalling, and peer bytes are booked on it. */
  readonly link: ViewerLink;
  /** The viewer's NAT, which decides whether a connection between two viewers opens. */
  readonly nat: NatType;
}

/** Options of {@link SimTracker}. */
export interface SimTrackerOptions {
  /** The simulation's seeded random source in [0, 1), for choosing which members get offers. */
  readonly random: () => number;
  /** The tracker's one-way delay to the internet core, ms. Default 10. */
  readonly latencyMs?: number;
}

/** The members of one swarm, with O(1) add, remove and random pick. */
class SimSwarm {
  private readonly indexById = new Map<string, number>();
  private readonly members: SimTrackerConnection[] = [];

  get size(): number {
    return this.members.length;
  }

  /** True when `connection` is the member for its peer id. */
  has(connection: SimTrackerConnection): boolean {
    const index = this.indexById.get(connection.peerId);
    return index !== undefined && this.members[index] === connection;
  }

  /** Adds or replaces the member with `connection`'s peer id. */
  set(connection: SimTrackerConnection): void {
    const index = this.indexById.get(connection.peerId);
    if (index === undefined) {
      this.indexById.set(connection.peerId, this.members.length);
      this.members.push(connection);
    } else {
      this.members[index] = connection;
    }
  }

  /** Removes `connection`, unless another connection of the same peer id replaced it. */
  delete(connection: SimTrackerConnection): void {
    const index = this.indexById.get(connection.peerId);
    if (index === undefined || this.members[index] !== connection) return;
    const last = this.members.pop();
    this.indexById.delete(connection.peerId);
    if (last !== undefined && last !== connection) {
      this.members[index] = last;
      this.indexById.set(last.peerId, index);
    }
  }

  /**
   * Up to `count` distinct members other than `excludedPeerId`, in random order: a partial
   * Fisher-Yates shuffle, as bittorrent-tracker's random iteration over the swarm picks them.
   */
  pick(count: number, excludedPeerId: string, random: () => number): SimTrackerConnection[] {
    const picked: SimTrackerConnection[] = [];
    const pool = this.members;
    const swapped = new Map<number, SimTrackerConnection>();
    const at = (i: number): SimTrackerConnection | undefined => swapped.get(i) ?? pool[i];
    for (let i = 0; i < pool.length && picked.length < count; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      const chosen = at(j);
      const current = at(i);
      if (chosen === undefined || current === undefined) break;
      swapped.set(j, current);
      swapped.set(i, chosen);
      if (chosen.peerId !== excludedPeerId) picked.push(chosen);
    }
    return picked;
  }
}

/** An offer in flight, as the tracker relays it. */
interface RelayedOffer {
  readonly offerId: number;
  readonly from: SimTrackerConnection;
}

/**
 * The simulated tracker. One instance serves every tracker URL the engines are configured with (as
 * if they were one server): configure them with one URL.
 */
export class SimTracker {
  /** The tracker's one-way delay to the internet core, ms. */
  readonly latencyMs: number;
  private readonly counts = {
    messagesReceived: 0,
    messagesSent: 0,
    connectionsOpened: 0,
    connectionsFailedNat: 0,
  };
  private readonly random: () => number;
  private readonly swarms = new Map<string, SimSwarm>();
  private nextOfferId = 1;

  constructor(options: SimTrackerOptions) {
    this.random = options.random;
    this.latencyMs = options.latencyMs ?? DEFAULT_TRACKER_LATENCY_MS;
  }

  /**
   * The TrackerConnector of one viewer's engine: pass it to
   * `createP2PNetwork(context, { connectTracker })`.
   */
  connectorFor(endpoint: SimEndpoint): TrackerConnector {
    return (url, identity, listener, announceOptions) =>
      new SimTrackerConnection(this, endpoint, url, identity, listener, announceOptions);
  }

  /** Messages the tracker received (announces, answers) since creation. */
  get messagesReceived(): number {
    return this.counts.messagesReceived;
  }

  /** Messages the tracker sent (announce responses, relayed offers and answers) since creation. */
  get messagesSent(): number {
    return this.counts.messagesSent;
  }

  /** Data channels that opened so far. */
  get connectionsOpened(): number {
    return this.counts.connectionsOpened;
  }

  /** Offer/answer exchanges that completed but whose data channel never opens (NATs) so far. */
  get connectionsFailedNat(): number {
    return this.counts.connectionsFailedNat;
  }

  /** Members of a swarm now (info hash in hex). */
  swarmSize(infoHash: string): number {
    return this.swarms.get(infoHash.toLowerCase())?.size ?? 0;
  }

  /** Swarms with at least one member now. */
  get swarmCount(): number {
    return this.swarms.size;
  }

  /** @internal the tracker handles an announce that has just reached it */
  receiveAnnounce(from: SimTrackerConnection, options: TrackerAnnounceOptions): void {
    this.counts.messagesReceived++;
    const swarm = this.swarmOf(from.infoHash);
    if (options.event === 'stopped') {
      swarm.delete(from);
      if (swarm.size === 0) this.swarms.delete(from.infoHash);
      // bittorrent-tracker answers a 'stopped' too; the client has gone and ignores it.
      this.counts.messagesSent++;
      return;
    }
    swarm.set(from);
    const members = swarm.size;
    this.counts.messagesSent++;
    from.deliver(() => {
      from.receiveSwarmSize(members);
    });
    const offers = from.takeOffers(options);
    if (offers.length === 0) return;
    const receivers = swarm.pick(offers.length, from.peerId, this.random);
    receivers.forEach((to, i) => {
      const offerId = offers[i];
      if (offerId === undefined) return;
      this.counts.messagesSent++;
      to.deliver(() => {
        to.receiveOffer({ offerId, from });
      });
    });
  }

  /** @internal the tracker relays an answer to the offer's author (if it is still a member) */
  receiveAnswer(from: SimTrackerConnection, to: SimTrackerConnection, answer: SimAnswer): void {
    this.counts.messagesReceived++;
    // As the server, which looks the offerer up by peer id: gone from the swarm, the answer is lost.
    if (!this.isMember(to)) return;
    this.counts.messagesSent++;
    to.deliver(() => {
      to.receiveAnswer(from, answer);
    });
  }

  /** @internal a new offer id (unique over the tracker's lifetime) */
  newOfferId(): number {
    return this.nextOfferId++;
  }

  /** @internal */
  recordOpened(): void {
    this.counts.connectionsOpened++;
  }

  /** @internal */
  recordFailedNat(): void {
    this.counts.connectionsFailedNat++;
  }

  private swarmOf(infoHash: string): SimSwarm {
    let swarm = this.swarms.get(infoHash);
    if (!swarm) {
      swarm = new SimSwarm();
      this.swarms.set(infoHash, swarm);
    }
    return swarm;
  }

  /** @internal whether `connection` is its swarm's current member for its peer id */
  isMember(connection: SimTrackerConnection): boolean {
    return this.swarms.get(connection.infoHash)?.has(connection) ?? false;
  }
}

/** What an answer carries back to the offerer: the offer it answers and the pair it set up. */
interface SimAnswer {
  readonly offerId: number;
  readonly pair: SimPeerPair;
}

/** One viewer's connection to the simulated tracker for one swarm (what TrackerConnection is). */
class SimTrackerConnection implements TrackerConnectionLike {
  readonly infoHash: string;
  readonly peerId: string;
  private isConnected = false;
  private started = false;
  private destroyed = false;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Our offers awaiting an answer: offer id → when it was made (ms). */
  private readonly pendingOffers = new Map<number, number>();

  constructor(
    private readonly tracker: SimTracker,
    private readonly endpoint: SimEndpoint,
    readonly url: string,
    identity: TrackerConnectionIdentity,
    private readonly listener: TrackerConnectionListener,
    private readonly announceOptions: () => TrackerAnnounceOptions,
  ) {
    this.infoHash = identity.infoHash.toLowerCase();
    this.peerId = identity.peerId.toLowerCase();
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** One-way delay between this viewer and the tracker, ms. */
  private get oneWayMs(): number {
    return this.endpoint.link.latencyMs + this.tracker.latencyMs;
  }

  start(): void {
    if (this.started || this.destroyed) return;
    this.started = true;
    // The real connection takes its options when it opens and sends them once the socket is up.
    const options = { ...this.announceOptions(), event: 'started' as const };
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined;
      if (this.destroyed) return;
      this.isConnected = true;
      this.listener.onConnected();
      this.send(options);
    }, 2 * this.oneWayMs);
  }

  announce(options: TrackerAnnounceOptions): void {
    if (!this.isConnected || this.destroyed) return;
    this.send(options);
  }

  destroy(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    this.destroyed = true;
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.pendingOffers.clear();
    if (this.isConnected) {
      this.isConnected = false;
      this.send({ ...this.announceOptions(), numwant: 0, event: 'stopped' });
    }
    return Promise.resolve();
  }

  /** Delivers `action` to this viewer one tracker-to-viewer delay from now, while it lives. */
  deliver(action: () => void): void {
    setTimeout(() => {
      if (!this.destroyed) action();
    }, this.oneWayMs);
  }

  /**
   * The offers of an announce that is reaching the tracker: `min(numwant, 5)` new offer ids,
   * remembered until answered or {@link OFFER_TIMEOUT_MS} old. 'stopped' and 'completed' carry none.
   */
  takeOffers(options: TrackerAnnounceOptions): number[] {
    if (this.destroyed || options.event === 'stopped' || options.event === 'completed') return [];
    const count = Math.max(0, Math.min(Math.floor(options.numwant), MAX_OFFERS_PER_ANNOUNCE));
    const nowMs = performance.now();
    this.expireOffers(nowMs);
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const offerId = this.tracker.newOfferId();
      // Made when the announce left the viewer; the timeout counts from then.
      this.pendingOffers.set(offerId, nowMs - this.oneWayMs);
      ids.push(offerId);
    }
    return ids;
  }

  receiveSwarmSize(members: number): void {
    if (this.isConnected) this.listener.onSwarmSize(members);
  }

  /**
   * Another member's offer: refused by the engine, or taken — our peer is handed out at once and
   * the answer leaves unless the engine rejected the peer on the spot.
   */
  receiveOffer(offer: RelayedOffer): void {
    const remotePeerId = offer.from.peerId;
    if (!this.isConnected || remotePeerId === this.peerId) return;
    if (this.listener.declinesOffer?.(remotePeerId) === true) return;
    const pair = createSimPeerPair(
      { link: offer.from.endpoint.link, peerId: remotePeerId },
      { link: this.endpoint.link, peerId: this.peerId },
    );
    const peer = pair.answerer;
    // As bittorrent-tracker's client, the answer leaves on the peer's 'signal' event, whose
    // listener the engine removes from a peer it rejects (see `reject` in tracker-signalling.ts).
    const answers = (): void => undefined;
    peer.once('signal', answers);
    this.listener.onPeer(peer, remotePeerId);
    if (peer.destroyed || !peer.listeners('signal').includes(answers)) return;
    peer.removeAllListeners('signal');
    this.sendAnswer(offer.from, { offerId: offer.offerId, pair });
  }

  /** The answer to one of our offers: our peer is handed out, and the channel starts to open. */
  receiveAnswer(from: SimTrackerConnection, answer: SimAnswer): void {
    const madeAtMs = this.pendingOffers.get(answer.offerId);
    if (madeAtMs === undefined) return;
    this.pendingOffers.delete(answer.offerId);
    if (performance.now() - madeAtMs > OFFER_TIMEOUT_MS || !this.isConnected) return;
    const peer = answer.pair.initiator;
    this.listener.onPeer(peer, from.peerId);
    if (peer.destroyed) return;
    if (!natsConnect(this.endpoint.nat, from.endpoint.nat)) {
      this.tracker.recordFailedNat();
      return;
    }
    const roundTripMs = this.endpoint.link.roundTripMs(from.endpoint.link);
    answer.pair.openAfter(CONNECT_ROUND_TRIPS * roundTripMs, () => {
      this.tracker.recordOpened();
    });
  }

  private send(options: TrackerAnnounceOptions): void {
    setTimeout(() => {
      this.tracker.receiveAnnounce(this, options);
    }, this.oneWayMs);
  }

  private sendAnswer(to: SimTrackerConnection, answer: SimAnswer): void {
    setTimeout(() => {
      this.tracker.receiveAnswer(this, to, answer);
    }, this.oneWayMs);
  }

  private expireOffers(nowMs: number): void {
    for (const [offerId, madeAtMs] of this.pendingOffers) {
      // Insertion order is age order: stop at the first one still young.
      if (nowMs - madeAtMs <= OFFER_TIMEOUT_MS) break;
      this.pendingOffers.delete(offerId);
    }
  }
}
