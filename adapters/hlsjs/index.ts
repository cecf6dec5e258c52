/**
 * `p2p-media-loader/hlsjs`: P2P segment delivery for hls.js 1.x.
 *
 * hls.js itself is not imported at runtime: pass your `Hls` class (or a player's copy) to
 * {@link HlsJsP2PEngine.injectMixin}, or merge {@link HlsJsP2PEngine.getConfig} into its config.
 */
export { HlsJsP2PEngine, type HlsJsP2PConfig, type HlsJsP2PLoaders } from './hlsjs-p2p-engine.js';
export type { HlsWithP2PClass, HlsWithP2PConfig, HlsWithP2PInstance } from './hls-mixin.js';
export type { HlsClassLike, HlsInstanceLike } from './hlsjs-types.js';
export type {
  SegmentEngine,
  LoadedSegment,
  DeliveryTimings,
} from '../../core/engine/engine-api.js';
export type { EngineConfig } from '../../core/engine/config.js';
export type { EngineStats } from '../../core/model/stats.js';
export type { EngineEventMap } from '../../core/events/engine-events.js';
export { P2PMediaLoaderError, type ErrorCode } from '../../core/errors.js';
