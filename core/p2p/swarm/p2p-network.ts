/**
 * The P2P half of an engine: one swarm per playing stream (joined when the stream becomes active,
 * left a little after it stops being active, so a quick ABR switch back does not re-join), shared
 * upload limits, and the digests sent along with segments. With `swarmPeerCap` set, a stream's
 * swarm is the sub-swarm of its current level (sub-swarms.ts): a tracker reporting more members
 * than the cap makes the stream move one level down, replacing its swarm.
 */
import type { PeerNetwork } from '../../engine/peer-network.js';
import type { PeerNetworkContext } from '../../engine/peer-network.js';
import { defaultUploadDisabled } from '../../engine/resolve-config.js';
import type { SegmentId } from '../../model/segment.js';
import { createPeerId } from '../signalling/peer-id.js';
import type { TrackerConnector } from '../signalling/tracker-connector.js';
import { infoHashFor } from '../swarm-identity.js';
import { DigestBook } from './digest-book.js';
import { PeerBans } from './peer-bans.js';
import { PeerPenalties } from './peer-penalties.js';
import { splitLevel, subSwarmPlace } from './sub-swarms.js';
import { Swarm } from './swarm.js';
import { UploadLimiter } from './upload-limiter.js';

/**
 * How long a swarm is kept after its stream stops playing. Long enough to ride out ABR switching
 * back and forth, short enough not to hold connections for a rendition nobody here plays.
 */
const SWARM_LINGER_MS = 20_000;

/**
 * How the P2P half reaches trackers and peers. Every field is optional; an absent one means the
 * real thing (WebSocket trackers, WebRTC data channels). Exists for the swarm simulator
 * (scripts/simulate) and tests, which run the real swarms over simulated transports.
 */
export interface P2PTransport {
  /** Makes each swarm's tracker connections (see `TrackerSignallingOptions.connectTracker`). */
  readonly connectTracker?: TrackerConnector;
}

class P2PNetwork implements PeerNetwork {
  private readonly swarms = new Map<string, Swarm>();
  private readonly lingerTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly limiter: UploadLimiter;
  private readonly digests: DigestBook;
  /**
   * One ban list and one penalty book per engine, shared by its swarms: the engine is the unit that
   * has one peer id, and several engines in one process (tests, several players on a page) stay
   * independent of one another.
   */
  private readonly bans = new PeerBans();
  private readonly penalties = new PeerPenalties();
  private readonly localPeerId: string;
  /**
   * The sub-swarm level of each stream that has moved below level 0 (`swarmPeerCap` only). Kept
   * when the stream's swarm is left, so re-joining it goes straight back to its sub-swarm.
   */
  private readonly subSwarmLevels = new Map<string, number>();
  private readonly uploadDisabled: boolean;
  private destroyed = false;

  constructor(
    private readonly context: PeerNetworkContext,
    private readonly transport: P2PTransport,
  ) {
    const { config } = context;
    this.localPeerId = context.localPeerId ?? createPeerId();
    const mainThreadLevel = context.mainThreadLevel ?? (() => 'normal' as const);
    this.limiter = new UploadLimiter(
      {
        maxConcurrentUploads: config.maxConcurrentUploads,
        bytesPerSecond: config.uploadRateLimitBytesPerSecond,
      },
      undefined,
      mainThreadLevel,
    );
    this.digests = new DigestBook(context.store);
    this.uploadDisabled =
      config.uploadDisabled ??
      defaultUploadDisabled(typeof navigator === 'undefined' ? undefined : navigator);
  }

  get peerCount(): number {
    let count = 0;
    for (const swarm of this.swarms.values()) count += swarm.peerCount;
    return count;
  }

  peersFor(streamKey: string): Swarm | undefined {
    return this.swarms.get(streamKey);
  }

  setActiveStreams(streamKeys: readonly string[]): void {
    if (this.destroyed) return;
    const active = new Set(streamKeys);
    for (const key of active) {
      const timer = this.lingerTimers.get(key);
      if (timer !== undefined) {
        clearTimeout(timer);
        this.lingerTimers.delete(key);
      }
      if (!this.swarms.has(key)) this.swarms.set(key, this.join(key));
    }
    for (const key of this.swarms.keys()) {
      if (active.has(key) || this.lingerTimers.has(key)) continue;
      this.lingerTimers.set(
        key,
        setTimeout(() => {
          this.lingerTimers.delete(key);
          this.swarms.get(key)?.destroy();
          this.swarms.delete(key);
        }, SWARM_LINGER_MS),
      );
    }
  }

  rememberDigest(streamKey: string, segmentId: SegmentId, digest: Uint8Array): void {
    this.digests.set(streamKey, segmentId, digest);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const timer of this.lingerTimers.values()) clearTimeout(timer);
    this.lingerTimers.clear();
    for (const swarm of this.swarms.values()) swarm.destroy();
    this.swarms.clear();
    this.digests.destroy();
  }

  private join(streamKey: string): Swarm {
    const { config, swarmId, store, emit, recordUpload } = this.context;
    const cap = config.swarmPeerCap;
    const baseInfoHash = infoHashFor(swarmId, streamKey);
    const level = this.subSwarmLevels.get(streamKey) ?? 0;
    const infoHash =
      cap === undefined
        ? baseInfoHash
        : subSwarmPlace(this.localPeerId, baseInfoHash, level).infoHash;
    const swarm: Swarm = new Swarm({
      streamKey,
      infoHash,
      localPeerId: this.localPeerId,
      trackers: config.trackers,
      rtcConfig: config.rtcConfig,
      maxPeers: config.maxPeers,
      peerIdleTimeoutMs: config.peerIdleTimeoutMs,
      uploadDisabled: this.uploadDisabled,
      store,
      digests: this.digests,
      limiter: this.limiter,
      holdsNewConnections: () => this.context.mainThreadLevel?.() === 'starved',
      penalties: this.penalties,
      bans: this.bans,
      emit,
      recordUpload,
      ...(this.transport.connectTracker ? { connectTracker: this.transport.connectTracker } : {}),
      ...(cap === undefined
        ? {}
        : {
            onSwarmSize: (members: number) => {
              if (splitLevel(level, members, cap) === level) return;
              // Not from inside the signalling's own event: the swarm is destroyed by the move.
              queueMicrotask(() => {
                this.moveDown(streamKey, swarm, level, baseInfoHash);
              });
            },
          }),
    });
    return swarm;
  }

  /**
   * Moves a stream whose swarm at `level` grew past `swarmPeerCap` to its sub-swarm one level down:
   * the old swarm is left (its connections close, requests on them re-plan) and the new one takes
   * its place, which the scheduler finds through `peersFor` at its next decision.
   */
  private moveDown(streamKey: string, from: Swarm, level: number, baseInfoHash: string): void {
    if (this.destroyed || this.swarms.get(streamKey) !== from) return;
    const next = level + 1;
    this.subSwarmLevels.set(streamKey, next);
    from.destroy();
    this.swarms.set(streamKey, this.join(streamKey));
    const { infoHash } = subSwarmPlace(this.localPeerId, baseInfoHash, next);
    this.context.emit('swarm-split', { streamKey, level: next, infoHash });
  }
}

/**
 * Starts the P2P half of an engine for one source.
 *
 * @param transport - replaces how trackers are reached (the simulator and tests); default: real
 *   WebSocket trackers and WebRTC
 */
export function createP2PNetwork(
  context: PeerNetworkContext,
  transport: P2PTransport = {},
): PeerNetwork {
  return new P2PNetwork(context, transport);
}
