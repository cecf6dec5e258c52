/**
 * `p2p-media-loader`: the player-agnostic engine. Adapters (`p2p-media-loader/hlsjs`,
 * `p2p-media-loader/shaka`) connect it to a streaming engine; most users need only an adapter.
 */
export { Engine } from './engine/engine.js';
export type {
  SegmentEngine,
  LoadSegmentOptions,
  LoadedSegment,
  DeliveryTimings,
} from './engine/engine-api.js';
export {
  DEFAULT_ENGINE_CONFIG,
  PUBLIC_STUN_SERVERS,
  PUBLIC_TRACKERS,
  type EngineConfig,
  type HttpRequestContext,
  type HttpRequestHook,
  type HttpRequestInit,
  type HttpRequestPurpose,
  type IntegrityConfig,
  type IntegrityPolicy,
} from './engine/config.js';
export type { DeliveryVerification } from './scheduler/segment-delivery.js';
export type { MainThreadLevel, MainThreadLoad } from './engine/main-thread-lag.js';
export { resolveEngineConfig } from './engine/resolve-config.js';
export { swarmIdFor } from './engine/swarm-id.js';
export { P2PMediaLoaderError, isAbortError, type ErrorCode } from './errors.js';
export type { EngineEventMap, SegmentRef } from './events/engine-events.js';
export { TypedEmitter, type EventMap, type Listener } from './events/typed-emitter.js';
export type {
  ByteRange,
  PlaybackState,
  Segment,
  SegmentId,
  SegmentSource,
  StreamDescriptor,
  StreamKind,
  StreamUpdate,
  TransferSource,
} from './model/segment.js';
export type { BytesByPath, EngineStats } from './model/stats.js';
export type { ConnectionPath } from './p2p/peer/connection-path.js';
export type { TrackerFleet, TrackerList } from './p2p/signalling/tracker-fleet.js';
