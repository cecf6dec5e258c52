/**
 * `p2p-media-loader/plugins` (UMD global `p2pml.plugins`): the layer every player plugin builds on.
 * A plugin creates one session per player with {@link createPlayerSession}, asks it how each source
 * plays ({@link P2PPlayerSession.chooseFor}), starts hls.js ({@link createHlsPlayer}, or the
 * session's `prepareHls` hookup) or Shaka ({@link startShakaPlayback}) through it, and mounts the
 * stats overlay with {@link createStatsOverlay}. The contract is in contract.ts.
 */
export type * from './contract.js';
export { createPlayerSession, type SessionDependencies } from './player-session.js';
export { playerHandleOf } from './player-handle.js';
export { validatePluginOptions, engineConfigOf } from './plugin-options.js';
export { chooseEngine } from './engine-choice.js';
export {
  createHlsPlayer,
  followStartupLoad,
  prepareHlsUnlessDestroyed,
  type HlsPlayerOptions,
} from './hls-start.js';
export {
  mediaStartState,
  onFirstPlay,
  preloadWishOf,
  startupLoadPlan,
  UNSTARTED_BUFFER_SECONDS,
  type MediaStartState,
  type PreloadWish,
  type StartupLoadPlan,
} from './startup-load.js';
export {
  attachEngineToShaka,
  capShakaGoalUntilPlay,
  createShakaPlayer,
  SHAKA_ERROR,
  shakaFailureOf,
  startShakaPlayback,
  type ShakaErrorFields,
  type ShakaFailure,
  type ShakaPlaybackHandle,
  type ShakaPlaybackOptions,
  type ShakaPlayer,
} from './shaka-start.js';
export { sourceKindOf } from './source-kind.js';
export { detectEnvironment, type PlaybackEnvironment } from './playback-environment.js';
export { DEFAULT_BEACON_INTERVAL_MS } from './stats-beacon.js';
export {
  createStatsOverlay,
  DEFAULT_TOGGLE_KEY,
  OVERLAY_CLASS,
  OVERLAY_EXTERNAL_TOGGLE_CLASS,
  OVERLAY_STAT_NAMES,
  overlayOptionsFrom,
  type OverlayStatName,
} from './stats-overlay/index.js';
export { P2PMediaLoaderError, type ErrorCode } from '../../core/errors.js';
