import { toLoadedSegment } from '../../../core/engine/loaded-segment.js';
import { asSegmentRequestError, P2PMediaLoaderError } from '../../../core/errors.js';

describe('toLoadedSegment', () => {
  it('hands out a private copy of the bytes, so a player detaching it cannot touch the store', () => {
    const stored = new Uint8Array([1, 2, 3, 4]);
    const loaded = toLoadedSegment(
      { data: stored, source: 'cache', contributors: [], firstByteMs: 10, transferStartMs: 10 },
      10,
      12,
    );
    new Uint8Array(loaded.data)[0] = 99;
    expect(Array.from(stored)).toEqual([1, 2, 3, 4]);
    expect(Array.from(new Uint8Array(loaded.data))).toEqual([99, 2, 3, 4]);
    expect(loaded).not.toHaveProperty('peerId');
  });

  it('clamps the timings of a download the request joined late into the request span', () => {
    const loaded = toLoadedSegment(
      {
        data: new Uint8Array(1),
        source: 'p2p',
        peerId: 'p1',
        contributors: ['p1'],
        firstByteMs: 40,
        transferStartMs: 30,
      },
      100,
      180,
    );
    expect(loaded.peerId).toBe('p1');
    expect(loaded.timings).toEqual({
      requestStartMs: 100,
      transferStartMs: 100,
      firstByteMs: 100,
      endMs: 180,
    });
  });
});

describe('asSegmentRequestError', () => {
  it('keeps our errors, maps aborts to aborted and anything else to http-network', () => {
    const own = new P2PMediaLoaderError('http-status', 'HTTP 503', { status: 503 });
    expect(asSegmentRequestError(own)).toBe(own);
    const abort = new DOMException('stop', 'AbortError');
    expect(asSegmentRequestError(abort)).toMatchObject({ code: 'aborted', cause: abort });
    const broken = new TypeError('Failed to fetch');
    expect(asSegmentRequestError(broken)).toMatchObject({
      code: 'http-network',
      message: 'Failed to fetch',
    });
    expect(asSegmentRequestError('odd')).toMatchObject({ code: 'http-network', message: 'odd' });
  });
});
