/** One peer connection: the protocol state machine over a data channel, and its adapters. */
export type { PeerChannel } from './peer-channel.js';
export {
  CONNECTION_PATHS,
  pathFromStats,
  readConnectionPath,
  type ConnectionPath,
  type StatsReportLike,
  type StatsSourceLike,
} from './connection-path.js';
export { simplePeerChannel, type SimplePeerLike } from './simple-peer-channel.js';
export { PeerConnection, type PeerConnectionState } from './peer-connection.js';
export type {
  LocalSegmentMap,
  LocalSegmentMapDelta,
  PeerConnectionEventMap,
  PeerConnectionOptions,
} from './peer-connection-options.js';
export type { PeerDownload, PeerRequestOptions } from './outgoing-requests.js';
export type { UploadRequest } from './served-requests.js';
export type { SegmentMapChange } from './remote-segment-map.js';
export { PeerRequestError, type PeerRequestFailure } from './peer-request-error.js';
export * from './peer-limits.js';
