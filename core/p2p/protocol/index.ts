/** The peer wire protocol: message types, encoder, decoder and map splitting. Pure, no I/O. */
export * from './messages.js';
export * from './segment-id-ranges.js';
export { encodeDataChunk, encodeMessage, maxChunkPayloadBytes } from './encode.js';
export { decodeMessage, isProtocolError } from './decode.js';
export { splitMapDelta, splitSegmentMap } from './split-map.js';
