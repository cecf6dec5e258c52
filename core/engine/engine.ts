/**
 * The engine: the one object adapters talk to. It keeps the stream model, hands out segments from
 * the store, joins requests to in-flight downloads, and runs each download through the scheduler,
 * which picks peers or the origin. The P2P half sits behind {@link PeerNetwork}.
 */
import { P2PMediaLoaderError, asSegmentRequestError } from '../errors.js';
import type { EngineEventMap } from '../events/engine-events.js';
import { TypedEmitter, type Listener } from '../events/typed-emitter.js';
import { HttpLoader } from '../http/http-loader.js';
import type {
  PlaybackState,
  Segment,
  SegmentId,
  StreamDescriptor,
  StreamUpdate,
  TransferSource,
} from '../model/segment.js';
import type { EngineStats } from '../model/stats.js';
import type { ConnectionPath } from '../p2p/peer/connection-path.js';
import { MAX_HASH_MANIFEST_BYTES } from '../p2p/integrity/hash-manifest.js';
import { loadHashManifest } from '../p2p/integrity/hash-manifest-loader.js';
import { createP2PNetwork } from '../p2p/swarm/p2p-network.js';
import { DeliveredRanges } from '../scheduler/delivered-ranges.js';
import { PlaybackClock } from '../scheduler/playback-clock.js';
import { deliverSegment, type DeliveryContext } from '../scheduler/segment-delivery.js';
import { BandwidthEstimator } from '../stats/bandwidth-estimator.js';
import { StatsCollector } from '../stats/stats-collector.js';
import { SegmentStore } from '../storage/segment-store.js';
import type { EngineConfig } from './config.js';
import type { LoadSegmentOptions, LoadedSegment, SegmentEngine } from './engine-api.js';
import { toLoadedSegment, type DeliveredResult } from './loaded-segment.js';
import {
  MainThreadLagMonitor,
  type MainThreadLevel,
  type MainThreadLoad,
} from './main-thread-lag.js';
import type { EngineDependencies, PeerNetwork } from './peer-network.js';
import { nextPrefetch, prefetchAllowance, PrefetchPacer } from './prefetch-planner.js';
import { StreamProfiles } from './stream-profiles.js';
import { resolveEngineConfig } from './resolve-config.js';
import { SegmentDownload, type DownloadResult } from './segment-download.js';
import { StreamRegistry } from './stream-registry.js';
import { swarmIdFor } from './swarm-id.js';
import { SwarmJoinSchedule } from './swarm-join-schedule.js';
import { TrustedHashes, type TrustedSegment } from './trusted-hashes.js';

/** Seconds ahead of the playhead the store never evicts: what playback is about to need. */
const PROTECT_AHEAD_SECONDS = 30;
/**
 * A playback update this far (seconds) behind where the playhead was expected is a seek back: what
 * was delivered there before may have been evicted since. Jumps forward (a player setting its start
 * position, skipping a gap, seeking ahead) leave the record valid: delivered segments only extend
 * the buffered end from the new position onwards.
 */
const SEEK_BACK_DETECTION_SECONDS = 1;

function downloadKey(streamKey: string, segmentId: SegmentId): string {
  return `${streamKey}\u0000${segmentId}`;
}

/** What the hash manifest needs to know of a segment. */
function trustedSegment(segment: Segment, isLive: boolean): TrustedSegment {
  return {
    url: segment.url,
    ...(segment.byteRange ? { byteRange: segment.byteRange } : {}),
    isLive,
    // A live hash manifest grows by about one segment per segment duration: refresh no faster.
    refreshIntervalMs: (segment.endTime - segment.startTime) * 1000,
  };
}

/** The player-agnostic engine. See {@link SegmentEngine} for the contract. */
export class Engine implements SegmentEngine {
  /** The resolved configuration. */
  readonly config: Readonly<EngineConfig>;
  private readonly events = new TypedEmitter<EngineEventMap>();
  private readonly streams = new StreamRegistry();
  private readonly store: SegmentStore;
  private readonly http: HttpLoader;
  private readonly stats = new StatsCollector();
  private readonly httpBandwidth = new BandwidthEstimator();
  private readonly clock = new PlaybackClock();
  private readonly delivered = new DeliveredRanges();
  private readonly downloads = new Map<string, SegmentDownload>();
  /** Downloads of removed streams that a player still awaits (see removeStream). */
  private readonly orphanDownloads = new Set<SegmentDownload>();
  private readonly profiles = new StreamProfiles();
  private readonly prefetchPacer = new PrefetchPacer();
  private network: PeerNetwork | undefined;
  private trustedHashes: TrustedHashes | undefined;
  /**
   * Measures how late the engine's thread runs, and is the engine's periodic tick: prefetch
   * decisions ride on its timer (every 250 ms) instead of a timer of their own. Runs only while P2P
   * is on and a stream plays.
   */
  private readonly mainThreadLag: MainThreadLagMonitor;
  /** Rate of the last {@link setPlayback} (0: paused), undefined until the player reported any. */
  private lastPlaybackRate: number | undefined;
  private readonly swarmJoin = new SwarmJoinSchedule(() => {
    this.syncActiveStreams();
  });
  private manifestUrl: string | undefined;
  private swarmIdValue: string | undefined;
  private destroyed = false;

  /**
   * @param config - partial configuration; missing keys take their defaults. Throws a
   *   `config-invalid` {@link P2PMediaLoaderError} naming the key for any invalid value.
   * @param dependencies - internal collaborators (the P2P network factory, `fetch`)
   */
  constructor(
    config?: Partial<EngineConfig>,
    private readonly dependencies: EngineDependencies = {},
  ) {
    this.config = Object.freeze(resolveEngineConfig(config));
    this.store = new SegmentStore({
      budgetBytes: this.config.storeBudgetBytes,
      liveEvictionMarginSeconds: this.config.liveEvictionMarginSeconds,
      protectAheadSeconds: PROTECT_AHEAD_SECONDS,
    });
    this.http = new HttpLoader(this.config, dependencies.fetch);
    this.mainThreadLag = dependencies.mainThreadLag ?? new MainThreadLagMonitor();
    this.mainThreadLag.onTick(() => {
      this.prefetchFromPeers();
    });
    this.mainThreadLag.onChange((load) => {
      this.events.emit('main-thread-load', load);
    });
  }

  /**
   * How late the engine's thread runs (smoothed) and the level P2P work adapts to. `normal` with
   * 0 ms while nothing plays over P2P (the probe runs only then). Reported also when
   * `mainThreadBackoff` is off (which only stops P2P work from adapting).
   */
  getMainThreadLoad(): MainThreadLoad {
    return this.mainThreadLag.load;
  }

  /** The level P2P work adapts to: the measured one, or `normal` when back-off is off. */
  private backoffLevel(): MainThreadLevel {
    return this.config.mainThreadBackoff ? this.mainThreadLag.level : 'normal';
  }

  /** Probes the thread while P2P is on and some stream plays; stops the probe otherwise. */
  private syncProbe(): void {
    if (!this.destroyed && this.network && this.streams.activeStreams().length > 0) {
      this.mainThreadLag.start();
    } else {
      this.mainThreadLag.stop();
    }
  }

  /** The swarm id of the current source (undefined before `setSource`). */
  get swarmId(): string | undefined {
    return this.swarmIdValue;
  }

  setSource(manifestUrl: string): void {
    this.assertAlive();
    if (manifestUrl === this.manifestUrl) return;
    this.resetSource();
    this.manifestUrl = manifestUrl;
    this.swarmIdValue = swarmIdFor(manifestUrl, this.config.swarmId);
    this.trustedHashes = this.createTrustedHashes(manifestUrl);
    const createPeerNetwork = this.dependencies.createPeerNetwork ?? createP2PNetwork;
    if (!this.config.p2pDisabled) {
      this.network = createPeerNetwork({
        config: this.config,
        swarmId: this.swarmIdValue,
        store: this.store,
        emit: (event, payload) => {
          this.events.emit(event, payload);
        },
        recordUpload: (bytes, path) => {
          this.stats.recordUpload(bytes, path);
        },
        mainThreadLevel: () => this.backoffLevel(),
      });
      this.swarmJoin.start(performance.now());
      // A paused player keeps quiet: the reporter may have said so before this source was set.
      if (this.lastPlaybackRate === 0) this.swarmJoin.playbackPaused();
    }
  }

  /** The hash manifest of the presentation at `manifestUrl`, when `integrity` is configured. */
  private createTrustedHashes(manifestUrl: string): TrustedHashes | undefined {
    const integrity = this.config.integrity;
    if (!integrity) return undefined;
    let hashManifestUrl: string | undefined;
    let urlError: P2PMediaLoaderError | undefined;
    try {
      const configured = integrity.hashManifestUrl;
      const url = typeof configured === 'function' ? configured(manifestUrl) : configured;
      if (typeof url !== 'string') throw new TypeError(`got ${typeof url} instead of a URL`);
      hashManifestUrl = new URL(url, manifestUrl).href;
    } catch (error) {
      // Reported at the first load; meanwhile the manifest is as unavailable as a 404 would make it.
      urlError = new P2PMediaLoaderError(
        'integrity-manifest',
        `Hash manifest URL for ${manifestUrl} could not be resolved: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { cause: error },
      );
    }
    const fetchBytes = (url: string, signal: AbortSignal): Promise<Uint8Array> =>
      this.http.loadResource(url, 'integrity', signal, MAX_HASH_MANIFEST_BYTES);
    return new TrustedHashes({
      strict: integrity.policy !== 'fallback',
      load: (signal) =>
        hashManifestUrl === undefined
          ? Promise.reject(urlError ?? new Error('no hash manifest URL'))
          : loadHashManifest(hashManifestUrl, fetchBytes, {
              signal,
              ...(integrity.publicKey === undefined ? {} : { publicKey: integrity.publicKey }),
            }),
      onError: (error) => {
        this.events.emit('integrity-warning', { error });
      },
    });
  }

  /**
   * Seconds until the swarms have had their chance to connect: segments with time to spare wait for
   * peers until then rather than go to the origin (a VOD player buffers far ahead within its first
   * second, long before the first peer could answer). 0 when P2P is off or the grace has passed.
   */
  private peerWarmupSeconds(nowMs: number): number {
    return this.network ? this.swarmJoin.warmupSeconds(nowMs) : 0;
  }

  private syncActiveStreams(): void {
    this.syncProbe();
    if (!this.swarmJoin.joined) return;
    this.network?.setActiveStreams(this.streams.activeStreams().map((s) => s.descriptor.key));
  }

  updateStream(stream: StreamDescriptor, update: StreamUpdate): void {
    this.assertAlive();
    this.streams.update(stream, update);
  }

  removeStream(streamKey: string): void {
    this.assertAlive();
    this.streams.remove(streamKey);
    // Downloads of the stream still under way: a prefetch nobody waits for stops now; one a player
    // awaits finishes for it but is no longer tracked, so its bytes do not land in the store after
    // the stream's segments were dropped. It stays reachable for resetSource()/destroy() to abort.
    for (const [key, download] of this.downloads) {
      if (download.streamKey !== streamKey) continue;
      this.downloads.delete(key);
      if (download.interestCount === 0) {
        download.abort();
      } else {
        this.orphanDownloads.add(download);
        void download.result
          .finally(() => this.orphanDownloads.delete(download))
          .catch(() => undefined);
      }
    }
    this.store.removeStream(streamKey);
    this.profiles.delete(streamKey);
    this.delivered.forget(streamKey);
    this.syncActiveStreams();
  }

  setActiveStream(stream: StreamDescriptor): void {
    this.assertAlive();
    this.streams.setActive(stream);
    this.syncActiveStreams();
  }

  setPlayback(state: PlaybackState): void {
    if (this.destroyed) return;
    const now = performance.now();
    if (state.position < this.clock.positionAt(now) - SEEK_BACK_DETECTION_SECONDS) {
      this.delivered.clear();
    }
    this.clock.update(state, now);
    this.lastPlaybackRate = state.rate;
    this.store.setPlaybackPosition(state.position);
    const bufferedAhead = (state.bufferedEnd ?? state.position) - state.position;
    // Without `bufferedEnd` (unknown) a playing element counts as running: nothing else would.
    const running = bufferedAhead > 0 || state.bufferedEnd === undefined;
    if (state.rate > 0 && running) this.swarmJoin.playbackRunning(now, bufferedAhead);
    else if (state.rate === 0) this.swarmJoin.playbackPaused();
  }

  async loadSegment(
    stream: StreamDescriptor,
    segment: Segment,
    options: LoadSegmentOptions = {},
  ): Promise<LoadedSegment> {
    this.assertAlive();
    const requestStartMs = performance.now();
    const ref = { streamKey: stream.key, segmentId: segment.id };
    const state = this.streams.remember(stream, segment);
    if (this.streams.activeStreams().every((s) => s.descriptor.kind !== stream.kind)) {
      // The adapter did not say which stream plays: the one being loaded does.
      this.setActiveStream(stream);
    }

    const stored = this.store.get(stream.key, segment.id);
    if (stored) {
      this.delivered.record(stream.key, segment.startTime, segment.endTime);
      return this.deliver(
        ref,
        {
          data: stored,
          source: 'cache',
          contributors: [],
          firstByteMs: requestStartMs,
          transferStartMs: requestStartMs,
        },
        requestStartMs,
      );
    }

    let result: DownloadResult | undefined;
    // A prefetch that gave up just as the player joined it rejects with `aborted` although the
    // player did not abort: start a fresh download for the player then (once).
    for (let attempt = 0; result === undefined; attempt++) {
      const download = this.downloadFor(stream.key, segment, state.isLive);
      try {
        result = await download.join(options.signal, options.onProgress);
      } catch (error) {
        const failure = asSegmentRequestError(error);
        const retry =
          failure.code === 'aborted' && options.signal?.aborted !== true && attempt === 0;
        if (retry && !this.destroyed) continue;
        if (failure.code === 'aborted') this.events.emit('segment-aborted', ref);
        else this.events.emit('segment-error', { ...ref, source: download.source, error: failure });
        throw failure;
      }
    }
    this.delivered.record(stream.key, segment.startTime, segment.endTime);
    return this.deliver(ref, result, requestStartMs);
  }

  getHttpBandwidthEstimate(): number | undefined {
    return this.httpBandwidth.estimateBitsPerSecond();
  }

  getStats(): EngineStats {
    return this.stats.snapshot({
      peers: this.network?.peerCount ?? 0,
      storeBytes: this.store.usedBytes,
      mainThread: this.mainThreadLag.load,
    });
  }

  on<K extends keyof EngineEventMap>(event: K, listener: Listener<EngineEventMap, K>): () => void {
    return this.events.on(event, listener);
  }

  off<K extends keyof EngineEventMap>(event: K, listener: Listener<EngineEventMap, K>): void {
    this.events.off(event, listener);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.resetSource();
    this.destroyed = true;
    this.mainThreadLag.destroy();
    this.store.destroy();
    this.events.removeAllListeners();
  }

  /** Stops everything tied to the current source. */
  private resetSource(): void {
    this.swarmJoin.stop();
    for (const download of this.downloads.values()) download.abort();
    this.downloads.clear();
    for (const download of this.orphanDownloads) download.abort();
    this.orphanDownloads.clear();
    this.network?.destroy();
    this.network = undefined;
    this.trustedHashes?.destroy();
    this.trustedHashes = undefined;
    this.streams.clear();
    this.profiles.clear();
    this.prefetchPacer.clear();
    this.store.clear();
    this.delivered.clear();
    this.manifestUrl = undefined;
    this.swarmIdValue = undefined;
    this.syncProbe();
  }

  private deliver(
    ref: { streamKey: string; segmentId: SegmentId },
    result: DeliveredResult,
    requestStartMs: number,
  ): LoadedSegment {
    const endMs = performance.now();
    this.stats.recordDelivery(result.source);
    this.events.emit('segment-loaded', {
      ...ref,
      source: result.source,
      bytes: result.data.byteLength,
      durationMs: endMs - requestStartMs,
      ...(result.peerId === undefined ? {} : { peerId: result.peerId }),
      contributors: result.contributors,
      ...(result.verified === undefined ? {} : { verified: result.verified }),
    });
    return toLoadedSegment(result, requestStartMs, endMs);
  }

  /** The in-flight download of a segment, started through the scheduler if there is none. */
  private downloadFor(streamKey: string, segment: Segment, isLive: boolean): SegmentDownload {
    const key = downloadKey(streamKey, segment.id);
    const existing = this.downloads.get(key);
    if (existing && !existing.isSettled) return existing;
    const download = new SegmentDownload(streamKey, segment, (task, signal) =>
      this.runDelivery(task, signal, isLive),
    );
    this.downloads.set(key, download);
    download.result
      .then(
        (result) => {
          if (this.destroyed || this.downloads.get(key) !== download) return;
          this.profiles.learn(streamKey, result.data, result.verified === 'origin');
          if (this.network) this.swarmJoin.segmentDelivered(performance.now());
          // Bytes that contradict the trusted hash are not kept: peers would get them from the store.
          if (!result.shareable) return;
          this.store.put(
            {
              streamKey,
              segmentId: segment.id,
              startTime: segment.startTime,
              endTime: segment.endTime,
              isLive,
            },
            result.data,
            result.digest,
          );
        },
        () => undefined,
      )
      .finally(() => {
        if (this.downloads.get(key) === download) this.downloads.delete(key);
      });
    return download;
  }

  private async runDelivery(
    task: SegmentDownload,
    signal: AbortSignal,
    isLive: boolean,
  ): Promise<DownloadResult> {
    const { streamKey, segment } = task;
    // The element's buffered end lags behind what this stream holds (see DeliveredRanges).
    const extendBufferedEnd = (bufferedEnd: number): number =>
      this.delivered.contiguousEnd(streamKey, bufferedEnd);
    const context: DeliveryContext = {
      segment,
      peers: () => this.network?.peersFor(streamKey),
      peerWarmupSeconds: () => this.peerWarmupSeconds(performance.now()),
      http: async (range, httpSignal, onChunk) => {
        task.source = 'http';
        const response = await this.http.load({
          segment,
          streamKey,
          signal: httpSignal,
          onChunk,
          ...(range === undefined
            ? {}
            : range.end === undefined
              ? { fromByte: range.start }
              : { byteRange: { start: range.start, end: range.end } }),
        });
        this.httpBandwidth.addSample(
          response.data.byteLength,
          response.endMs - response.firstByteMs,
        );
        return { data: response.data };
      },
      slackSeconds: () =>
        this.clock.slackSeconds(segment.startTime, performance.now(), extendBufferedEnd),
      expectedBytes: () => this.profiles.averageBytes(streamKey),
      httpBps: () => this.httpBandwidth.estimateBitsPerSecond(),
      safetyMarginSeconds: this.config.httpSafetyMarginSeconds,
      playerWaiting: () => task.interestCount > 0,
      expectedContainer: () => this.profiles.container(streamKey),
      ...(this.trustedHashes
        ? {
            trust: this.trustedHashes.forSegment(trustedSegment(segment, isLive)),
          }
        : {}),
      onIntegrityWarning: (error) => {
        this.events.emit('integrity-warning', { streamKey, segmentId: segment.id, error });
      },
      onBytes: (source, bytes, peerId) => {
        if (source === 'p2p') task.source = 'p2p';
        // The path of the peer's connection now (the swarm reads it once the connection is up).
        const path =
          peerId === undefined ? undefined : this.network?.peersFor(streamKey)?.pathOf?.(peerId);
        this.recordDownload(source, bytes, peerId, path);
      },
      onProgress: (loaded, total) => {
        task.reportProgress(loaded, total);
      },
      random: Math.random,
    };
    const delivery = await deliverSegment(context, signal);
    // Only a digest that vouches for the bytes (origin, or the trusted hash) travels to peers.
    if (delivery.digest && delivery.shareable) {
      this.network?.rememberDigest(streamKey, segment.id, delivery.digest);
    }
    return delivery;
  }

  /**
   * Starts background P2P downloads of segments peers have, ahead of the playhead: less of them
   * while the thread is strained, none while it is starved (see {@link prefetchAllowance}), and
   * none before playback first ran or while it is paused (see {@link nextPrefetch}).
   */
  private prefetchFromPeers(): void {
    const network = this.network;
    if (!network || this.destroyed || !this.swarmJoin.playbackStarted) return;
    const allowance = prefetchAllowance(this.backoffLevel());
    if (allowance.horizonFactor <= 0) return;
    const now = performance.now();
    for (const stream of this.streams.activeStreams()) {
      const peers = network.peersFor(stream.descriptor.key);
      if (!peers || !this.prefetchPacer.mayStart(stream.descriptor.key, now)) continue;
      const candidate = nextPrefetch({
        segments: stream.segments.values(),
        position: this.clock.positionAt(now),
        playbackRate: this.clock.current.rate,
        horizonSeconds: this.config.p2pPrefetchSeconds * allowance.horizonFactor,
        isWanted: (segment) =>
          !this.store.has(stream.descriptor.key, segment.id) &&
          !this.downloads.has(downloadKey(stream.descriptor.key, segment.id)) &&
          this.peersMayServe(segment, stream.isLive),
        peersHave: (segment) => peers.candidates(segment.id).some((peer) => peer.has),
        inFlight: (streamKey) => this.countPrefetches(streamKey),
        streamKey: stream.descriptor.key,
      });
      if (!candidate) continue;
      this.downloadFor(stream.descriptor.key, candidate, stream.isLive);
      this.prefetchPacer.started(stream.descriptor.key, candidate, now, allowance.speed);
    }
  }

  /**
   * False when strict trusted hashes rule peers out for `segment` (its hash manifest, loaded and
   * not due for a refresh, does not list it): a prefetch from peers would only give up.
   */
  private peersMayServe(segment: Segment, isLive: boolean): boolean {
    const trusted = this.trustedHashes;
    if (!trusted || this.config.integrity?.policy === 'fallback') return true;
    const verdict = trusted.current(trustedSegment(segment, isLive));
    return verdict === undefined || verdict.kind === 'listed';
  }

  private countPrefetches(streamKey: string): number {
    let count = 0;
    for (const download of this.downloads.values()) {
      if (download.streamKey === streamKey && download.interestCount === 0) count++;
    }
    return count;
  }

  private recordDownload(
    source: TransferSource,
    bytes: number,
    peerId?: string,
    path?: ConnectionPath,
  ): void {
    this.stats.recordDownload(source, bytes, path);
    this.events.emit('bytes-downloaded', {
      source,
      bytes,
      ...(peerId === undefined ? {} : { peerId }),
    });
  }

  private assertAlive(): void {
    if (this.destroyed) throw new P2PMediaLoaderError('destroyed', 'The engine was destroyed');
  }
}
