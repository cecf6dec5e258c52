import { PeerRequestError } from '../../../../core/p2p/peer/peer-request-error.js';
import type { UploadRequest } from '../../../../core/p2p/peer/served-requests.js';
import { decodeMessage, DEFAULT_DECODE_LIMITS } from '../../../../core/p2p/protocol/index.js';
import type { MemoryChannel } from './memory-channel.js';
import {
  nextEvent,
  readyPair,
  sameBytes,
  segmentBytes,
  serveSegments,
  turns,
} from './peer-harness.js';

/** Request ids of the DATA_CHUNK messages `channel` sent, in order. */
function chunkRequestIds(channel: MemoryChannel): number[] {
  return channel.sentMessages
    .map((bytes) => decodeMessage(bytes, DEFAULT_DECODE_LIMITS))
    .flatMap((message) => (message.type === 'data-chunk' ? [message.requestId] : []));
}

async function rejection(promise: Promise<unknown>): Promise<PeerRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PeerRequestError) return error;
    throw error;
  }
  throw new Error('the request resolved');
}

describe('PeerConnection segment transfer', () => {
  it('serves several requests in flight at once, taking turns between them', async () => {
    // A small buffer and a slow link: the sender's turn order, not the buffer, decides the order.
    const { a, b } = await readyPair(
      {},
      { bufferedAmountHighWaterBytes: 16 * 1024, channel: { bytesPerTurn: 16 * 1024 } },
    );
    const segments = new Map([100, 101, 102].map((id) => [id, segmentBytes(100_000 + id, id)]));
    serveSegments(b, segments);
    const downloads = [100, 101, 102].map((id) => a.connection.request(id));
    expect(a.connection.inFlightRequestCount).toBe(3);
    expect(a.connection.isRequesting(101)).toBe(true);
    const results = await Promise.all(downloads);
    results.forEach((result, index) => {
      const id = 100 + index;
      expect(sameBytes(result.data, segments.get(id))).toBe(true);
      expect(result.totalBytes).toBe(100_000 + id);
      expect(result.byteOffset).toBe(0);
      expect(result.digest).toBeUndefined();
    });
    expect(a.connection.inFlightRequestCount).toBe(0);
    // Round robin: once all three are being sent, chunks alternate between them.
    const ids = chunkRequestIds(b.channel);
    const firstOfThird = ids.findIndex((id) => id === ids.at(-1));
    expect(new Set(ids.slice(firstOfThird, firstOfThird + 6)).size).toBe(3);
  });

  it('resumes from a byte offset, reports progress, and passes the digest through', async () => {
    const { a, b } = await readyPair();
    const data = segmentBytes(50_000, 7);
    const digest = Uint8Array.from({ length: 32 }, (_, i) => i);
    b.connection.on('upload-request', (request) => {
      request.respond(data, digest);
    });
    const progress: [number, number][] = [];
    const result = await a.connection.request(7, {
      byteOffset: 12_345,
      onChunk: (_chunk, loaded, total) => {
        progress.push([loaded, total]);
      },
    });
    expect(sameBytes(result.data, data.subarray(12_345))).toBe(true);
    expect(result.byteOffset).toBe(12_345);
    expect(result.totalBytes).toBe(50_000);
    expect(result.digest).toEqual(digest);
    expect(progress.at(-1)).toEqual([50_000 - 12_345, 50_000]);
    expect(progress.map(([loaded]) => loaded)).toEqual(
      [...progress.map(([loaded]) => loaded)].sort((x, y) => x - y),
    );
  });

  it('answers an offset equal to the size with no bytes, and one beyond it with ABSENT', async () => {
    const { a, b } = await readyPair();
    serveSegments(b, new Map([[1, segmentBytes(1000, 1)]]));
    const empty = await a.connection.request(1, { byteOffset: 1000 });
    expect(empty.data.length).toBe(0);
    expect(empty.totalBytes).toBe(1000);
    const error = await rejection(a.connection.request(1, { byteOffset: 1001 }));
    expect(error.reason).toBe('absent');
  });

  it('never sends a message larger than the smaller of the two limits', async () => {
    const { a, b } = await readyPair(
      { maxMessageBytes: 4096 },
      { maxMessageBytes: 65536, channel: { maxMessageSize: 65536 } },
    );
    const data = segmentBytes(300_000, 3);
    serveSegments(b, new Map([[3, data]]));
    expect(sameBytes((await a.connection.request(3)).data, data)).toBe(true);
    const sizes = b.channel.sentMessages.map((bytes) => bytes.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
    expect(Math.max(...sizes)).toBeGreaterThan(4096 - 8);
    expect(chunkRequestIds(b.channel).length).toBe(Math.ceil(300_000 / (4096 - 7)));
  });

  it('counts bytes both ways and emits upload-ended on completion', async () => {
    const { a, b } = await readyPair();
    serveSegments(b, new Map([[5, segmentBytes(40_000, 5)]]));
    let uploadedEvents = 0;
    let downloadedEvents = 0;
    b.connection.on('bytes-uploaded', ({ bytes }) => (uploadedEvents += bytes));
    a.connection.on('bytes-downloaded', ({ bytes }) => (downloadedEvents += bytes));
    const ended = nextEvent(b.connection, 'upload-ended');
    await a.connection.request(5);
    expect(await ended).toEqual({
      requestId: expect.any(Number) as number,
      segmentId: 5,
      completed: true,
    });
    expect(uploadedEvents).toBe(40_000);
    expect(b.connection.uploadedBytes).toBe(40_000);
    expect(downloadedEvents).toBe(40_000);
    expect(a.connection.downloadedBytes).toBe(40_000);
  });

  it('measures the peer throughput over busy time', async () => {
    let clockMs = 0;
    const { a, b } = await readyPair({ now: () => (clockMs += 50) });
    serveSegments(b, new Map([[1, segmentBytes(200_000, 1)]]));
    expect(a.connection.throughputBytesPerSecond).toBeUndefined();
    await a.connection.request(1);
    expect(a.connection.throughputBytesPerSecond).toBeGreaterThan(0);
  });
});

describe('PeerConnection back-pressure', () => {
  it('keeps the channel buffer under the high-water mark on a slow link', async () => {
    const highWater = 64 * 1024;
    const { a, b } = await readyPair(
      {},
      { bufferedAmountHighWaterBytes: highWater, channel: { bytesPerTurn: 16 * 1024 } },
    );
    const data = segmentBytes(1024 * 1024, 9);
    serveSegments(b, new Map([[9, data]]));
    expect(sameBytes((await a.connection.request(9)).data, data)).toBe(true);
    // Without back-pressure the whole megabyte would sit in the buffer at once.
    expect(b.channel.maxBufferedAmount).toBeLessThanOrEqual(highWater + 16 * 1024);
  });

  it('pauses while the link is stalled and resumes on buffered-amount-low', async () => {
    const highWater = 32 * 1024;
    // A drain poll of one minute: only the buffered-amount-low event can resume sending in time.
    const { a, b } = await readyPair(
      {},
      { bufferedAmountHighWaterBytes: highWater, drainPollMs: 60_000 },
    );
    const data = segmentBytes(512 * 1024, 4);
    serveSegments(b, new Map([[4, data]]));
    b.channel.stall();
    const download = a.connection.request(4);
    for (let turn = 0; turn < 100 && b.channel.bufferedAmount <= highWater; turn++) await turns(1);
    const sentWhileStalled = b.channel.sentMessages.length;
    await turns(20);
    expect(b.channel.sentMessages.length).toBe(sentWhileStalled);
    expect(b.connection.uploadedBytes).toBeLessThan(data.length / 4);
    b.channel.resume();
    expect(sameBytes((await download).data, data)).toBe(true);
  });

  it('resumes by polling when the channel low threshold sits above the high-water mark', async () => {
    const { a, b } = await readyPair(
      {},
      {
        bufferedAmountHighWaterBytes: 16 * 1024,
        drainPollMs: 5,
        channel: { lowThreshold: 1024 * 1024, bytesPerTurn: 16 * 1024 },
      },
    );
    const data = segmentBytes(256 * 1024, 2);
    serveSegments(b, new Map([[2, data]]));
    expect(sameBytes((await a.connection.request(2)).data, data)).toBe(true);
  });
});

describe('PeerConnection cancel and refusal', () => {
  it('stops the sender when the requester aborts mid-transfer', async () => {
    const { a, b } = await readyPair(
      {},
      { bufferedAmountHighWaterBytes: 32 * 1024, channel: { bytesPerTurn: 16 * 1024 } },
    );
    const data = segmentBytes(2 * 1024 * 1024, 8);
    serveSegments(
      b,
      new Map([
        [8, data],
        [9, segmentBytes(1000, 9)],
      ]),
    );
    const controller = new AbortController();
    const ended = nextEvent(b.connection, 'upload-ended');
    const download = a.connection.request(8, {
      signal: controller.signal,
      onChunk: () => {
        controller.abort();
      },
    });
    const error = await rejection(download);
    expect(error.reason).toBe('aborted');
    expect(error.code).toBe('aborted');
    expect(await ended).toMatchObject({ segmentId: 8, completed: false });
    const uploadedAtCancel = b.connection.uploadedBytes;
    expect(uploadedAtCancel).toBeLessThan(data.length / 4);
    // Chunks already on the wire are ignored; the connection stays usable.
    const next = await a.connection.request(9);
    expect(next.data.length).toBe(1000);
    expect(b.connection.uploadedBytes).toBe(uploadedAtCancel + 1000);
    expect(a.connection.state).toBe('ready');
  });

  it('aborts the upload request signal when the requester cancels before the answer', async () => {
    const { a, b } = await readyPair();
    const asked = nextEvent(b.connection, 'upload-request');
    const controller = new AbortController();
    const download = a.connection.request(1, { signal: controller.signal });
    const request: UploadRequest = await asked;
    const aborted = new Promise((resolve) => {
      request.signal.addEventListener('abort', resolve);
    });
    controller.abort();
    expect((await rejection(download)).reason).toBe('aborted');
    await aborted;
    request.respond(segmentBytes(10, 1)); // ignored: the peer no longer wants it
    await turns(5);
    expect(b.connection.uploadedBytes).toBe(0);
    expect(a.connection.state).toBe('ready');
  });

  it('rejects an already aborted signal without sending anything', async () => {
    const { a } = await readyPair();
    const sent = a.channel.sentMessages.length;
    const error = await rejection(a.connection.request(1, { signal: AbortSignal.abort() }));
    expect(error.reason).toBe('aborted');
    expect(a.channel.sentMessages.length).toBe(sent);
  });

  it('rejects with absent when the peer has no upload-request listener or says absent', async () => {
    const { a, b } = await readyPair();
    expect((await rejection(a.connection.request(1))).reason).toBe('absent');
    b.connection.on('upload-request', (request) => {
      request.absent();
    });
    const error = await rejection(a.connection.request(2));
    expect(error.reason).toBe('absent');
    expect(error.code).toBe('segment-unknown');
  });

  it('rejects with busy when the peer serves its maximum of concurrent uploads', async () => {
    const { a, b } = await readyPair({}, { maxConcurrentUploads: 1 });
    const pending: UploadRequest[] = [];
    b.connection.on('upload-request', (request) => pending.push(request));
    const first = a.connection.request(1);
    const second = rejection(a.connection.request(2));
    expect((await second).reason).toBe('busy');
    pending[0]?.respond(segmentBytes(10, 1));
    expect((await first).data.length).toBe(10);
  });

  it('answers ABSENT for every request when uploads are disabled', async () => {
    const { a, b } = await readyPair({}, { uploadDisabled: true });
    let offered = 0;
    b.connection.on('upload-request', () => offered++);
    expect(a.connection.remoteUploadDisabled).toBe(true);
    expect((await rejection(a.connection.request(1))).reason).toBe('absent');
    expect(offered).toBe(0);
  });

  it('rejects requests beyond maxInFlightRequests at once', async () => {
    const { a, b } = await readyPair({ maxInFlightRequests: 2 });
    b.connection.on('upload-request', () => undefined);
    void a.connection.request(1).catch(() => undefined);
    void a.connection.request(2).catch(() => undefined);
    expect((await rejection(a.connection.request(3))).reason).toBe('too-many-requests');
    a.connection.close();
  });

  it('rejects invalid ids and offsets with a RangeError', async () => {
    const { a } = await readyPair();
    await expect(a.connection.request(-1)).rejects.toThrow(RangeError);
    await expect(a.connection.request(1, { byteOffset: 1.5 })).rejects.toThrow(RangeError);
  });
});
