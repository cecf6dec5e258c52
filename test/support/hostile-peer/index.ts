/**
 * A hostile peer for tests and the bench: real WebRTC, real tracker, the library's own wire codec,
 * and bytes that lie (see hostile-peer.ts).
 */
export {
  startHostilePeer,
  type HostilePeer,
  type HostilePeerOptions,
  type HostilePeerReport,
} from './hostile-peer.js';
export {
  OVERSIZED_MAP_RANGES,
  PLAUSIBLE_CLAIM,
  type HostileBehaviour,
  type HostileSessionRecord,
} from './hostile-session.js';
export {
  OriginSegmentSource,
  dashRepresentations,
  fetchSegmentBytes,
  hlsPlaylists,
  type SegmentReader,
} from './origin-segments.js';
export { tamperSegment, type TamperedSegment } from './segment-tamper.js';
export {
  HASH_MANIFEST_FILE,
  PUBLIC_KEY_FILE,
  readPublicKey,
  trustedHashesConfig,
  type TrustedHashesConfig,
} from './trusted-hashes.js';
