/**
 * HttpLoader against the project's origin over real HTTP with Node's fetch: what it asks for, what
 * it accepts, and the bytes it returns. Failure handling is in http-loader-failures.test.ts.
 */
import type { HttpRequestContext, HttpRequestInit } from '../../../core/engine/config.js';
import { P2PMediaLoaderError } from '../../../core/errors.js';
import {
  chunkCounter,
  expectSameBytes,
  startOriginFixture,
  TOKEN_HEADER,
  TOKEN_VALUE,
  trackLoaderTimers,
  type OriginFixture,
} from './origin-fixture.js';

const SEGMENT = 'hls-ts/360p/seg_001.ts';
const BYTERANGE_FILE = 'hls-byterange/360p/media.ts';

let fixture: OriginFixture;
let timers: ReturnType<typeof trackLoaderTimers>;

beforeAll(async () => {
  fixture = await startOriginFixture();
});

afterAll(async () => {
  await fixture.stop();
});

beforeEach(() => {
  fixture.origin.counters.reset();
  timers = trackLoaderTimers();
});

afterEach(() => {
  fixture.origin.faults.clear();
  timers.stop();
  expect(timers.pending()).toBe(0);
});

describe('HttpLoader (real HTTP)', () => {
  it('downloads a whole segment with one request; onChunk sees every byte the origin sent', async () => {
    const chunks = chunkCounter();
    const response = await fixture
      .loader()
      .load({ segment: fixture.segment(SEGMENT), streamKey: 'v360', onChunk: chunks.onChunk });

    const file = fixture.fileBytes(SEGMENT);
    expectSameBytes(response.data, file);
    expect(response.attempts).toBe(1);
    expect(response.startMs).toBeLessThanOrEqual(response.firstByteMs);
    expect(response.firstByteMs).toBeLessThanOrEqual(response.endMs);

    await fixture.origin.counters.settled();
    const requests = fixture.origin.counters.requests();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.rangeHeader).toBeUndefined();
    expect(chunks.total).toBe(requests[0]?.bytesSent);
    expect(chunks.total).toBe(file.byteLength);
  });

  it('fetches a segment byte range with a Range header and returns exactly those bytes', async () => {
    const byteRange = { start: 1_000_003, end: 1_240_007 };
    const response = await fixture.loader().load({
      segment: fixture.segment(BYTERANGE_FILE, { byteRange }),
      streamKey: 'v360',
    });

    const expected = fixture.fileBytes(BYTERANGE_FILE).slice(byteRange.start, byteRange.end);
    expectSameBytes(response.data, expected);
    expect(response.data.buffer.byteLength).toBe(byteRange.end - byteRange.start);
    const [request] = fixture.origin.counters.requests();
    expect(request?.rangeHeader).toBe('bytes=1000003-1240006');
    expect(request?.status).toBe(206);
  });

  it('fetches the sub-range the request names instead of the segment’s own range', async () => {
    const segment = fixture.segment(BYTERANGE_FILE, { byteRange: { start: 0, end: 200_000 } });
    const response = await fixture.loader().load({
      segment,
      streamKey: 'v360',
      byteRange: { start: 150_000, end: 200_000 },
    });
    expectSameBytes(response.data, fixture.fileBytes(BYTERANGE_FILE).slice(150_000, 200_000));
    expect(fixture.origin.counters.requests()[0]?.rangeHeader).toBe('bytes=150000-199999');
  });

  it('fetches from a byte to the end of the resource, whose length only the origin tells', async () => {
    const file = fixture.fileBytes(SEGMENT);
    const seen: HttpRequestContext[] = [];
    const response = await fixture
      .loader({
        httpRequestHook: (init, context) => {
          seen.push(context);
          return init;
        },
      })
      .load({ segment: fixture.segment(SEGMENT), streamKey: 'v360', fromByte: 100_000 });
    expectSameBytes(response.data, file.slice(100_000));
    expect(response.resourceBytes).toBe(file.byteLength);
    expect(fixture.origin.counters.requests()[0]?.rangeHeader).toBe('bytes=100000-');
    expect(seen[0]?.fromByte).toBe(100_000);
    expect(seen[0]?.byteRange).toBeUndefined();
  });

  it('reports the resource length of a plain whole-file answer', async () => {
    const response = await fixture
      .loader()
      .load({ segment: fixture.segment(SEGMENT), streamKey: 'v360' });
    expect(response.resourceBytes).toBe(fixture.fileBytes(SEGMENT).byteLength);
  });

  it('fails an open-ended request that starts past the end of the resource', async () => {
    const size = fixture.fileBytes(SEGMENT).byteLength;
    const error = await fixture
      .loader({ httpRetries: 0 })
      .load({ segment: fixture.segment(SEGMENT), streamKey: 'v360', fromByte: size + 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(P2PMediaLoaderError);
    expect(['http-status', 'http-invalid-response']).toContain((error as P2PMediaLoaderError).code);
  });

  it('loads a non-segment resource through the hook with its purpose, within a size limit', async () => {
    const purposes: (string | undefined)[] = [];
    const loader = fixture.loader({
      httpRequestHook: (init, context) => {
        purposes.push(context.purpose);
        return init;
      },
    });
    const url = fixture.segment(SEGMENT).url;
    const bytes = await loader.loadResource(
      url,
      'integrity',
      new AbortController().signal,
      10_000_000,
    );
    expectSameBytes(bytes, fixture.fileBytes(SEGMENT));
    expect(purposes).toEqual(['integrity']);
    const error = await loader
      .loadResource(url, 'integrity', new AbortController().signal, 1000)
      .catch((e: unknown) => e);
    expect((error as P2PMediaLoaderError).code).toBe('http-invalid-response');
  });

  it('slices the range out of a 200 answer when the server ignores Range', async () => {
    const byteRange = { start: 50_000, end: 90_000 };
    const chunks = chunkCounter();
    const response = await fixture.loader().load({
      segment: fixture.segment(SEGMENT, { prefix: 'whole', byteRange }),
      streamKey: 'v360',
      onChunk: chunks.onChunk,
    });
    expectSameBytes(response.data, fixture.fileBytes(SEGMENT).slice(50_000, 90_000));
    // Bytes past the range end are not waited for, but whatever arrived was counted.
    expect(chunks.total).toBeGreaterThanOrEqual(90_000);
  });

  it('rejects a 206 whose Content-Range is not the requested range, without retrying', async () => {
    const error = await fixture
      .loader()
      .load({
        segment: fixture.segment(SEGMENT, {
          prefix: 'wrong-range',
          byteRange: { start: 100, end: 200 },
        }),
        streamKey: 'v360',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(P2PMediaLoaderError);
    expect((error as P2PMediaLoaderError).code).toBe('http-invalid-response');
    expect((error as P2PMediaLoaderError).message).toContain('/wrong-range/hls-ts/360p/seg_001.ts');
    expect(fixture.origin.counters.requests()).toHaveLength(1);
  });

  it('rejects a range that runs past the end of the resource', async () => {
    const size = fixture.fileBytes(SEGMENT).byteLength;
    const error = await fixture
      .loader()
      .load({
        segment: fixture.segment(SEGMENT, { byteRange: { start: size - 10, end: size + 10 } }),
        streamKey: 'v360',
      })
      .catch((e: unknown) => e);
    expect((error as P2PMediaLoaderError).code).toBe('http-invalid-response');
  });

  it('sends the request the hook returns (async): rewritten URL, added header, engine Range kept', async () => {
    const seen: { init: HttpRequestInit; context: HttpRequestContext }[] = [];
    const loader = fixture.loader({
      httpRequestHook: async (init, context) => {
        seen.push({ init: { ...init, headers: { ...init.headers } }, context });
        await Promise.resolve();
        return {
          url: init.url.replace('/vod/', '/signed/'),
          headers: { ...init.headers, [TOKEN_HEADER]: TOKEN_VALUE, range: 'bytes=0-0' },
          credentials: 'include',
        };
      },
    });
    const byteRange = { start: 10_000, end: 20_000 };
    const segment = fixture.segment(SEGMENT, { byteRange });
    const response = await loader.load({ segment, streamKey: 'v360' });

    expectSameBytes(response.data, fixture.fileBytes(SEGMENT).slice(10_000, 20_000));
    expect(seen).toEqual([
      {
        init: { url: segment.url, headers: {}, credentials: 'same-origin' },
        context: { segment, streamKey: 'v360', byteRange, purpose: 'segment' },
      },
    ]);
    expect(fixture.signedRequestHeaders.at(-1)?.[TOKEN_HEADER]).toBe(TOKEN_VALUE);
    const [request] = fixture.origin.counters.requests();
    expect(request?.path).toBe('/signed/hls-ts/360p/seg_001.ts');
    expect(request?.rangeHeader).toBe('bytes=10000-19999');
  });

  it('drops a Range header added by the hook when the whole resource is wanted', async () => {
    const loader = fixture.loader({
      httpRequestHook: (init) => ({
        ...init,
        url: init.url.replace('/vod/', '/signed/'),
        headers: { [TOKEN_HEADER]: TOKEN_VALUE, Range: 'bytes=0-99' },
      }),
    });
    const response = await loader.load({ segment: fixture.segment(SEGMENT), streamKey: 'v360' });
    expectSameBytes(response.data, fixture.fileBytes(SEGMENT));
    expect(fixture.origin.counters.requests()[0]?.rangeHeader).toBeUndefined();
  });

  it('fails with http-network and sends nothing when the hook throws', async () => {
    const loader = fixture.loader({
      httpRequestHook: () => {
        throw new Error('token service down');
      },
    });
    const error = await loader
      .load({ segment: fixture.segment(SEGMENT), streamKey: 'v360' })
      .catch((e: unknown) => e);
    expect((error as P2PMediaLoaderError).code).toBe('http-network');
    expect((error as P2PMediaLoaderError).message).toMatch(/token service down/);
    expect(fixture.origin.counters.requests()).toHaveLength(0);
  });
});
