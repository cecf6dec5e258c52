/**
 * Starting Shaka Player for a source, once for every plugin: resolving the `shaka` namespace,
 * installing its polyfills, creating the player, attaching it to the media element, plugging the
 * session's engine in before `load()` (the adapter names segments from the manifests it sees Shaka
 * download), and telling a real failure from Shaka's own interruptions. Plugins keep only what is
 * theirs: their player's lifecycle and UI (quality menus, audio tracks, error screens).
 *
 * Until 2026-12-07 each of the Video.js, JW Player, Clappr and MediaElement plugins did this itself
 * and the copies had drifted: interrupted loads were ignored as 7000/7001 in two, as 7000 in one
 * and not at all in Clappr, and polyfills were installed in two of four.
 */
import type { ShakaNamespace, ShakaPlayerLike } from '../../adapters/shaka/shaka-types.js';
import { P2PMediaLoaderError } from '../../core/errors.js';
import type { P2PPlayerSession, PlayerSource } from './contract.js';
import {
  mediaStartState,
  onFirstPlay,
  startupLoadPlan,
  type StartupLoadPlan,
} from './startup-load.js';

/** `shaka.Player` as the plugins drive it (members of Shaka 4 and 5). */
export interface ShakaPlayer extends ShakaPlayerLike {
  attach(media: HTMLMediaElement): Promise<void>;
  load(uri: string, startTime?: number): Promise<unknown>;
  unload(): Promise<void>;
  destroy(): Promise<void>;
  configure(config: object): boolean;
  /** The configuration in use (Shaka 2+); read for the buffering goal before the first play. */
  getConfiguration?(): { readonly streaming?: { readonly bufferingGoal?: number } };
}

/**
 * Until `media` first plays, holds `player`'s `streaming.bufferingGoal` to the plan's
 * `unstartedBufferSeconds` (one segment, as Video.js's VHS loads before play, instead of Shaka's
 * 10 s), unless the page configured a goal itself (`shakaConfig.streaming.bufferingGoal`) or the
 * goal is lower already; the first play restores it. Returns the function that stops waiting.
 */
export function capShakaGoalUntilPlay(
  player: ShakaPlayer,
  media: HTMLMediaElement,
  plan: StartupLoadPlan,
  pageConfig: Readonly<Record<string, unknown>> | undefined,
): () => void {
  const cap = plan.unstartedBufferSeconds;
  const streaming = pageConfig?.streaming as { bufferingGoal?: unknown } | undefined;
  const goal = player.getConfiguration?.().streaming?.bufferingGoal;
  if (cap === undefined || streaming?.bufferingGoal !== undefined || goal === undefined) {
    return () => undefined;
  }
  if (goal <= cap) return () => undefined;
  player.configure({ streaming: { bufferingGoal: cap } });
  return onFirstPlay(media, () => {
    player.configure({ streaming: { bufferingGoal: goal } });
  });
}

/** `shaka.util.Error` as far as plugins read it. */
export interface ShakaErrorFields {
  readonly severity?: number;
  readonly category?: number;
  readonly code?: number;
  readonly message?: string;
}

/** `shaka.util.Error` numbers used here (stable across Shaka 3-5). */
export const SHAKA_ERROR = {
  /** `Severity.CRITICAL`: playback cannot go on. Lower severities Shaka recovers from itself. */
  SEVERITY_CRITICAL: 2,
  CATEGORY_NETWORK: 1,
  CATEGORY_MEDIA: 3,
  /**
   * `LOAD_INTERRUPTED` (7000) and `OPERATION_ABORTED` (7001): a newer `load()`, `unload()` or
   * `destroy()` cancelled this operation. A source change, not a failure.
   */
  INTERRUPTIONS: [7000, 7001],
} as const;

/** A Shaka failure worth showing the viewer: what it was and Shaka's numbers. */
export interface ShakaFailure {
  /** A readable error (`Shaka Player error 1001: …`, or the thrown `Error` itself). */
  readonly error: Error;
  /** `shaka.util.Error` fields when Shaka raised it. */
  readonly shaka: ShakaErrorFields;
}

/**
 * What a rejected Shaka promise or the `detail` of its `error` event means for the viewer:
 * undefined for interruptions (a newer load or destroy cancelled it) and for errors Shaka
 * recovers from (severity below critical); a {@link ShakaFailure} otherwise.
 */
export function shakaFailureOf(reason: unknown): ShakaFailure | undefined {
  const fields: ShakaErrorFields = typeof reason === 'object' && reason !== null ? reason : {};
  const code = typeof fields.code === 'number' ? fields.code : undefined;
  if (code !== undefined && SHAKA_ERROR.INTERRUPTIONS.some((known) => known === code)) {
    return undefined;
  }
  if (typeof fields.severity === 'number' && fields.severity !== SHAKA_ERROR.SEVERITY_CRITICAL) {
    return undefined;
  }
  if (reason instanceof Error && code === undefined) return { error: reason, shaka: fields };
  const message = typeof fields.message === 'string' && fields.message !== '' ? fields.message : '';
  const described = code === undefined ? String(reason) : String(code);
  return {
    error: new Error(`Shaka Player error ${described}${message === '' ? '' : `: ${message}`}`),
    shaka: fields,
  };
}

/**
 * Creates a Shaka player from `shaka` (after installing Shaka's polyfills) and attaches it to
 * `media`.
 * @throws Error when `shaka` is undefined or has no `Player` class (Shaka's script is missing).
 */
export async function createShakaPlayer<P extends ShakaPlayer = ShakaPlayer>(
  shaka: ShakaNamespace | undefined,
  media: HTMLMediaElement,
  beforeAttach?: (player: P) => void,
): Promise<P> {
  // Only optional members are added: any namespace is one.
  const namespace:
    | (ShakaNamespace & {
        readonly Player?: new () => P;
        readonly polyfill?: { installAll?: () => void };
      })
    | undefined = shaka;
  if (namespace?.Player === undefined) {
    throw new Error(
      'Shaka Player is not available on this page: add its script (or the `shaka` / `loadShaka` option) before the plugin',
    );
  }
  namespace.polyfill?.installAll?.();
  const player = new namespace.Player();
  beforeAttach?.(player);
  await player.attach(media);
  return player;
}

/**
 * Plugs the session's engine into `player` before it loads `source`. False when the operator
 * destroyed the P2P handle: Shaka then plays the source alone over HTTP.
 * @throws P2PMediaLoaderError for anything else the session refuses.
 */
export function attachEngineToShaka(
  session: P2PPlayerSession,
  player: ShakaPlayerLike,
  source: PlayerSource,
): boolean {
  try {
    session.attachShaka(player, source);
    return true;
  } catch (error) {
    if (error instanceof P2PMediaLoaderError && error.code === 'destroyed') return false;
    throw error;
  }
}

/** Settings of {@link startShakaPlayback}. */
export interface ShakaPlaybackOptions<P extends ShakaPlayer> {
  /** The player's session; undefined plays plain Shaka (no P2P). */
  readonly session: P2PPlayerSession | undefined;
  readonly source: PlayerSource;
  /** The media element Shaka plays in. */
  readonly media: HTMLMediaElement;
  /**
   * Plug the session's engine in. Default: a session is given and its `enabled` option is not
   * false.
   */
  readonly withEngine?: boolean;
  /** Where Shaka comes from. Default: the session's {@link P2PPlayerSession.resolveShaka}, then the page's `shaka`. */
  readonly resolveShaka?: () => Promise<ShakaNamespace | undefined>;
  /** The player exists and is not attached yet: add the plugin's own listeners here. */
  readonly onPlayer?: (player: P) => void;
  /**
   * Shaka stopped playing this source: a critical `error` event, or a failed start. Not called for
   * interruptions, nor after {@link ShakaPlaybackHandle.destroy}; at most once.
   */
  readonly onFatal: (failure: ShakaFailure) => void;
  /** Start position, seconds (Shaka's `load(uri, startTime)`). */
  readonly startTime?: number;
  /**
   * Honour the media element's `preload` (see startup-load.ts): with `none` or `metadata` (and no
   * autoplay) `load()` waits for the element's first `play`, so an unstarted player downloads
   * nothing. `auto` needs no hold: Shaka's own goal (`bufferingGoal`, 10 s by default) is bounded.
   * Default true.
   */
  readonly honourPreload?: boolean;
}

/** A source being played by Shaka. */
export interface ShakaPlaybackHandle<P extends ShakaPlayer> {
  /**
   * Settles when the source loaded, waits for the first play (`preload` none/metadata), failed or
   * the playback was destroyed; never rejects.
   */
  readonly ready: Promise<void>;
  /** True once the source loaded. */
  readonly loaded: boolean;
  /** The Shaka player, once created (undefined after destroy()). */
  player(): P | undefined;
  /** Stops listening and destroys the Shaka player; nothing waits for it. Idempotent. */
  destroy(): void;
}

/** Starts Shaka for `source` on `media`, with the session's engine plugged in unless told not to. */
export function startShakaPlayback<P extends ShakaPlayer = ShakaPlayer>(
  options: ShakaPlaybackOptions<P>,
): ShakaPlaybackHandle<P> {
  const { session, source, media } = options;
  const withEngine =
    options.withEngine ?? (session !== undefined && session.options.enabled !== false);
  let player: P | undefined;
  let destroyed = false;
  let failed = false;
  let loaded = false;
  // A call, not the variable: destroy() may run during any await.
  const isDestroyed = (): boolean => destroyed;

  const fail = (reason: unknown): void => {
    if (destroyed || failed) return;
    const failure = shakaFailureOf(reason);
    if (failure === undefined) return;
    failed = true;
    try {
      options.onFatal(failure);
    } catch (error) {
      // The plugin's handler failing must not turn `ready` into a rejection nobody handles.
      console.warn('p2p-media-loader: the Shaka failure handler threw', error);
    }
  };
  const onError = (event: Event): void => {
    fail((event as Event & { detail?: unknown }).detail ?? {});
  };
  const resolveShaka =
    options.resolveShaka ??
    (async (): Promise<ShakaNamespace | undefined> =>
      (await session?.resolveShaka()) ?? (globalThis as { shaka?: ShakaNamespace }).shaka);

  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  // Set while the load waits for the first play; destroy() ends the wait.
  let endWait: (() => void) | undefined;
  // Stops holding the buffering goal down (see capShakaGoalUntilPlay).
  let stopGoalCap: () => void = () => undefined;
  const firstPlay = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const stop = onFirstPlay(media, () => {
        endWait = undefined;
        resolve();
      });
      endWait = () => {
        stop();
        endWait = undefined;
        resolve();
      };
    });

  void (async (): Promise<void> => {
    const shaka = await resolveShaka();
    if (isDestroyed()) return;
    const created = await createShakaPlayer<P>(shaka, media, (fresh) => {
      player = fresh;
      fresh.addEventListener('error', onError);
      options.onPlayer?.(fresh);
    });
    if (isDestroyed()) return;
    if (withEngine && session !== undefined) attachEngineToShaka(session, created, source);
    const plan = startupLoadPlan(mediaStartState(media));
    if (options.honourPreload !== false) {
      stopGoalCap = capShakaGoalUntilPlay(created, media, plan, session?.options.shakaConfig);
    }
    if (options.honourPreload !== false && !plan.loadMedia) {
      // Ready for play: what waits for `ready` (a player's load step) must not wait for a click.
      markReady();
      await firstPlay();
      if (isDestroyed()) return;
    }
    await created.load(source.src, options.startTime);
    loaded = !isDestroyed();
  })()
    .catch(fail)
    .finally(() => {
      markReady();
    });

  return {
    ready,
    get loaded() {
      return loaded;
    },
    player: () => (destroyed ? undefined : player),
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      endWait?.();
      stopGoalCap();
      if (player === undefined) return;
      player.removeEventListener('error', onError);
      // destroy() detaches from the media element; its failure leaves nothing to clean up here.
      player.destroy().catch((error: unknown) => {
        console.warn('p2p-media-loader: destroying Shaka Player failed', error);
      });
    },
  };
}
