/**
 * HttpLoader failure handling against the project's origin and its fault injection, over real HTTP
 * with Node's fetch: retries and backoff, statuses that must not be retried, idle timeouts, resuming
 * a body that stalled, and aborts. Every test also checks that no loader timer is left behind.
 */
import { createServer } from 'node:net';
import { P2PMediaLoaderError } from '../../../core/errors.js';
import { HttpLoader } from '../../../core/http/http-loader.js';
import {
  chunkCounter,
  expectSameBytes,
  startOriginFixture,
  trackLoaderTimers,
  type OriginFixture,
} from './origin-fixture.js';

const SEGMENT = 'hls-ts/360p/seg_002.ts';
const SEGMENT_PATTERN = 'seg_002\\.ts$';
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
  timers.stop();
  fixture.origin.faults.clear();
  expect(timers.pending()).toBe(0);
});

/** The load's rejection, which must be a P2PMediaLoaderError. */
async function failureOf(promise: Promise<unknown>): Promise<P2PMediaLoaderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof P2PMediaLoaderError)) {
    throw new Error(`expected a P2PMediaLoaderError, got ${String(error)}`);
  }
  return error;
}

describe('HttpLoader retries (real HTTP)', () => {
  it('retries 503s with exponential backoff, then succeeds', async () => {
    fixture.origin.faults.add({ pathPattern: SEGMENT_PATTERN, status: 503, times: 2 });
    const response = await fixture
      .loader({ httpRetries: 3, httpRetryDelayMs: 50 })
      .load({ segment: fixture.segment(SEGMENT), streamKey: 'v360' });

    expectSameBytes(response.data, fixture.fileBytes(SEGMENT));
    expect(response.attempts).toBe(3);
    const requests = fixture.origin.counters.requests();
    expect(requests.map((r) => r.status)).toEqual([503, 503, 200]);
    // Waits of 50 ms then 100 ms, each -20 % at worst (1 ms slack for the ms clock).
    const [first, second, third] = requests;
    expect((second?.startedAtMs ?? 0) - (first?.endedAtMs ?? 0)).toBeGreaterThanOrEqual(39);
    expect((third?.startedAtMs ?? 0) - (second?.endedAtMs ?? 0)).toBeGreaterThanOrEqual(79);
  });

  it('gives up after httpRetries retries with http-status naming the URL and status', async () => {
    fixture.origin.faults.add({ pathPattern: SEGMENT_PATTERN, status: 500, times: 10 });
    const segment = fixture.segment(SEGMENT);
    const error = await failureOf(
      fixture.loader({ httpRetries: 2, httpRetryDelayMs: 5 }).load({ segment, streamKey: 'v360' }),
    );
    expect(error.code).toBe('http-status');
    expect(error.status).toBe(500);
    expect(error.message).toContain(segment.url);
    expect(error.message).toContain('after 3 attempts');
    expect(fixture.origin.counters.requests()).toHaveLength(3);
  });

  it('does not retry a 404', async () => {
    const segment = fixture.segment('hls-ts/360p/missing.ts');
    const error = await failureOf(fixture.loader().load({ segment, streamKey: 'v360' }));
    expect(error.code).toBe('http-status');
    expect(error.status).toBe(404);
    expect(error.message).toContain(segment.url);
    expect(fixture.origin.counters.requests()).toHaveLength(1);
  });

  it('does not retry a 403', async () => {
    const segment = fixture.segment(SEGMENT, { prefix: 'signed' }); // no token header
    const error = await failureOf(fixture.loader().load({ segment, streamKey: 'v360' }));
    expect(error.status).toBe(403);
    expect(fixture.origin.counters.requests()).toHaveLength(1);
  });

  it('honours a short Retry-After on 429', async () => {
    const response = await fixture
      .loader({ httpRetryDelayMs: 10 })
      .load({ segment: fixture.segment(SEGMENT, { prefix: 'busy' }), streamKey: 'v360' });
    expectSameBytes(response.data, fixture.fileBytes(SEGMENT));
    const [first, second] = fixture.origin.counters.requests();
    expect(first?.status).toBe(429);
    expect((second?.startedAtMs ?? 0) - (first?.endedAtMs ?? 0)).toBeGreaterThanOrEqual(999);
  });

  it('fails with http-network when nothing listens, after retrying', async () => {
    const port = await closedPort();
    const segment = { id: 1, url: `http://127.0.0.1:${port}/seg.ts`, startTime: 0, endTime: 2 };
    const error = await failureOf(
      fixture.loader({ httpRetries: 1, httpRetryDelayMs: 5 }).load({ segment, streamKey: 'v' }),
    );
    expect(error.code).toBe('http-network');
    expect(error.message).toContain(segment.url);
    expect(error.message).toContain('after 2 attempts');
  });
});

describe('HttpLoader idle timeout and resume (real HTTP)', () => {
  it('times out an attempt whose headers do not come within httpIdleTimeoutMs', async () => {
    fixture.origin.faults.add({ pathPattern: SEGMENT_PATTERN, delayMs: 5000 });
    const segment = fixture.segment(SEGMENT);
    const started = performance.now();
    const error = await failureOf(
      fixture.loader({ httpRetries: 0, httpIdleTimeoutMs: 300 }).load({ segment, streamKey: 'v' }),
    );
    expect(error.code).toBe('http-timeout');
    expect(error.message).toContain(segment.url);
    expect(performance.now() - started).toBeLessThan(3000);
    // The origin saw the client give up.
    expect(await fixture.origin.counters.settled({}, 2000)).toBe(true);
  });

  it('retries after an idle timeout and succeeds', async () => {
    fixture.origin.faults.add({ pathPattern: SEGMENT_PATTERN, delayMs: 5000 });
    const response = await fixture
      .loader({ httpRetries: 1, httpRetryDelayMs: 5, httpIdleTimeoutMs: 300 })
      .load({ segment: fixture.segment(SEGMENT), streamKey: 'v' });
    expect(response.attempts).toBe(2);
    expectSameBytes(response.data, fixture.fileBytes(SEGMENT));
  });

  it('resumes a whole segment that stalled mid-body by asking only for the missing bytes', async () => {
    fixture.origin.faults.add({ pathPattern: SEGMENT_PATTERN, stallAfterBytes: 100_000 });
    const chunks = chunkCounter();
    const file = fixture.fileBytes(SEGMENT);
    const response = await fixture
      .loader({ httpRetries: 2, httpRetryDelayMs: 5, httpIdleTimeoutMs: 300 })
      .load({ segment: fixture.segment(SEGMENT), streamKey: 'v', onChunk: chunks.onChunk });

    expectSameBytes(response.data, file);
    expect(response.attempts).toBe(2);
    await fixture.origin.counters.settled();
    const [first, second] = fixture.origin.counters.requests();
    expect(first?.bytesSent).toBe(100_000);
    expect(second?.rangeHeader).toBe(`bytes=100000-${file.byteLength - 1}`);
    expect(second?.status).toBe(206);
    expect(chunks.total).toBe((first?.bytesSent ?? 0) + (second?.bytesSent ?? 0));
    expect(chunks.total).toBe(file.byteLength);
  });

  it('resumes a stalled byte-range request with the rest of the range', async () => {
    fixture.origin.faults.add({ pathPattern: 'media\\.ts$', stallAfterBytes: 70_000 });
    const byteRange = { start: 2_000_000, end: 2_300_000 };
    const response = await fixture
      .loader({ httpRetries: 1, httpRetryDelayMs: 5, httpIdleTimeoutMs: 300 })
      .load({ segment: fixture.segment(BYTERANGE_FILE, { byteRange }), streamKey: 'v' });

    expectSameBytes(response.data, fixture.fileBytes(BYTERANGE_FILE).slice(2_000_000, 2_300_000));
    const ranges = fixture.origin.counters.requests().map((r) => r.rangeHeader);
    expect(ranges).toEqual(['bytes=2000000-2299999', 'bytes=2070000-2299999']);
  });
});

describe('HttpLoader abort (real HTTP)', () => {
  it('rejects at once with aborted when the signal aborts during the body, and closes the transfer', async () => {
    fixture.origin.faults.add({ pathPattern: SEGMENT_PATTERN, stallAfterBytes: 20_000 });
    const controller = new AbortController();
    let timersDuringLoad = 0;
    const started = performance.now();
    const error = await failureOf(
      fixture.loader({ httpIdleTimeoutMs: 10_000 }).load({
        segment: fixture.segment(SEGMENT),
        streamKey: 'v',
        signal: controller.signal,
        onChunk: () => {
          timersDuringLoad = timers.pending();
          controller.abort();
        },
      }),
    );
    expect(error.code).toBe('aborted');
    expect(error.message).toContain('/vod/hls-ts/360p/seg_002.ts');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(timersDuringLoad).toBe(1); // the idle timer, which must be gone now (afterEach)
    expect(await fixture.origin.counters.settled({}, 2000)).toBe(true);
    expect(fixture.origin.counters.requests()[0]?.aborted).toBe(true);
  });

  it('rejects at once with aborted when the signal aborts during the backoff wait', async () => {
    fixture.origin.faults.add({ pathPattern: SEGMENT_PATTERN, status: 503 });
    const controller = new AbortController();
    let timersInBackoff = -1;
    // Real fetch, observed: abort shortly after the 503 arrived, while the 5 s backoff runs.
    const observingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      setTimeout(() => {
        timersInBackoff = timers.pending();
        controller.abort();
      }, 30);
      return response;
    };
    const loader = new HttpLoader(
      {
        httpRetries: 3,
        httpRetryDelayMs: 5000,
        httpIdleTimeoutMs: 2000,
        httpRequestHook: undefined,
      },
      observingFetch,
    );
    const started = performance.now();
    const error = await failureOf(
      loader.load({ segment: fixture.segment(SEGMENT), streamKey: 'v', signal: controller.signal }),
    );
    expect(error.code).toBe('aborted');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(timersInBackoff).toBe(1); // the backoff timer, cleared by the abort (afterEach)
    expect(fixture.origin.counters.requests()).toHaveLength(1);
  });

  it('rejects with aborted before any request when the signal is already aborted', async () => {
    const error = await failureOf(
      fixture.loader().load({
        segment: fixture.segment(SEGMENT),
        streamKey: 'v',
        signal: AbortSignal.abort(),
      }),
    );
    expect(error.code).toBe('aborted');
    expect(fixture.origin.counters.requests()).toHaveLength(0);
  });

  it('fails with the chunk callback’s own error, without retrying', async () => {
    const callbackError = new Error('consumer broke');
    const error = await fixture
      .loader()
      .load({
        segment: fixture.segment(SEGMENT),
        streamKey: 'v',
        onChunk: () => {
          throw callbackError;
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBe(callbackError);
    expect(await fixture.origin.counters.settled({}, 2000)).toBe(true);
    expect(fixture.origin.counters.requests()).toHaveLength(1);
  });
});

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
