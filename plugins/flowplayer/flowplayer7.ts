/**
 * P2P for Flowplayer 7 (the `flowplayer` package, GPL line). Its hlsjs-lite engine creates one
 * hls.js instance per clip from `window.Hls`; the plugin gives each HLS clip our loaders through the
 * clip's own `hlsjs` config (merged last by the engine, so nothing of the page's `conf.hlsjs` is
 * touched) and binds the instance through the engine's extension hook, which runs before
 * `hls.loadSource()`.
 */
import {
  createPlayerSession,
  createStatsOverlay,
  type HlsHookup,
  type P2PPlayerSession,
  type PlayerSource,
  overlayOptionsFrom,
  playerHandleOf,
} from '../shared/index.js';
import type {
  Flowplayer7Api,
  Flowplayer7Engine,
  Flowplayer7HlsEngineParams,
  Flowplayer7Static,
  Flowplayer7Video,
} from './flowplayer7-types.js';
import { majorVersionOf, sessionOptionsOf } from './plugin-options.js';

/** Event namespace of every listener the plugin adds to a player (removed together on destroy). */
const NAMESPACE = 'p2p';
const HLS_ENGINE = 'hlsjs-lite';
/** Flowplayer 7's error code for a clip it cannot play (its `error` event, 1-based list). */
const UNSUPPORTED_VIDEO_ERROR = 5;

/** What the plugin keeps per player. */
interface PlayerBinding {
  readonly session: P2PPlayerSession;
  /** The hls.js clip the engine is about to create, announced by `load`; cleared once bound. */
  pendingHls: HlsHookup | undefined;
}

/** Bindings by player API; engine extensions are global, so they find their player's here. */
const bindings = new WeakMap<Flowplayer7Api, PlayerBinding>();
const installedOn = new WeakSet<Flowplayer7Static>();

/**
 * Installs the plugin into a Flowplayer 7 global: every player created afterwards gets P2P for its
 * HLS clips (unless its config says `p2p: false`) and exposes the handle as `api.p2p`. Installing
 * twice on the same global does nothing.
 *
 * @param flowplayer - Flowplayer 7's `flowplayer` function (the page global of script-tag builds)
 */
export function installFlowplayer7(flowplayer: Flowplayer7Static): void {
  if (installedOn.has(flowplayer)) return;
  installedOn.add(flowplayer);
  flowplayer((api, root) => {
    attachPlayer(api, root);
  });
  flowplayer.engine?.(HLS_ENGINE)?.plugin?.((params) => {
    hlsCreated(params);
  });
}

/** True when `value` looks like Flowplayer 7's global (a function with a 7.x `version`). */
export function isFlowplayer7(value: unknown): value is Flowplayer7Static {
  return typeof value === 'function' && majorVersionOf(value) === '7';
}

function attachPlayer(api: Flowplayer7Api, root: HTMLElement): void {
  const options = sessionOptionsOf(api.conf.p2p);
  if (options === undefined) return;
  const session = createPlayerSession(options, { player: 'flowplayer' });
  const binding: PlayerBinding = { session, pendingHls: undefined };
  bindings.set(api, binding);
  const ui = root.querySelector<HTMLElement>('.fp-player') ?? root;
  createStatsOverlay(ui, session, overlayOptionsFrom(session.options.overlay));

  session.on('error', ({ error, fatal }) => {
    // Only a source that cannot play is the player's business; P2P trouble falls back to HTTP.
    // Code 5 is Flowplayer 7's "Unsupported video": its error screen then shows our message.
    if (fatal)
      api.trigger('error', [api, { code: UNSUPPORTED_VIDEO_ERROR, message: error.message }]);
  });
  api.on(
    `load.${NAMESPACE}`,
    (_event: Event, _api: Flowplayer7Api, video: Flowplayer7Video, engine?: Flowplayer7Engine) => {
      clipLoading(binding, video, engine);
    },
  );
  api.on(`ready.${NAMESPACE}`, () => {
    // Fallback for engines without the extension hook: bind once the clip is ready.
    const { engine } = api;
    if (engine && engine.hls && binding.pendingHls) bind(binding, engine.hls, undefined);
  });
  api.on(`unload.${NAMESPACE}`, () => {
    binding.pendingHls = undefined;
    session.endSource();
  });
  api.on(`shutdown.${NAMESPACE}`, () => {
    release();
  });

  const release = (): void => {
    api.off(`.${NAMESPACE}`);
    bindings.delete(api);
    session.destroy();
  };
  api.p2p = playerHandleOf(session, release);
}

/**
 * A clip is about to load: HLS clips that hlsjs-lite will play get a fresh engine and our loaders
 * in the clip's hls.js config; anything else ends the previous clip's engine.
 */
function clipLoading(
  binding: PlayerBinding,
  video: Flowplayer7Video,
  engine: Flowplayer7Engine | undefined,
): void {
  const { session } = binding;
  binding.pendingHls = undefined;
  if (typeof video.src !== 'string') {
    session.endSource();
    return;
  }
  const source: PlayerSource =
    typeof video.type === 'string' ? { src: video.src, type: video.type } : { src: video.src };
  const choice = session.chooseFor(source);
  if (choice.kind !== 'hlsjs' || engine?.engineName !== HLS_ENGINE) {
    session.endSource();
    return;
  }
  const hookup = session.prepareHls(source);
  // Under the clip's own hls.js config; our loaders win, as the contract promises.
  video.hlsjs = { ...session.options.hlsConfig, ...video.hlsjs, ...hookup.loaders };
  binding.pendingHls = hookup;
}

/** The hlsjs-lite engine created an hls.js instance (before it loads anything). */
function hlsCreated(params: Flowplayer7HlsEngineParams): void {
  const binding = bindings.get(params.player);
  if (binding?.pendingHls === undefined) return;
  bind(binding, params.hls, params.videoTag);
}

function bind(
  binding: PlayerBinding,
  hls: NonNullable<Flowplayer7Engine['hls']>,
  media: HTMLMediaElement | undefined,
): void {
  const hookup = binding.pendingHls;
  binding.pendingHls = undefined;
  hookup?.bind(hls);
  const element = media ?? hls.media;
  if (element) binding.session.watchMedia(element);
}
