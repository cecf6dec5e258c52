/**
 * `p2p-media-loader/shaka`: P2P segment delivery for Shaka Player 4.x and 5.x, DASH and HLS.
 *
 * Shaka itself is not imported: {@link attach} uses the `shaka` namespace passed in its options, or
 * the global one of script-tag builds.
 */
export { attach, type ShakaP2PHandle, type ShakaP2POptions } from './shaka-p2p.js';
export { SOURCE_HEADER } from './engine-request.js';
export type { ShakaNamespace, ShakaPlayerLike } from './shaka-types.js';
export type {
  SegmentEngine,
  LoadedSegment,
  DeliveryTimings,
} from '../../core/engine/engine-api.js';
export type { EngineConfig } from '../../core/engine/config.js';
export type { EngineStats } from '../../core/model/stats.js';
export type { EngineEventMap } from '../../core/events/engine-events.js';
export { P2PMediaLoaderError, type ErrorCode } from '../../core/errors.js';
