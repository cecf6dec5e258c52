/**
 * Creating an hls.js instance for a source, once for every plugin that creates hls.js itself: the
 * session's hls.js configuration, the plugin's own settings, the engine's loaders on top (they must
 * win), and the instance bound to the source's engine before it loads anything. Plugins whose
 * player creates the instance (Clappr, Flowplayer, MediaElement) use the session's
 * {@link P2PPlayerSession.prepareHls} hookup directly: loaders into the config first, `bind` once
 * the instance exists; the hookup's shape makes the other order impossible.
 *
 * The instances created here also honour the media element's `preload` until the viewer first
 * plays (see startup-load.ts): `none` loads nothing, `metadata` the manifest only, `auto` the
 * playlists and {@link UNSTARTED_BUFFER_SECONDS} of a VOD stream (one segment) instead of hls.js's
 * size-based goal.
 */
import type { HlsInstanceLike } from '../../adapters/hlsjs/hlsjs-types.js';
import { P2PMediaLoaderError } from '../../core/errors.js';
import type { HlsHookup, P2PPlayerSession, PlayerSource } from './contract.js';
import {
  mediaStartState,
  onFirstPlay,
  startupLoadPlan,
  UNSTARTED_BUFFER_SECONDS,
} from './startup-load.js';

/** Settings of {@link createHlsPlayer}. */
export interface HlsPlayerOptions {
  /** Plug the session's engine in. Default true. */
  readonly withEngine?: boolean;
  /** The plugin's own hls.js settings, over the session's `hlsConfig` (the engine's loaders win). */
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * Honour the media element's `preload` until the first play (see {@link followStartupLoad}).
   * Default true.
   */
  readonly honourPreload?: boolean;
}

/** hls.js members the start-up gate drives (in every 1.x; config keys read at each use). */
interface HlsStartupControls {
  readonly config: { autoStartLoad: boolean; maxMaxBufferLength: number };
  readonly levels: readonly unknown[];
  startLoad(startPosition?: number): void;
  loadSource(url: string): void;
}

/** hls.js event names used here (values of its `Events` enum, stable across 1.x). */
const HLS_MEDIA_ATTACHING = 'hlsMediaAttaching';
const HLS_LEVEL_LOADED = 'hlsLevelLoaded';
const HLS_DESTROYING = 'hlsDestroying';

/**
 * Makes `hls` honour the `preload` of the media element it gets attached to, until that element
 * first plays: `none` holds `loadSource()` back (no manifest, so no engine source and no swarm
 * either), `metadata` loads the manifest but no media (`autoStartLoad` off), `auto` (or no
 * attribute) sets `maxMaxBufferLength` to 0 until a media playlist shows the stream is VOD, then to
 * {@link UNSTARTED_BUFFER_SECONDS} (one segment; hls.js reads the key at each tick). The first
 * `play` event
 * releases all of it: the held source loads, loading starts, the configured goal comes back.
 * Keys the page set itself (`autoStartLoad`, `maxMaxBufferLength` in `config`) are left alone.
 * Autoplaying and playing elements are not held. Must run before `attachMedia()`, and the caller
 * attaches media before `loadSource()` (as every plugin does) for `none` to hold the manifest.
 */
export function followStartupLoad(
  hls: HlsInstanceLike,
  config: Readonly<Record<string, unknown>>,
): void {
  const controls = hls as unknown as HlsStartupControls;
  const settings = controls.config;
  const configured = {
    autoStartLoad: settings.autoStartLoad,
    maxMaxBufferLength: settings.maxMaxBufferLength,
  };
  const pageSetStart = config.autoStartLoad !== undefined;
  const pageSetGoal = config.maxMaxBufferLength !== undefined;
  const loadSource = controls.loadSource.bind(controls);
  let heldUrl: string | undefined;
  let holding = false;
  let stopWaiting: (() => void) | undefined;

  // Set while the goal is ours (until the first play).
  let capping = false;

  const release = (): void => {
    stopWaiting = undefined;
    if (capping) {
      capping = false;
      settings.maxMaxBufferLength = configured.maxMaxBufferLength;
    }
    const wasStopped = settings.autoStartLoad !== configured.autoStartLoad;
    settings.autoStartLoad = configured.autoStartLoad;
    if (holding) {
      holding = false;
      const url = heldUrl;
      heldUrl = undefined;
      if (url !== undefined) loadSource(url);
    } else if (wasStopped && controls.levels.length > 0) {
      // The manifest is in: loading would have started at its arrival.
      controls.startLoad();
    }
  };

  controls.loadSource = (url: string): void => {
    if (holding) heldUrl = url;
    else loadSource(url);
  };

  hls.on(HLS_MEDIA_ATTACHING, (_event: string, data: { media?: HTMLMediaElement }) => {
    stopWaiting?.();
    stopWaiting = undefined;
    // A source held for the previous element's first play: held again under the new element's
    // plan, or loaded now (else it would never load).
    const pendingUrl = holding ? heldUrl : undefined;
    heldUrl = undefined;
    const loadPending = (): void => {
      if (pendingUrl !== undefined) loadSource(pendingUrl);
    };
    holding = false;
    capping = false;
    settings.autoStartLoad = configured.autoStartLoad;
    settings.maxMaxBufferLength = configured.maxMaxBufferLength;
    const media = data.media;
    if (media === undefined) {
      loadPending();
      return;
    }
    const plan = startupLoadPlan(mediaStartState(media));
    if (plan.unstartedBufferSeconds === undefined) {
      loadPending();
      return;
    }
    if (!pageSetStart) {
      holding = !plan.loadManifest;
      if (!plan.loadMedia) settings.autoStartLoad = false;
    }
    if (holding) heldUrl = pendingUrl;
    else loadPending();
    if (!pageSetGoal && configured.maxMaxBufferLength > plan.unstartedBufferSeconds) {
      // Nothing until a media playlist says whether the stream is live (see HLS_LEVEL_LOADED).
      capping = true;
      settings.maxMaxBufferLength = 0;
    }
    stopWaiting = onFirstPlay(media, release);
  });
  hls.on(HLS_LEVEL_LOADED, (_event: string, data: { details?: { live?: boolean } }) => {
    if (!capping) return;
    // A live stream stays at 0: a segment buffered now is behind the live edge at play time.
    settings.maxMaxBufferLength = data.details?.live === false ? UNSTARTED_BUFFER_SECONDS : 0;
  });
  hls.on(HLS_DESTROYING, () => {
    stopWaiting?.();
    stopWaiting = undefined;
    holding = false;
    capping = false;
    heldUrl = undefined;
  });
}

/**
 * The session's hookup for `source`, or undefined once the operator destroyed the P2P handle (the
 * player then goes on with plain hls.js over HTTP).
 * @throws P2PMediaLoaderError for anything else the session refuses.
 */
export function prepareHlsUnlessDestroyed(
  session: P2PPlayerSession,
  source: PlayerSource,
): HlsHookup | undefined {
  try {
    return session.prepareHls(source);
  } catch (error) {
    if (error instanceof P2PMediaLoaderError && error.code === 'destroyed') return undefined;
    throw error;
  }
}

/**
 * Creates an hls.js instance for `source` with the session's engine plugged in (unless
 * `withEngine` is false or the P2P handle was destroyed) and binds it. The caller attaches media
 * and then loads the source; until the media first plays, the instance honours its `preload`
 * (see {@link followStartupLoad}; `honourPreload: false` turns that off).
 */
export function createHlsPlayer<H extends HlsInstanceLike>(
  session: P2PPlayerSession,
  Hls: new (config: Record<string, unknown>) => H,
  source: PlayerSource,
  options: HlsPlayerOptions = {},
): H {
  const hookup =
    options.withEngine === false ? undefined : prepareHlsUnlessDestroyed(session, source);
  const pageConfig = { ...session.options.hlsConfig, ...options.config };
  const hls = new Hls({ ...pageConfig, ...hookup?.loaders });
  if (options.honourPreload !== false) followStartupLoad(hls, pageConfig);
  hookup?.bind(hls);
  return hls;
}
