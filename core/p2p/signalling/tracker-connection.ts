/**
 * One tracker URL of one swarm: a bittorrent-tracker WebSocketTracker plus our reconnect policy.
 *
 * We use the package's WebSocketTracker directly rather than its Client: the Client reads
 * `process.browser` (a ReferenceError in browser bundles that define no `process`), reports errors
 * without saying which tracker failed, and its reconnect backoff starts at 10 s plus up to 5 min of
 * jitter, growing to an hour: far too slow for a viewing session. Replacing it relies on these
 * internals of bittorrent-tracker 11 (declared in bittorrent-tracker-websocket.d.ts):
 * - the client contract ({@link WebSocketTrackerClient}: binary info hash and peer id, rtcConfig,
 *   `_defaultAnnounceOpts`, `emit`);
 * - `_onSocketConnect`, `_onSocketError`, `_onSocketClose`, overridden to report state and to
 *   reconnect with {@link reconnectDelayMs} by creating a fresh tracker object;
 * - `setInterval`, overridden to do nothing: TrackerSignalling schedules announces itself (the package
 *   would otherwise start a timer at the tracker's suggested interval after every response);
 * - `_onAnnounceResponse`, overridden to drop a remote offer the owner would refuse anyway (swarm
 *   full, peer banned) before the package creates an RTCPeerConnection for it: in a large swarm a
 *   full viewer receives other members' offers all the time, and creating, signalling and closing
 *   a connection per offer cost its main thread more than the map traffic of all its peers.
 * The integration tests in test/integration/tracker exercise every one of these paths.
 */
import WebSocketTracker, {
  type AnnounceOptions,
  type AnnounceResponse,
  type WebSocketTrackerClient,
} from 'bittorrent-tracker/websocket-tracker';

import { reconnectDelayMs } from './announce-policy.js';
import { binaryStringToHex, hexToBinaryString } from './peer-id.js';
import { acquireSocketUrl, releaseSocketUrl } from './socket-sharing.js';
import type { SimplePeer } from './simple-peer.js';
import type { TrackerConnectionLike } from './tracker-connector.js';

/** What a {@link TrackerConnection} reports to its owner. */
export interface TrackerConnectionListener {
  /** The WebSocket to the tracker is open. */
  onConnected(): void;
  /** The WebSocket failed or closed; a reconnect is scheduled. `error` is absent for a clean close. */
  onDisconnected(error: Error | undefined, wasConnected: boolean): void;
  /** A new (not yet connected) peer; `peer.id` is the remote peer id in hex. */
  onPeer(peer: SimplePeer, remotePeerId: string): void;
  /** The tracker answered an announce and reported this many swarm members (us included). */
  onSwarmSize(members: number): void;
  /** The tracker rejected a request or sent something we could not read. */
  onTrackerProblem(error: Error): void;
  /** A peer failed before it connected. */
  onPeerProblem(error: Error): void;
  /**
   * Asked for each remote offer before a peer is created for it: true drops the offer (no
   * connection, no answer; the remote side's offer times out, as with a refused one). Default:
   * every offer is taken.
   */
  declinesOffer?(remotePeerId: string): boolean;
}

/**
 * The remote peer id (hex) of a tracker message that carries another peer's offer for this swarm,
 * or undefined (no offer, another swarm's message on a shared socket, or our own offer echoed).
 *
 * @param data - the tracker's message
 * @param infoHashBinary - our swarm's info hash, binary string
 * @param peerIdBinary - our peer id, binary string
 */
export function offeringPeerId(
  data: AnnounceResponse,
  infoHashBinary: string,
  peerIdBinary: string,
): string | undefined {
  if (data.offer === undefined || data.offer === null) return undefined;
  if (data.info_hash !== infoHashBinary) return undefined;
  if (typeof data.peer_id !== 'string' || data.peer_id === '' || data.peer_id === peerIdBinary) {
    return undefined;
  }
  return binaryStringToHex(data.peer_id);
}

/** Identity and WebRTC settings shared by every tracker of one swarm. */
export interface TrackerConnectionIdentity {
  /** 40 lowercase hex characters. */
  readonly infoHash: string;
  /** 40 lowercase hex characters. */
  readonly peerId: string;
  readonly rtcConfig: RTCConfiguration | undefined;
}

/** Messages the package emits as warnings about peers (not the tracker); see its websocket-tracker. */
const PEER_WARNING_PREFIX = 'Connection error';

/** The package's view of its owner; routes what it emits to a {@link TrackerConnectionListener}. */
class ClientFacade implements WebSocketTrackerClient {
  readonly infoHash: string;
  readonly _infoHashBinary: string;
  readonly _peerIdBinary: string;
  readonly _rtcConfig: RTCConfiguration | undefined;
  readonly _wrtc = undefined;
  readonly _proxyOpts = undefined;

  constructor(
    identity: TrackerConnectionIdentity,
    private readonly owner: TrackerConnection,
  ) {
    this.infoHash = identity.infoHash;
    this._infoHashBinary = hexToBinaryString(identity.infoHash);
    this._peerIdBinary = hexToBinaryString(identity.peerId);
    this._rtcConfig = identity.rtcConfig;
  }

  _defaultAnnounceOpts(options: Partial<AnnounceOptions> = {}): AnnounceOptions {
    return { numwant: 0, uploaded: 0, downloaded: 0, ...options };
  }

  emit(event: string, payload: unknown): void {
    this.owner.handleTrackerEvent(event, payload);
  }

  /** True when the owner would refuse a connection offered by `remotePeerId` (hex). */
  declinesOffer(remotePeerId: string): boolean {
    return this.owner.declinesOffer(remotePeerId);
  }

  /** Socket events, forwarded by {@link HookedWebSocketTracker}. */
  socketConnected(tracker: HookedWebSocketTracker): void {
    this.owner.handleSocketConnected(tracker);
  }

  socketLost(tracker: HookedWebSocketTracker, error: Error | undefined): void {
    this.owner.handleSocketLost(tracker, error);
  }
}

/**
 * The package's tracker with its reconnect timer and announce timer replaced. It declares no fields:
 * the base constructor may call `_onSocketConnect` before subclass fields would be initialized, so
 * everything it needs lives on the client facade.
 */
class HookedWebSocketTracker extends WebSocketTracker {
  /**
   * The package tells a tracker that joins a pooled socket while it is still connecting (a second
   * swarm of the engine started within the connect round trip) nothing when it connects: only the
   * socket's creator listens for 'connect'. Such a swarm never counted as connected, so its
   * re-announces (new offers while it has few peers) were never sent. It listens here too.
   */
  override _openSocket(): void {
    super._openSocket();
    const socket = this.socket;
    if (
      socket &&
      !socket.connected &&
      !socket.listeners('connect').includes(this._onSocketConnectBound)
    ) {
      socket.once('connect', this._onSocketConnectBound);
    }
  }

  override _onSocketConnect(): void {
    super._onSocketConnect();
    if (!this.destroyed) facadeOf(this)?.socketConnected(this);
  }

  override _onSocketError(error: Error): void {
    if (this.destroyed) return;
    this.destroy();
    facadeOf(this)?.socketLost(this, error);
  }

  override _onSocketClose(): void {
    if (this.destroyed) return;
    this.destroy();
    facadeOf(this)?.socketLost(this, undefined);
  }

  override _onAnnounceResponse(data: AnnounceResponse): void {
    const facade = facadeOf(this);
    const remotePeerId =
      facade === undefined
        ? undefined
        : offeringPeerId(data, facade._infoHashBinary, facade._peerIdBinary);
    if (remotePeerId !== undefined && facade?.declinesOffer(remotePeerId) === true) {
      // The rest of the message (swarm size, warnings) still counts.
      super._onAnnounceResponse({ ...data, offer: undefined });
      return;
    }
    super._onAnnounceResponse(data);
  }

  override _startReconnectTimer(): void {
    // Never used: reconnects are TrackerConnection's job.
  }

  override setInterval(): void {
    // Announce timing is TrackerSignalling's job.
  }
}

function facadeOf(tracker: WebSocketTracker): ClientFacade | undefined {
  return tracker.client instanceof ClientFacade ? tracker.client : undefined;
}

/**
 * One tracker of one swarm, reconnecting with backoff until destroyed. The default connection of
 * TrackerSignalling (see tracker-connector.ts for the seam that replaces it in the simulator).
 */
export class TrackerConnection implements TrackerConnectionLike {
  private tracker: HookedWebSocketTracker | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private failedAttempts = 0;
  private isConnected = false;
  private destroyed = false;
  private readonly facade: ClientFacade;
  private readonly peerId: string;
  /** The URL our socket is pooled under (see socket-sharing.ts). */
  private socketUrl: string | undefined;

  /**
   * @param url - a validated ws: or wss: URL
   * @param announceOptions - options of the announce sent on every (re)connect
   */
  constructor(
    readonly url: string,
    identity: TrackerConnectionIdentity,
    private readonly listener: TrackerConnectionListener,
    private readonly announceOptions: () => AnnounceOptions,
  ) {
    this.facade = new ClientFacade(identity, this);
    this.peerId = identity.peerId;
  }

  /** True while the WebSocket to the tracker is open. */
  get connected(): boolean {
    return this.isConnected;
  }

  /** Opens the WebSocket and announces as soon as it is open. */
  start(): void {
    if (this.destroyed || this.tracker) return;
    this.open();
  }

  /** Announces now when connected (no-op otherwise: every reconnect announces anyway). */
  announce(options: AnnounceOptions): void {
    if (!this.isConnected || !this.tracker) return;
    this.tracker.announce(options);
  }

  /**
   * Tells the tracker we leave (so it stops offering us even if the socket is shared by another
   * swarm), then releases the socket. Resolves when the socket is closed or handed back to the pool.
   */
  destroy(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    this.destroyed = true;
    clearTimeout(this.reconnectTimer);
    if (this.socketUrl !== undefined) releaseSocketUrl(this.socketUrl, this.peerId);
    const tracker = this.tracker;
    this.tracker = undefined;
    const wasConnected = this.isConnected;
    this.isConnected = false;
    if (!tracker || tracker.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        if (wasConnected) tracker.announce({ ...this.announceOptions(), event: 'stopped' });
        tracker.destroy(() => {
          resolve();
        });
      } catch {
        // The package's socket pool was already torn down: nothing is left open.
        resolve();
      }
    });
  }

  /** @internal from ClientFacade */
  declinesOffer(remotePeerId: string): boolean {
    if (this.destroyed) return true;
    return this.listener.declinesOffer?.(remotePeerId) ?? false;
  }

  /** @internal from ClientFacade */
  handleTrackerEvent(event: string, payload: unknown): void {
    if (this.destroyed) return;
    if (event === 'peer') {
      const peer = payload as SimplePeer & { id?: unknown };
      if (typeof peer.id === 'string') this.listener.onPeer(peer, peer.id.toLowerCase());
      else peer.destroy();
    } else if (event === 'update') {
      const { complete, incomplete } = payload as { complete?: unknown; incomplete?: unknown };
      const members = toCount(complete) + toCount(incomplete);
      this.listener.onSwarmSize(members);
    } else if (event === 'warning') {
      const error = payload instanceof Error ? payload : new Error(String(payload));
      if (error.message.startsWith(PEER_WARNING_PREFIX)) this.listener.onPeerProblem(error);
      else this.listener.onTrackerProblem(error);
    }
  }

  /** @internal from ClientFacade */
  handleSocketConnected(tracker: HookedWebSocketTracker): void {
    // During construction `this.tracker` is not assigned yet; any other tracker object is stale.
    if (this.destroyed || (this.tracker !== undefined && this.tracker !== tracker)) return;
    this.failedAttempts = 0;
    this.isConnected = true;
    this.listener.onConnected();
  }

  /** @internal from ClientFacade */
  handleSocketLost(tracker: HookedWebSocketTracker, error: Error | undefined): void {
    if (this.destroyed || tracker !== this.tracker) return;
    const wasConnected = this.isConnected;
    this.isConnected = false;
    this.tracker = undefined;
    const delayMs = reconnectDelayMs(this.failedAttempts, Math.random());
    this.failedAttempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open();
    }, delayMs);
    this.listener.onDisconnected(error, wasConnected);
  }

  private open(): void {
    if (this.destroyed) return;
    try {
      this.socketUrl ??= acquireSocketUrl(this.url, this.peerId);
      this.tracker = new HookedWebSocketTracker(this.facade, this.socketUrl);
      this.tracker.announce({ ...this.announceOptions(), event: 'started' });
    } catch (error) {
      // Not expected (URLs are validated first), but a tracker must never break the caller.
      this.tracker = undefined;
      this.listener.onTrackerProblem(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function toCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
