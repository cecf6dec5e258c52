/**
 * Virtual viewers: the real engine in Node driven by a model of hls.js or of Shaka Player
 * (docs/VIRTUAL-VIEWERS.md).
 * What the bench and the network lab import; the process entry is viewer-process.ts.
 */
export { VirtualViewer, type VirtualViewerOptions } from './virtual-viewer.js';
export {
  ShakaVirtualViewer,
  type ShakaDeliveredSegmentRecord,
  type ShakaRequestRecord,
  type ShakaViewerResult,
  type ShakaVirtualViewerOptions,
} from './shaka-viewer.js';
export type { PlayerModel } from './player-model.js';
export {
  ViewerGroup,
  summaryOf,
  type ProcessUsage,
  type ViewerGroupOptions,
  type ViewerProcessLine,
} from './viewer-group.js';
export {
  manifestUrlOf,
  parseViewerSpec,
  readSpecArgument,
  seededRandom,
  type ViewerSpec,
} from './viewer-spec.js';
export {
  startViewerProcess,
  VIEWER_PROCESS_ENTRY,
  type SpawnFunction,
  type ViewerProcessHandle,
} from './viewer-process-client.js';
export type { DeliveredSegmentRecord, RequestRecord, ViewerResult } from './viewer-result.js';
export { VirtualViewerError, type VirtualViewerErrorCode } from './viewer-error.js';
export { HLSJS_DEFAULTS, HLSJS_DEFAULTS_VERSION, bufferGoalSeconds } from './hlsjs-defaults.js';
export {
  SHAKA_CONSTANTS,
  SHAKA_DEFAULT_CONFIG,
  SHAKA_DEFAULTS_VERSION,
  resolveShakaConfig,
  type ShakaModelConfig,
} from './shaka-defaults.js';
export { parseMpd, type DashRepresentation, type MpdSnapshot } from './dash-manifest.js';
