/**
 * P2P for the current Flowplayer (`@flowplayer/player` 3.x). Its HLS plugin creates the hls.js
 * instance itself (its own bundled copy, or `window.Hls` when the page has one), with its own
 * failover fragment and playlist loaders, and announces it with `hls:attached` one task later.
 * The plugin then chains our loaders in front of Flowplayer's (config loaders are read at each load,
 * and Flowplayer starts fragment loading only after the manifest is parsed: `autoStartLoad` off)
 * and binds the instance. DASH (Flowplayer's dash.js plugin) plays without P2P.
 */
import {
  createPlayerSession,
  createStatsOverlay,
  detectEnvironment,
  P2PMediaLoaderError,
  validatePluginOptions,
  type PlayerSource,
  overlayOptionsFrom,
  playerHandleOf,
} from '../shared/index.js';
import {
  FlowplayerEvent,
  type FlowplayerConfigLike,
  type FlowplayerHlsAttachedDetail,
  type FlowplayerHlsLike,
  type FlowplayerPlayerLike,
  type FlowplayerSourceLike,
  type FlowplayerStatic,
} from './flowplayer3-types.js';
import { chainLoader } from './loader-chain.js';
import { majorVersionOf, sessionOptionsOf } from './plugin-options.js';

/**
 * The Flowplayer 3 plugin: register it with `flowplayer(HLS, FlowplayerP2P)` (bundlers) or load
 * the UMD bundle after Flowplayer's scripts (it registers itself). Every player then gets P2P for
 * HLS sources unless its config says `p2p: false`, and exposes the handle as `player.p2p`.
 */
export class FlowplayerP2P {
  /** Flowplayer's unique plugin name. */
  static readonly pluginName = 'p2p';

  /** Flowplayer calls this once per player, before the first source is set. */
  init(config: FlowplayerConfigLike, root: HTMLElement, player: FlowplayerPlayerLike): void {
    attachPlayer(config, root, player);
  }
}

/**
 * Registers {@link FlowplayerP2P} with a Flowplayer 3 global (players created afterwards get it).
 *
 * @param flowplayer - the `flowplayer` function of `@flowplayer/player`
 */
export function installFlowplayer(flowplayer: FlowplayerStatic): void {
  if (flowplayer.extensions?.includes(FlowplayerP2P)) return;
  flowplayer(FlowplayerP2P);
}

/** True when `value` looks like Flowplayer 3's global (a function with a 3.x `version`). */
export function isFlowplayer3(value: unknown): value is FlowplayerStatic {
  return typeof value === 'function' && majorVersionOf(value) === '3';
}

function attachPlayer(
  config: FlowplayerConfigLike,
  root: HTMLElement,
  player: FlowplayerPlayerLike,
): void {
  const options = sessionOptionsOf(config.p2p);
  if (options === undefined) return;
  const session = createPlayerSession(options, {
    player: 'flowplayer',
    // Flowplayer's HLS plugin brings hls.js (no page global needed), and DASH goes to its dash.js
    // plugin, never to Shaka: the choice must say so.
    environment: {
      ...detectEnvironment(validatePluginOptions(options).options),
      hlsjs: true,
      shaka: false,
    },
  });
  createStatsOverlay(root, session, overlayOptionsFrom(session.options.overlay));
  if (session.options.hlsConfig !== undefined) {
    // Reported on the next task like the session's own option problems, after listeners exist.
    setTimeout(() => {
      session.reportError(
        new P2PMediaLoaderError(
          'config-invalid',
          'p2p.hlsConfig is not used with Flowplayer 3: set hls.js options in its `hls` key',
        ),
        false,
      );
    }, 0);
  }

  const listeners = new AbortController();
  const { signal } = listeners;
  // The HLS source playing now (set by `src`), and the hls.js instance carrying our loaders for it.
  // Kept for the whole source, not just until the first instance: Flowplayer may replace its hls.js
  // instance for the same source (error recovery), and the new one needs our loaders too.
  let hlsSource: PlayerSource | undefined;
  let boundHls: FlowplayerHlsLike | undefined;

  player.addEventListener(
    FlowplayerEvent.SRC,
    (event) => {
      session.endSource();
      boundHls = undefined;
      const source = sourceOf((event as CustomEvent<FlowplayerSourceLike | undefined>).detail);
      hlsSource = source && session.chooseFor(source).kind === 'hlsjs' ? source : undefined;
    },
    { signal },
  );
  player.addEventListener(
    FlowplayerEvent.HLS_ATTACHED,
    (event) => {
      const { hls } = (event as CustomEvent<FlowplayerHlsAttachedDetail>).detail;
      if (hlsSource === undefined || hls === boundHls) return;
      boundHls = hls;
      // Flowplayer built this instance with its own failover loaders in these slots; ours go in
      // front of them. hls.js reads the slots at every load, so assigning them now is enough.
      const { loaders, bind } = session.prepareHls(hlsSource);
      hls.config.fLoader = chainLoader(loaders.fLoader, hls.config.fLoader);
      hls.config.pLoader = chainLoader(loaders.pLoader, hls.config.pLoader);
      bind(hls);
      session.watchMedia(player);
    },
    { signal },
  );
  player.addEventListener(
    FlowplayerEvent.REAP,
    () => {
      release();
    },
    { signal },
  );

  const release = (): void => {
    listeners.abort();
    session.destroy();
  };
  player.p2p = playerHandleOf(session, release);
}

function sourceOf(detail: FlowplayerSourceLike | undefined): PlayerSource | undefined {
  if (!detail || typeof detail.src !== 'string' || detail.src === '') return undefined;
  return typeof detail.type === 'string' && detail.type !== ''
    ? { src: detail.src, type: detail.type }
    : { src: detail.src };
}
