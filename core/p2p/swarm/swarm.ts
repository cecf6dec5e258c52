/**
 * The peers of one stream: finds them through the trackers, keeps them told what we hold and what
 * we are fetching (from the origin or a peer), serves their requests from the store within the upload limits,
 * and offers them to the scheduler as {@link SegmentPeers}. Banned peers and peers excluded for a
 * violation are refused before a connection to them exists (see peer-bans.ts). Each connection's
 * path (direct or through a TURN relay) is known once it is up; a full swarm trades a relayed peer
 * for a direct one when it can (see relay-replacement.ts).
 */
import { P2PMediaLoaderError } from '../../errors.js';
import type { EngineEventMap } from '../../events/engine-events.js';
import type { SegmentId } from '../../model/segment.js';
import type { PeerCandidate } from '../../scheduler/request-plan.js';
import type {
  FetchState,
  PeerRequestOptions,
  PeerResponse,
  SegmentPeers,
} from '../../scheduler/segment-peers.js';
import type { SegmentStore } from '../../storage/segment-store.js';
import type { ConnectionPath } from '../peer/connection-path.js';
import { PeerConnection } from '../peer/peer-connection.js';
import {
  ABSOLUTE_MAX_SEGMENT_BYTES,
  MIN_DERIVED_SEGMENT_BOUND_BYTES,
  MISBEHAVIOURS_BEFORE_BAN,
  SEGMENT_SIZE_HEADROOM,
  UNKNOWN_STREAM_MAX_SEGMENT_BYTES,
} from '../peer/peer-limits.js';
import { PeerRequestError } from '../peer/peer-request-error.js';
import type { SegmentMapChange } from '../peer/remote-segment-map.js';
import type { LocalSegmentMapDelta } from '../peer/peer-connection-options.js';
import type { UploadRequest } from '../peer/served-requests.js';
import { simplePeerChannel } from '../peer/simple-peer-channel.js';
import { rangesContain } from '../protocol/segment-id-ranges.js';
import { TrackerSignalling } from '../signalling/tracker-signalling.js';
import type { SimplePeer } from '../signalling/simple-peer.js';
import type { TrackerConnector } from '../signalling/tracker-connector.js';
import type { TrackerList } from '../signalling/tracker-fleet.js';
import type { DigestBook } from './digest-book.js';
import { MapAnnouncementBatch } from './map-announcements.js';
import type { PeerBans } from './peer-bans.js';
import { isMisbehaviour, type PeerPenalties } from './peer-penalties.js';
import {
  DeclinedRelayedPeers,
  relayedPeerToClose,
  trialSlotOpen,
  type PathPeer,
} from './relay-replacement.js';
import type { UploadLimiter } from './upload-limiter.js';

/** Length of a SHA-256, the only digest version 1 of the protocol defines (docs/PROTOCOL.md). */
const SHA256_BYTES = 32;

/** How long after a successful origin download the fetch is announced as ended without "have". */
const FETCH_END_GRACE_MS = 2000;

/** What a swarm needs from its engine. */
export interface SwarmOptions {
  readonly streamKey: string;
  readonly infoHash: string;
  readonly localPeerId: string;
  /** Tracker URLs, or a fleet of tracker groups (see tracker-fleet.ts). */
  readonly trackers: TrackerList;
  readonly rtcConfig: RTCConfiguration;
  readonly maxPeers: number;
  readonly peerIdleTimeoutMs: number;
  readonly uploadDisabled: boolean;
  readonly store: SegmentStore;
  readonly digests: DigestBook;
  readonly limiter: UploadLimiter;
  /** While true, announces offer no new connections (the engine's thread is starved). */
  readonly holdsNewConnections?: () => boolean;
  /** Penalties by peer id, shared by the engine's swarms and kept across reconnects. */
  readonly penalties: PeerPenalties;
  /** Banned peer ids, shared by the engine's swarms. */
  readonly bans: PeerBans;
  readonly emit: <K extends keyof EngineEventMap>(event: K, payload: EngineEventMap[K]) => void;
  /** Counts bytes sent to a peer, with the path of the connection they went over. */
  readonly recordUpload: (bytes: number, path: ConnectionPath) => void;
  /**
   * Makes the connection to each tracker (see `TrackerSignallingOptions.connectTracker`). Default: a
   * real WebSocket connection. Exists for the swarm simulator (scripts/simulate) and tests.
   */
  readonly connectTracker?: TrackerConnector;
  /**
   * Called with each swarm size a tracker reports (members, us included), e.g. to move to a
   * sub-swarm when the swarm grows past `swarmPeerCap` (see sub-swarms.ts). Default: none.
   */
  readonly onSwarmSize?: (members: number) => void;
}

function changeMentions(change: SegmentMapChange, id: SegmentId): boolean {
  return (
    rangesContain(change.added, id) ||
    rangesContain(change.removed, id) ||
    rangesContain(change.fetchStarted, id) ||
    rangesContain(change.fetchEnded, id)
  );
}

/** One stream's swarm. */
export class Swarm implements SegmentPeers {
  private readonly signalling: TrackerSignalling;
  private readonly peers = new Map<string, PeerConnection>();
  /** Connected peers a checked segment has vouched for: off probation (see `vouch`). */
  private readonly provenPeers = new Set<string>();
  private readonly penalties: PeerPenalties;
  private readonly unsubscribeBans: () => void;
  private readonly fetching = new Set<SegmentId>();
  private readonly availability = new Map<SegmentId, Set<() => void>>();
  private readonly unsubscribeStore: () => void;
  private readonly uploadTimers = new Set<ReturnType<typeof setTimeout>>();
  private readonly fetchEndTimers = new Map<SegmentId, ReturnType<typeof setTimeout>>();
  /** Map changes of the current task, sent to every ready peer in one message (see map-announcements.ts). */
  private readonly announcements = new MapAnnouncementBatch();
  /** Relayed peers turned away while the swarm was full (see relay-replacement.ts). */
  private readonly declinedRelayed = new DeclinedRelayedPeers();
  /** The connection limit the signalling enforces now: `maxPeers`, plus one for a trial. */
  private signallingMaxPeers: number;
  private destroyed = false;

  constructor(private readonly options: SwarmOptions) {
    this.penalties = options.penalties;
    this.signallingMaxPeers = options.maxPeers;
    this.signalling = new TrackerSignalling({
      infoHash: options.infoHash,
      peerId: options.localPeerId,
      trackers: options.trackers,
      rtcConfig: options.rtcConfig,
      maxPeers: options.maxPeers,
      admits: (remotePeerId) => this.admits(remotePeerId),
      ...(options.holdsNewConnections ? { holdsNewConnections: options.holdsNewConnections } : {}),
      ...(options.connectTracker ? { connectTracker: options.connectTracker } : {}),
    });
    this.unsubscribeBans = options.bans.onBan((peerId) => {
      this.peers.get(peerId)?.close();
    });
    this.signalling.on('peer', ({ peer, remotePeerId }) => {
      this.addPeer(peer, remotePeerId);
    });
    this.signalling.on('tracker-error', (payload) => {
      options.emit('tracker-error', payload);
    });
    this.signalling.on('tracker-connected', (payload) => {
      options.emit('tracker-connected', payload);
    });
    this.signalling.on('swarm-size', ({ members }) => {
      // Segments waiting for the swarm's first peers re-plan: alone, they need not wait.
      if (this.alone) this.notifyAll();
      options.onSwarmSize?.(members);
    });
    this.unsubscribeStore = options.store.onChange((change) => {
      if (change.streamKey !== options.streamKey) return;
      if (change.type === 'added') {
        this.endFetch(change.segmentId, true);
        return;
      }
      this.announce({ removed: [change.segmentId] });
    });
    this.signalling.start();
  }

  /** Peers whose handshake completed. */
  get peerCount(): number {
    let count = 0;
    for (const peer of this.peers.values()) if (peer.state === 'ready') count++;
    return count;
  }

  /** Offers and answers refused at the tracker because their peer is banned or excluded. */
  get refusedPeerCount(): number {
    return this.signalling.refusedPeers;
  }

  get alone(): boolean {
    const members = this.signalling.reportedSwarmSize;
    return members !== undefined && members <= 1 && this.peers.size === 0;
  }

  candidates(segmentId: SegmentId): PeerCandidate[] {
    const result: PeerCandidate[] = [];
    for (const peer of this.peers.values()) {
      if (peer.state !== 'ready' || peer.remoteUploadDisabled) continue;
      if (this.penalties.isPenalized(peer.peerId) || this.options.bans.isBanned(peer.peerId)) {
        continue;
      }
      const has = peer.remoteHas(segmentId);
      const fetching = !has && peer.remoteIsFetching(segmentId);
      if (!has && !fetching) continue;
      const bytesPerSecond = peer.throughputBytesPerSecond;
      result.push({
        peerId: peer.peerId,
        has,
        fetching,
        throughputBps: bytesPerSecond === undefined ? undefined : bytesPerSecond * 8,
        inFlight: peer.inFlightRequestCount,
        proven: this.provenPeers.has(peer.peerId),
        path: peer.path,
      });
    }
    return result;
  }

  pathOf(peerId: string): ConnectionPath {
    return this.peers.get(peerId)?.path ?? 'unknown';
  }

  /** Connected peers by path: how many reach us directly, through a TURN relay, or unknown yet. */
  pathCounts(): Record<ConnectionPath, number> {
    const counts: Record<ConnectionPath, number> = { direct: 0, relayed: 0, unknown: 0 };
    for (const peer of this.peers.values()) if (peer.state === 'ready') counts[peer.path]++;
    return counts;
  }

  async request(
    peerId: string,
    segmentId: SegmentId,
    options: PeerRequestOptions,
  ): Promise<PeerResponse> {
    const peer = this.peers.get(peerId);
    if (!peer) throw new PeerRequestError('closed', `Peer ${peerId} is gone`);
    const progress = { started: false };
    const download = await peer.request(segmentId, {
      byteOffset: options.byteOffset,
      signal: options.signal,
      maxTotalBytes: this.segmentSizeBound(),
      // The delivery assembles the bytes from onChunk (PartialSegment): a second copy is waste.
      collect: false,
      onChunk: (chunk, _loaded, totalBytes) => {
        if (!progress.started) {
          progress.started = true;
          options.onStart({ totalBytes });
        }
        options.onChunk(chunk);
      },
    });
    if (!progress.started) options.onStart({ totalBytes: download.totalBytes });
    // Version 1 digests are SHA-256 (32 bytes); a digest of another length is ignored.
    const digest = download.digest?.length === SHA256_BYTES ? download.digest : undefined;
    return { totalBytes: download.totalBytes, ...(digest ? { digest } : {}) };
  }

  announceFetch(segmentId: SegmentId, state: FetchState): void {
    if (state === 'started') {
      if (this.fetching.has(segmentId)) return;
      this.fetching.add(segmentId);
      this.announce({ fetchStarted: [segmentId] });
    } else if (state === 'failed') {
      this.endFetch(segmentId, false);
    } else if (this.fetching.has(segmentId) && !this.fetchEndTimers.has(segmentId)) {
      // The store adds the segment a moment later (after its digest is computed): "have" and the
      // end of the fetch then go out in one message. Without a store entry, end it anyway.
      const timer = setTimeout(() => {
        this.endFetch(segmentId, false);
      }, FETCH_END_GRACE_MS);
      this.fetchEndTimers.set(segmentId, timer);
    }
  }

  /** Announces the end of our origin download, with "have" when the segment was just stored. */
  private endFetch(segmentId: SegmentId, stored: boolean): void {
    const timer = this.fetchEndTimers.get(segmentId);
    if (timer !== undefined) clearTimeout(timer);
    this.fetchEndTimers.delete(segmentId);
    const wasFetching = this.fetching.delete(segmentId);
    if (!wasFetching && !stored) return;
    const delta = {
      ...(stored ? { added: [segmentId] } : {}),
      ...(wasFetching ? { fetchEnded: [segmentId] } : {}),
    };
    this.announce(delta);
  }

  /**
   * Queues map changes for every ready peer; the first change of a task schedules one send at the
   * end of the task (a microtask), so changes made together (stored + evicted) share a message. A
   * peer whose handshake completes in between gets our whole map then, and this delta again:
   * harmless, the peer applies it as set operations.
   */
  private announce(delta: LocalSegmentMapDelta): void {
    if (this.destroyed) return;
    const wasEmpty = this.announcements.isEmpty;
    this.announcements.add(delta);
    if (!wasEmpty) return;
    queueMicrotask(() => {
      const batch = this.announcements.take();
      if (batch === undefined || this.destroyed) return;
      this.broadcast((peer) => {
        try {
          peer.announce(batch);
        } catch {
          // The encoder refused the delta (ids outside the protocol's range) before sending any of
          // it. In a microtask a throw would be uncaught (a crash in Node): this peer misses the
          // change, as it would a lost message, and the other peers still get theirs.
        }
      });
    });
  }

  onAvailabilityChange(segmentId: SegmentId, listener: () => void): () => void {
    let listeners = this.availability.get(segmentId);
    if (!listeners) {
      listeners = new Set();
      this.availability.set(segmentId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.availability.delete(segmentId);
    };
  }

  /** Ends `peerId`'s probation while it stays connected (see `PeerCandidate.proven`). */
  vouch(peerId: string): void {
    if (this.peers.has(peerId)) this.provenPeers.add(peerId);
  }

  penalize(peerId: string, reason: P2PMediaLoaderError): void {
    if (isMisbehaviour(reason)) this.options.emit('peer-error', { peerId, error: reason });
    this.recordPenalty(peerId, reason);
  }

  /**
   * Never chooses nor accepts `peerId` again for the engine's lifetime (in every swarm of the
   * engine), disconnects it now and emits `peer-banned` (once per peer).
   */
  ban(peerId: string, reason: P2PMediaLoaderError): void {
    if (this.options.bans.ban(peerId, reason)) {
      this.options.emit('peer-banned', { peerId, error: reason });
    }
  }

  /**
   * True when a connection from or to `peerId` may be set up now: not banned, not excluded for a
   * violation, and not a relayed peer this swarm declined while it is still full.
   */
  admits(peerId: string): boolean {
    if (this.options.bans.isBanned(peerId) || this.penalties.isExcludedForMisbehaviour(peerId)) {
      return false;
    }
    return !(this.declinedRelayed.has(peerId) && this.peers.size >= this.options.maxPeers);
  }

  /**
   * Penalises; a violation disconnects (unless `disconnect` is false: the connection is closing
   * anyway), and the {@link MISBEHAVIOURS_BEFORE_BAN}th one bans.
   */
  private recordPenalty(peerId: string, reason: P2PMediaLoaderError, disconnect = true): void {
    const misbehaviours = this.penalties.penalize(peerId, reason);
    if (!isMisbehaviour(reason)) return;
    if (misbehaviours >= MISBEHAVIOURS_BEFORE_BAN) {
      this.ban(
        peerId,
        new P2PMediaLoaderError(
          reason.code,
          `peer ${peerId} banned after ${misbehaviours} violations; the last: ${reason.message}`,
          { cause: reason },
        ),
      );
    }
    if (disconnect) this.peers.get(peerId)?.close();
  }

  /**
   * Largest segment size a peer may announce for this stream: {@link SEGMENT_SIZE_HEADROOM} times
   * the largest segment of the stream we hold (at least {@link MIN_DERIVED_SEGMENT_BOUND_BYTES},
   * at most {@link ABSOLUTE_MAX_SEGMENT_BYTES}), or {@link UNKNOWN_STREAM_MAX_SEGMENT_BYTES} while
   * we hold none.
   */
  private segmentSizeBound(): number {
    const { store, streamKey } = this.options;
    let largest = 0;
    for (const id of store.segmentIds(streamKey)) {
      largest = Math.max(largest, store.get(streamKey, id)?.byteLength ?? 0);
    }
    if (largest === 0) return UNKNOWN_STREAM_MAX_SEGMENT_BYTES;
    return Math.min(
      ABSOLUTE_MAX_SEGMENT_BYTES,
      Math.max(MIN_DERIVED_SEGMENT_BOUND_BYTES, largest * SEGMENT_SIZE_HEADROOM),
    );
  }

  /** Leaves the swarm: tracker sockets, peers and timers close. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unsubscribeStore();
    this.unsubscribeBans();
    for (const timer of this.uploadTimers) clearTimeout(timer);
    for (const timer of this.fetchEndTimers.values()) clearTimeout(timer);
    this.fetchEndTimers.clear();
    this.uploadTimers.clear();
    this.announcements.clear();
    void this.signalling.destroy();
    for (const peer of [...this.peers.values()]) peer.destroy();
    this.peers.clear();
    this.availability.clear();
  }

  private addPeer(simplePeer: SimplePeer, remotePeerId: string): void {
    if (this.destroyed || this.peers.has(remotePeerId) || !this.admits(remotePeerId)) {
      simplePeer.destroy();
      return;
    }
    const { options } = this;
    const connection = new PeerConnection(simplePeerChannel(simplePeer), {
      peerId: remotePeerId,
      localPeerId: options.localPeerId,
      getLocalMap: () => ({
        have: options.store.segmentIds(options.streamKey),
        fetching: this.fetching,
      }),
      uploadDisabled: options.uploadDisabled,
      requestIdleTimeoutMs: options.peerIdleTimeoutMs,
    });
    this.peers.set(remotePeerId, connection);
    connection.on('ready', () => {
      options.emit('peer-connected', { peerId: remotePeerId, streamKey: options.streamKey });
      this.notifyAll();
    });
    connection.on('remote-map', (change) => {
      this.notify(change);
    });
    connection.on('path', () => {
      this.keepDirectPeers();
    });
    connection.on('upload-request', (request) => {
      this.serve(connection, request);
    });
    connection.on('bytes-uploaded', ({ bytes }) => {
      options.recordUpload(bytes, connection.path);
      options.emit('bytes-uploaded', { bytes, peerId: remotePeerId });
    });
    connection.on('error', (error) => {
      options.emit('peer-error', { peerId: remotePeerId, error });
      // The connection closes itself right after, with `error` as the reason.
      this.recordPenalty(remotePeerId, error, false);
    });
    connection.on('close', ({ reason }) => {
      if (this.peers.get(remotePeerId) !== connection) return;
      this.peers.delete(remotePeerId);
      // A peer that reconnects starts on probation again.
      this.provenPeers.delete(remotePeerId);
      this.updateTrialSlot();
      options.emit('peer-disconnected', {
        peerId: remotePeerId,
        streamKey: options.streamKey,
        ...(reason ? { reason } : {}),
      });
      this.notifyAll();
    });
  }

  /**
   * Over the limit (a trial connection was let in) and its path known: closes the least busy
   * relayed peer, remembering it when it was the trial itself. Then opens or closes the trial slot.
   */
  private keepDirectPeers(): void {
    if (this.destroyed) return;
    const peers = this.pathPeers();
    const victimId = relayedPeerToClose(peers, this.options.maxPeers);
    const newestId = peers[peers.length - 1]?.peerId;
    if (victimId !== undefined) {
      if (victimId === newestId) this.declinedRelayed.add(victimId);
      // Its requests fail `closed` and re-plan; `close` updates the trial slot.
      this.peers.get(victimId)?.close();
      return;
    }
    this.updateTrialSlot();
  }

  /** Lets the signalling accept one connection beyond the limit while a trial may pay off. */
  private updateTrialSlot(): void {
    if (this.destroyed) return;
    const { maxPeers } = this.options;
    const limit = trialSlotOpen(this.pathPeers(), maxPeers) ? maxPeers + 1 : maxPeers;
    if (limit === this.signallingMaxPeers) return;
    this.signallingMaxPeers = limit;
    this.signalling.setMaxPeers(limit);
  }

  /** Connected peers (handshake done or not) in connection order, as the replacement policy sees them. */
  private pathPeers(): PathPeer[] {
    return [...this.peers.values()].map((peer) => ({
      peerId: peer.peerId,
      path: peer.path,
      activeTransfers: peer.inFlightRequestCount + peer.activeUploadCount,
    }));
  }

  /** Answers a peer's request from the store, within the upload limits. */
  private serve(connection: PeerConnection, request: UploadRequest): void {
    const { options } = this;
    if (options.uploadDisabled) {
      request.absent('not-found');
      return;
    }
    const data = options.store.get(options.streamKey, request.segmentId);
    if (!data) {
      request.absent('not-found');
      return;
    }
    const release = options.limiter.tryAcquire(connection.peerId);
    if (!release) {
      request.absent('busy');
      return;
    }
    const onEnded = ({ requestId }: { requestId: number }): void => {
      if (requestId !== request.requestId) return;
      release();
      connection.off('upload-ended', onEnded);
    };
    connection.on('upload-ended', onEnded);
    request.signal.addEventListener('abort', release, { once: true });
    const respond = (): void => {
      request.respond(data, options.digests.get(options.streamKey, request.segmentId));
    };
    const delayMs = options.limiter.delayBeforeSending(
      Math.max(0, data.byteLength - request.byteOffset),
    );
    if (delayMs === 0) {
      respond();
    } else {
      const timer = setTimeout(() => {
        this.uploadTimers.delete(timer);
        respond();
      }, delayMs);
      this.uploadTimers.add(timer);
    }
  }

  private notify(change: SegmentMapChange): void {
    for (const [segmentId, listeners] of [...this.availability]) {
      if (!changeMentions(change, segmentId)) continue;
      for (const listener of [...listeners]) listener();
    }
  }

  private notifyAll(): void {
    for (const listeners of [...this.availability.values()]) {
      for (const listener of [...listeners]) listener();
    }
  }

  private broadcast(action: (peer: PeerConnection) => void): void {
    for (const peer of this.peers.values()) if (peer.state === 'ready') action(peer);
  }
}
