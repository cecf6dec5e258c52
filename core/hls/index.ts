/** HLS identity rules shared by the hls.js and Shaka adapters. */
export { hlsIndexStreamKey, hlsStreamKey } from './stream-key.js';
export { hlsSegment, isSegmentId, type HlsSegmentInput } from './segment.js';
