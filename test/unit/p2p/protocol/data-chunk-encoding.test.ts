/**
 * The upload path's DATA_CHUNK encoder, which may write into a reused buffer, must produce exactly
 * the bytes of the general encoder, and refuse what the general encoder refuses.
 */
import {
  DEFAULT_DECODE_LIMITS,
  MAX_REQUEST_ID,
  decodeMessage,
  encodeDataChunk,
  encodeMessage,
} from '../../../../core/p2p/protocol/index.js';

function payloadOf(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

describe('encodeDataChunk', () => {
  it.each([
    [0, 1],
    [127, 16],
    [128, 1000],
    [16_383, 16_384],
    [16_384, 3],
    [MAX_REQUEST_ID, 65_536],
  ])('gives the bytes of encodeMessage for request %i with %i payload bytes', (id, length) => {
    const payload = payloadOf(length, id % 251);
    const expected = encodeMessage({ type: 'data-chunk', requestId: id, payload });
    expect(encodeDataChunk(id, payload)).toEqual(expected);
    const scratch = new Uint8Array(length + 16).fill(0xee);
    const inScratch = encodeDataChunk(id, payload, scratch);
    expect(inScratch).toEqual(expected);
    expect(inScratch.buffer).toBe(scratch.buffer);
    expect(decodeMessage(inScratch, DEFAULT_DECODE_LIMITS)).toEqual({
      type: 'data-chunk',
      requestId: id,
      payload,
    });
  });

  it('allocates its own buffer when the scratch buffer is too small', () => {
    const payload = payloadOf(100, 7);
    const scratch = new Uint8Array(50);
    const encoded = encodeDataChunk(9, payload, scratch);
    expect(encoded.buffer).not.toBe(scratch.buffer);
    expect(encoded).toEqual(encodeMessage({ type: 'data-chunk', requestId: 9, payload }));
  });

  it('refuses a request id outside u32 and an empty payload', () => {
    expect(() => encodeDataChunk(-1, payloadOf(4, 0))).toThrow(RangeError);
    expect(() => encodeDataChunk(MAX_REQUEST_ID + 1, payloadOf(4, 0))).toThrow(RangeError);
    expect(() => encodeDataChunk(1.5, payloadOf(4, 0))).toThrow(RangeError);
    expect(() => encodeDataChunk(1, new Uint8Array(0))).toThrow(RangeError);
  });
});
