/**
 * `p2p_shaka`: a MediaElement renderer that plays DASH (and HLS on pages without hls.js) with Shaka
 * Player, registered with `mejs.Renderers.add()`. MediaElement's own DASH renderer drives dash.js,
 * which the engine has no adapter for; this one drives Shaka so the engine can serve its segments.
 * The renderer owns its Shaka player; what the engine does with it is up to the host (the player's
 * P2P binding, or nothing for players without P2P options).
 */
import type { ShakaNamespace, ShakaPlayerLike } from '../shared/library-types.js';
import type { PlayerSource } from '../shared/contract.js';
import { createShakaPlayer, shakaFailureOf, type ShakaPlayer } from '../shared/shaka-start.js';
import type {
  MediaElementLike,
  MediaFile,
  MejsNamespace,
  RendererDefinition,
  RendererNode,
} from './mediaelement-types.js';
import { createRendererNode } from './renderer-node.js';
import { P2P_SHAKA_RENDERER } from './renderer-order.js';

const DASH_TYPES = ['application/dash+xml'];
const HLS_TYPES = [
  'application/x-mpegurl',
  'application/vnd.apple.mpegurl',
  'audio/mpegurl',
  'audio/hls',
  'video/hls',
];

/** What the renderer asks of the player it plays for. */
export interface ShakaRendererHost {
  /** The `shaka` namespace (option, global, or loaded on demand); undefined when there is none. */
  resolveShaka(): Promise<ShakaNamespace | undefined>;
  /** Runs right before `player.load(source.src)`: plugs the engine in (or not). */
  beforeLoad(player: ShakaPlayerLike, source: PlayerSource): void;
  /** The renderer's source stopped (source change to another renderer, player removed). */
  sourceEnded(): void;
  /** Playback failed: shown through MediaElement's error path. */
  fatalError(error: Error, mediaFiles: readonly MediaFile[]): void;
}

/** Finds the host of a media element's player (undefined: plain Shaka, no P2P). */
export type ShakaHostLookup = (mediaElement: MediaElementLike) => ShakaRendererHost | undefined;

/** Where MSE-based playback is possible at all. */
function hasMediaSource(): boolean {
  const scope = globalThis as { MediaSource?: unknown; ManagedMediaSource?: unknown };
  return typeof scope.MediaSource === 'function' || typeof scope.ManagedMediaSource === 'function';
}

/** The host of players without P2P options: the global Shaka, errors straight to MediaElement. */
function plainHost(mediaElement: MediaElementLike): ShakaRendererHost {
  return {
    resolveShaka: () =>
      Promise.resolve((globalThis as { shaka?: ShakaNamespace }).shaka ?? undefined),
    beforeLoad: () => undefined,
    sourceEnded: () => undefined,
    fatalError: (error, mediaFiles) => {
      mediaElement.generateError(error.message, mediaFiles);
    },
  };
}

function sourceUrl(value: unknown): string {
  if (typeof value === 'string') return value;
  const src = (value as { src?: unknown } | null)?.src;
  return typeof src === 'string' ? src : '';
}

/** One renderer instance: the node, its Shaka player and the source it plays. */
class ShakaRendererInstance {
  readonly node: RendererNode;
  private player: ShakaPlayer | undefined;
  private playerReady: Promise<ShakaPlayer | undefined> | undefined;
  private source: PlayerSource | undefined;
  /** Set while a source waits for `play()` (`preload="none"` without autoplay). */
  private deferred = false;
  private loading: Promise<void> = Promise.resolve();
  /** Bumped by each source change: a stale load stops at its next step. */
  private generation = 0;
  private readonly reported = new WeakSet();
  private readonly onPlayerError = (event: Event): void => {
    this.failed((event as Event & { detail?: unknown }).detail);
  };

  constructor(
    mejs: MejsNamespace,
    private readonly mediaElement: MediaElementLike,
    private readonly host: ShakaRendererHost,
    private readonly mediaFiles: readonly MediaFile[],
  ) {
    const original = mediaElement.originalNode;
    const autoplay = original.autoplay;
    const preload = original.getAttribute('preload');
    this.node = createRendererNode(mejs, mediaElement, P2P_SHAKA_RENDERER, {
      setSource: (value) => {
        this.setSource(value, false);
      },
      currentSource: () => this.source?.src ?? null,
      destroy: () => {
        this.stop(true);
      },
      hidden: () => {
        this.stop(false);
      },
    });
    const node = this.node;
    // With `preload="none"` the manifest is only loaded once the viewer presses play.
    node.play = () => {
      if (this.deferred) this.startLoad();
      return this.loading.then(() => HTMLMediaElement.prototype.play.call(node));
    };
    // MediaElement only calls `load()` for the page (`player.load()`, once): with `preload="none"`
    // that starts the waiting source. Shaka calls it too, to reset the element when it attaches,
    // unloads and is destroyed: those calls must reach the element (reloading the source from
    // there would restart a source that was just switched away from).
    node.load = () => {
      if (this.deferred) this.startLoad();
      else HTMLMediaElement.prototype.load.call(node);
    };
    const first = mediaFiles.find((file) => shakaCanPlay(file.type));
    if (first) this.setSource(first, preload === 'none' && !autoplay);
  }

  private setSource(value: unknown, deferred: boolean): void {
    const src = sourceUrl(value);
    const type = (value as { type?: unknown } | null)?.type;
    this.generation++;
    this.source = typeof type === 'string' && type !== '' ? { src, type } : { src };
    this.deferred = deferred;
    if (!deferred) this.startLoad();
  }

  private startLoad(): void {
    this.deferred = false;
    const source = this.source;
    if (!source || source.src === '') return;
    const generation = this.generation;
    this.loading = this.load(source, generation).catch((error: unknown) => {
      if (generation === this.generation) this.failed(error);
    });
  }

  private async load(source: PlayerSource, generation: number): Promise<void> {
    const player = await this.ensurePlayer();
    if (!player || generation !== this.generation) return;
    this.host.beforeLoad(player, source);
    await player.load(source.src);
  }

  private ensurePlayer(): Promise<ShakaPlayer | undefined> {
    this.playerReady ??= this.host.resolveShaka().then(async (namespace) => {
      const player = await createShakaPlayer(namespace, this.node, (created) => {
        created.addEventListener('error', this.onPlayerError);
      });
      this.player = player;
      this.mediaElement.shakaPlayer = player;
      return player;
    });
    return this.playerReady;
  }

  private failed(error: unknown): void {
    // Interruptions are source changes, and lower severities Shaka retries itself.
    const failure = shakaFailureOf(error);
    if (failure === undefined) return;
    if (typeof error === 'object' && error !== null) {
      if (this.reported.has(error)) return;
      this.reported.add(error);
    }
    this.host.fatalError(failure.error, this.mediaFiles);
  }

  /** Stops the current source; `dispose` also releases the Shaka player (the renderer is gone). */
  private stop(dispose: boolean): void {
    this.generation++;
    this.deferred = false;
    const player = this.player;
    if (dispose) {
      this.player = undefined;
      this.playerReady = undefined;
      if (this.mediaElement.shakaPlayer === player) this.mediaElement.shakaPlayer = undefined;
      player?.removeEventListener('error', this.onPlayerError);
      void player?.destroy();
    } else {
      void player?.unload();
    }
    this.host.sourceEnded();
  }
}

/** True when Shaka is (or can be made) available: the renderer is only offered then. */
let shakaOnDemand = false;

/** Notes that some player can load Shaka on demand (`shaka`/`loadShaka` options). */
export function noteShakaOnDemand(): void {
  shakaOnDemand = true;
}

function shakaCanPlay(type: string): boolean {
  const lower = type.toLowerCase();
  const scope = globalThis as { Hls?: unknown; shaka?: unknown };
  const shakaAvailable = scope.shaka !== undefined || shakaOnDemand;
  if (!hasMediaSource() || !shakaAvailable) return false;
  if (DASH_TYPES.includes(lower)) return true;
  // HLS goes to MediaElement's hls.js renderer when the page has hls.js.
  return HLS_TYPES.includes(lower) && scope.Hls === undefined;
}

/** The renderer definition to register with `mejs.Renderers.add()`. */
export function createShakaRenderer(
  mejs: MejsNamespace,
  hostOf: ShakaHostLookup,
): RendererDefinition {
  return {
    name: P2P_SHAKA_RENDERER,
    options: { prefix: P2P_SHAKA_RENDERER },
    canPlayType: shakaCanPlay,
    create: (mediaElement, _options, mediaFiles) => {
      const host = hostOf(mediaElement) ?? plainHost(mediaElement);
      const instance = new ShakaRendererInstance(mejs, mediaElement, host, mediaFiles);
      mediaElement.originalNode.dispatchEvent(
        mejs.Utils.createEvent('rendererready', instance.node, false),
      );
      return instance.node;
    },
  };
}
