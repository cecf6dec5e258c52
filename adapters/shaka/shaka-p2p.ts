/**
 * The Shaka Player adapter: one engine per player, fed by Shaka's own extension points (request and
 * response filters, the scheme plugin) and by the player's media element.
 */
import type { EngineConfig } from '../../core/engine/config.js';
import type { SegmentEngine } from '../../core/engine/engine-api.js';
import { Engine } from '../../core/engine/engine.js';
import { MediaPlaybackReporter } from '../../core/playback/media-playback.js';
import type { StreamDescriptor } from '../../core/model/segment.js';
import type { EngineStats } from '../../core/model/stats.js';
import { serveFromEngine } from './engine-request.js';
import { isHlsMediaPlaylist } from './hls-playlist-index.js';
import { installSchemePlugin, tagRequest } from './scheme-plugin.js';
import { SegmentMapper } from './segment-mapper.js';
import { segmentReferences } from './segment-references.js';
import { StartupPosition } from './startup-position.js';
import {
  ShakaAdvancedRequestType,
  type ShakaNamespace,
  type ShakaPlayerLike,
  type ShakaRequest,
  type ShakaRequestContext,
  type ShakaRequestFilter,
  type ShakaResponse,
  type ShakaResponseFilter,
  type ShakaStream,
} from './shaka-types.js';

/** Options of {@link attach}: the engine's configuration plus adapter options. */
export interface ShakaP2POptions extends Partial<EngineConfig> {
  /** The `shaka` namespace the player comes from. Default: `globalThis.shaka` (script-tag builds). */
  shaka?: ShakaNamespace;
  /**
   * Creates the engine (default `new Engine(config)`); the handle owns and destroys it. Lets tests
   * and plugins supply another {@link SegmentEngine}.
   */
  createEngine?: (config: Partial<EngineConfig>) => SegmentEngine;
}

/** What {@link attach} returns. */
export interface ShakaP2PHandle {
  /** The player's engine (stats, events, bandwidth estimate). */
  readonly engine: SegmentEngine;
  /** A snapshot of the engine's counters. */
  getStats(): EngineStats;
  /** Detaches from the player (its later requests go to HTTP) and destroys the engine. Idempotent. */
  destroy(): void;
}

/** How often the segment lists of the live streams in use are re-read (window moves, refreshes). */
const STREAM_SYNC_INTERVAL_MS = 1000;

function responseText(response: ShakaResponse): string {
  const { data } = response;
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new TextDecoder().decode(bytes);
}

function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** The Range header of a request, normalised (`bytes=a-b`), or undefined. */
function requestedRange(request: ShakaRequest): string | undefined {
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() === 'range') return value.replace(/\s/g, '');
  }
  return undefined;
}

class ShakaP2PAdapter implements ShakaP2PHandle {
  readonly engine: SegmentEngine;
  private readonly mapper = new SegmentMapper();
  private readonly releaseScheme: () => void;
  private readonly requestFilter: ShakaRequestFilter;
  private readonly responseFilter: ShakaResponseFilter;
  private readonly onUnloading = (): void => {
    this.forgetSource();
  };
  private readonly syncTimer: ReturnType<typeof setInterval>;
  private sourceUrl: string | undefined;
  /** Shaka streams in use, by kind, and the engine streams they were last reported as. */
  private readonly activeStreams = new Map<string, ShakaStream>();
  private readonly reportedStreams = new Map<string, { key: string; signature: string }>();
  private readonly knownKeys = new Set<string>();
  private playback: MediaPlaybackReporter | undefined;
  private playbackMedia: HTMLMediaElement | undefined;
  private readonly startup = new StartupPosition();
  private destroyed = false;

  constructor(
    private readonly shaka: ShakaNamespace,
    private readonly player: ShakaPlayerLike,
    engine: SegmentEngine,
  ) {
    this.engine = engine;
    const networking = player.getNetworkingEngine();
    if (!networking) throw new Error('p2p-media-loader: the Shaka player has no networking engine');
    this.requestFilter = (type, request, context) => {
      this.filterRequest(type, request, context);
    };
    this.responseFilter = (type, response, context) => {
      this.filterResponse(type, response, context);
    };
    networking.registerRequestFilter(this.requestFilter);
    networking.registerResponseFilter(this.responseFilter);
    this.releaseScheme = installSchemePlugin(shaka);
    player.addEventListener('unloading', this.onUnloading);
    this.syncTimer = setInterval(() => {
      this.syncStreams();
    }, STREAM_SYNC_INTERVAL_MS);
    this.followMedia();
  }

  getStats(): EngineStats {
    return this.engine.getStats();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.syncTimer);
    const networking = this.player.getNetworkingEngine();
    networking?.unregisterRequestFilter(this.requestFilter);
    networking?.unregisterResponseFilter(this.responseFilter);
    this.player.removeEventListener('unloading', this.onUnloading);
    this.releaseScheme();
    this.playback?.destroy();
    this.playback = undefined;
    this.engine.destroy();
  }

  private filterRequest(type: number, request: ShakaRequest, context?: ShakaRequestContext): void {
    if (this.destroyed) return;
    const { RequestType } = this.shaka.net.NetworkingEngine;
    const url = request.uris[0];
    if (url === undefined) return;
    if (type === RequestType.MANIFEST) {
      const isSourceManifest =
        context?.type === ShakaAdvancedRequestType.MPD ||
        context?.type === ShakaAdvancedRequestType.MASTER_PLAYLIST ||
        (context?.type === undefined && url === this.player.getAssetUri());
      if (isSourceManifest) this.sourceRequested(url);
      return;
    }
    if (type !== RequestType.SEGMENT || context?.type === ShakaAdvancedRequestType.INIT_SEGMENT) {
      return;
    }
    const { stream, segment } = context ?? {};
    if (!stream || !segment || context?.isPreload || this.sourceUrl === undefined) return;
    const target = this.mapper.map(stream, segment);
    // Only a request for exactly the listed segment (same URL, same range) is the engine's to
    // serve: anything else (Shaka's HLS probes, partial reads) would get the wrong bytes.
    if (!target || target.segment.url !== url) return;
    const range = target.segment.byteRange;
    const expectedRange = range ? `bytes=${range.start}-${range.end - 1}` : undefined;
    if (requestedRange(request) !== expectedRange) return;
    this.useStream(stream, target.stream);
    if (this.startup.segmentRequested(target.segment.startTime)) this.playback?.report();
    const engine = this.engine;
    // Shaka's retries reuse the request object, so a retry after destroy() still carries the tag.
    tagRequest(request, (uri, tagged, requestType, _progress, sendOverHttp) =>
      this.destroyed
        ? sendOverHttp()
        : serveFromEngine(this.shaka, engine, target, uri, tagged, requestType),
    );
  }

  private filterResponse(
    type: number,
    response: ShakaResponse,
    context?: ShakaRequestContext,
  ): void {
    if (this.destroyed || type !== this.shaka.net.NetworkingEngine.RequestType.MANIFEST) return;
    const requestUrl = response.originalRequest?.uris[0] ?? response.originalUri ?? response.uri;
    const advanced = context?.type;
    if (advanced === ShakaAdvancedRequestType.MPD) {
      this.mapper.mpdLoaded(responseText(response));
      return;
    }
    if (advanced === ShakaAdvancedRequestType.MASTER_PLAYLIST) {
      const text = responseText(response);
      // A source that is a media playlist itself is also Shaka's "master" request.
      if (isHlsMediaPlaylist(text)) this.mapper.mediaPlaylistLoaded(text, requestUrl, response.uri);
      else this.mapper.masterPlaylistLoaded();
      return;
    }
    if (advanced === ShakaAdvancedRequestType.MEDIA_PLAYLIST) {
      this.mapper.mediaPlaylistLoaded(responseText(response), requestUrl, response.uri);
      return;
    }
    if (advanced === undefined) {
      // Shaka before 4.x: no advanced request types, so tell manifests apart by content.
      const text = responseText(response);
      if (isHlsMediaPlaylist(text)) this.mapper.mediaPlaylistLoaded(text, requestUrl, response.uri);
      else if (/<MPD[\s>]/.test(text)) this.mapper.mpdLoaded(text);
    }
  }

  private sourceRequested(url: string): void {
    if (this.sourceUrl !== undefined && withoutQuery(this.sourceUrl) === withoutQuery(url)) return;
    this.forgetSource();
    this.sourceUrl = url;
    this.mapper.reset(url);
    this.engine.setSource(url);
  }

  /** The player unloaded its source: the engine drops every stream (peers, stored segments). */
  private forgetSource(): void {
    for (const key of this.knownKeys) this.engine.removeStream(key);
    this.knownKeys.clear();
    this.activeStreams.clear();
    this.reportedStreams.clear();
    this.sourceUrl = undefined;
    this.mapper.reset(undefined);
    this.startup.reset();
  }

  /** Shaka loads from `stream` now: make it the engine's active stream of its kind. */
  private useStream(stream: ShakaStream, descriptor: StreamDescriptor): void {
    const previous = this.activeStreams.get(descriptor.kind);
    this.activeStreams.set(descriptor.kind, stream);
    // A VOD segment list never changes once read: read it once, not on every request.
    if (this.player.isLive() || !this.reportedStreams.has(`${descriptor.kind}:${stream.id}`)) {
      this.reportSegments(stream, descriptor.kind);
    }
    if (previous !== stream) this.engine.setActiveStream(descriptor);
    this.followMedia();
  }

  /** Follows the media element; live: re-reads the segment lists of the streams in use. */
  private syncStreams(): void {
    if (this.destroyed) return;
    this.followMedia();
    if (!this.player.isLive()) return;
    for (const [kind, stream] of this.activeStreams) this.reportSegments(stream, kind);
  }

  /** Tells the engine the segment list of `stream` when it changed since last time. */
  private reportSegments(stream: ShakaStream, kind: string): void {
    const index = stream.segmentIndex;
    if (!index) return;
    const segments = [];
    let descriptor: StreamDescriptor | undefined;
    for (const reference of segmentReferences(index)) {
      const mapped = this.mapper.map(stream, reference);
      if (!mapped) continue;
      descriptor ??= mapped.stream;
      segments.push(mapped.segment);
    }
    if (!descriptor || segments.length === 0) return;
    const first = segments[0];
    const last = segments[segments.length - 1];
    const signature = `${descriptor.key}|${segments.length}|${first?.id}|${last?.id}|${last?.endTime}`;
    const reported = this.reportedStreams.get(`${kind}:${stream.id}`);
    if (reported?.signature === signature) return;
    this.reportedStreams.set(`${kind}:${stream.id}`, { key: descriptor.key, signature });
    this.knownKeys.add(descriptor.key);
    this.engine.updateStream(descriptor, { segments, isLive: this.player.isLive() });
  }

  /** Where Shaka starts a live stream (see StartupPosition), undefined for VOD. */
  private liveStart(): number | undefined {
    if (!this.player.isLive()) return undefined;
    return this.player.seekRange?.().end;
  }

  /** Reports the playback state of the player's current media element. */
  private followMedia(): void {
    const media = this.player.getMediaElement() ?? undefined;
    if (media === this.playbackMedia) return;
    this.playback?.destroy();
    this.playbackMedia = media;
    this.playback = media
      ? new MediaPlaybackReporter(media, (state) => {
          this.engine.setPlayback(this.startup.adjust(state, media.readyState, this.liveStart()));
        })
      : undefined;
  }
}

/**
 * Adds P2P delivery to a Shaka Player (4.x or 5.x): media segments of DASH and HLS streams come
 * from the engine (store, peers or HTTP); manifests, playlists, init segments, keys, licences and
 * text go to Shaka's own HTTP plugin. Several players on a page each get their own engine.
 *
 * @example
 * ```ts
 * const player = new shaka.Player();
 * await player.attach(video);
 * const p2p = attach(player, { trackers: ['wss://tracker.example'] });
 * await player.load(manifestUrl);
 * ```
 * @param player - the player, before `load()`: segments are named from the manifests and playlists
 *   the adapter sees Shaka download, so a source loaded earlier plays over plain HTTP
 * @param options - engine configuration and adapter options
 * @throws P2PMediaLoaderError `config-invalid` for an invalid engine configuration
 */
export function attach(player: ShakaPlayerLike, options: ShakaP2POptions = {}): ShakaP2PHandle {
  const { shaka: shakaOption, createEngine, ...engineConfig } = options;
  const shaka = shakaOption ?? (globalThis as { shaka?: ShakaNamespace }).shaka;
  if (!shaka) {
    throw new Error('p2p-media-loader: pass the `shaka` namespace in the options (none is global)');
  }
  const engine = createEngine ? createEngine(engineConfig) : new Engine(engineConfig);
  try {
    return new ShakaP2PAdapter(shaka, player, engine);
  } catch (error) {
    engine.destroy();
    throw error;
  }
}
