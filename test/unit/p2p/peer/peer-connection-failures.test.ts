import { P2PMediaLoaderError } from '../../../../core/errors.js';
import { PeerConnection } from '../../../../core/p2p/peer/peer-connection.js';
import type { PeerConnectionOptions } from '../../../../core/p2p/peer/peer-connection-options.js';
import { PeerRequestError } from '../../../../core/p2p/peer/peer-request-error.js';
import type { UploadRequest } from '../../../../core/p2p/peer/served-requests.js';
import {
  DEFAULT_DECODE_LIMITS,
  decodeMessage,
  encodeMessage,
  type PeerMessage,
} from '../../../../core/p2p/protocol/index.js';
import { memoryChannelPair } from './memory-channel.js';
import { connectPair, nextEvent, readyPair, segmentBytes, turns } from './peer-harness.js';

const HELLO: PeerMessage = {
  type: 'hello',
  protocolVersion: 1,
  uploadDisabled: false,
  maxMessageBytes: 16384,
};

/** A PeerConnection facing a scripted remote that sends raw messages. */
function scriptedPeer(options: Partial<PeerConnectionOptions> = {}) {
  const [local, remote] = memoryChannelPair({}, { maxMessageSize: 65536 });
  const connection = new PeerConnection(local, {
    peerId: 'scripted',
    localPeerId: 'local',
    getLocalMap: () => ({ have: [], fetching: [] }),
    ...options,
  });
  const received: PeerMessage[] = [];
  remote.onMessage((bytes) => received.push(decodeMessage(bytes, DEFAULT_DECODE_LIMITS)));
  const send = (message: PeerMessage | Uint8Array): void => {
    remote.send(message instanceof Uint8Array ? message : encodeMessage(message));
  };
  return { connection, remote, received, send };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the promise resolved');
}

interface ViolationCase {
  /** Messages the remote sends before the offending one (after its HELLO unless `noHello`). */
  readonly before?: readonly PeerMessage[];
  readonly noHello?: boolean;
  /** Have a request of ours (segment 1, offset 0, id 0) in flight first. */
  readonly withRequest?: boolean;
  readonly options?: Partial<PeerConnectionOptions>;
  readonly offending: PeerMessage | Uint8Array;
  readonly error: RegExp;
}

const violations: [string, ViolationCase][] = [
  [
    'garbage bytes',
    { offending: Uint8Array.of(0xff, 0x00), error: /unsupported protocol version 255/ },
  ],
  [
    'a map before HELLO',
    {
      noHello: true,
      offending: { type: 'segment-map', have: [], fetching: [] },
      error: /segment-map before HELLO/,
    },
  ],
  [
    'a request before HELLO',
    {
      noHello: true,
      offending: { type: 'request', requestId: 1, segmentId: 1, byteOffset: 0 },
      error: /request before HELLO/,
    },
  ],
  ['a second HELLO', { offending: HELLO, error: /second HELLO/ }],
  [
    'DATA_START for a request never made',
    {
      offending: { type: 'data-start', requestId: 5, totalBytes: 10, byteOffset: 0 },
      error: /DATA_START for request 5, which is not in flight/,
    },
  ],
  [
    'DATA_CHUNK for a request never made',
    {
      offending: { type: 'data-chunk', requestId: 5, payload: Uint8Array.of(1) },
      error: /DATA_CHUNK for request 5, which is not in flight/,
    },
  ],
  [
    'ABSENT for a request never made',
    {
      offending: { type: 'absent', requestId: 5, reason: 'busy' },
      error: /ABSENT for request 5, which is not in flight/,
    },
  ],
  [
    'DATA_CHUNK before DATA_START',
    {
      withRequest: true,
      offending: { type: 'data-chunk', requestId: 0, payload: Uint8Array.of(1) },
      error: /DATA_CHUNK before DATA_START for request 0/,
    },
  ],
  [
    'a second DATA_START',
    {
      withRequest: true,
      before: [{ type: 'data-start', requestId: 0, totalBytes: 10, byteOffset: 0 }],
      offending: { type: 'data-start', requestId: 0, totalBytes: 10, byteOffset: 0 },
      error: /second DATA_START for request 0/,
    },
  ],
  [
    'DATA_START at another offset',
    {
      withRequest: true,
      offending: { type: 'data-start', requestId: 0, totalBytes: 10, byteOffset: 3 },
      error: /byteOffset 3 differs from the requested 0/,
    },
  ],
  [
    'a chunk beyond the total size',
    {
      withRequest: true,
      before: [{ type: 'data-start', requestId: 0, totalBytes: 10, byteOffset: 0 }],
      offending: { type: 'data-chunk', requestId: 0, payload: new Uint8Array(11) },
      error: /goes beyond the total size 10 of request 0/,
    },
  ],
  [
    'a segment larger than maxSegmentBytes',
    {
      withRequest: true,
      options: { maxSegmentBytes: 1000 },
      offending: { type: 'data-start', requestId: 0, totalBytes: 1001, byteOffset: 0 },
      error: /totalBytes 1001 exceeds the limit of 1000/,
    },
  ],
  [
    'a REQUEST reusing an id still being served',
    {
      before: [{ type: 'request', requestId: 1, segmentId: 1, byteOffset: 0 }],
      offending: { type: 'request', requestId: 1, segmentId: 2, byteOffset: 0 },
      error: /reuses request id 1/,
    },
  ],
  [
    'a map beyond maxRemoteMapRanges',
    {
      options: { maxRemoteMapRanges: 2 },
      offending: {
        type: 'segment-map',
        have: [
          { start: 1, end: 2 },
          { start: 3, end: 4 },
        ],
        fetching: [{ start: 9, end: 10 }],
      },
      error: /map holds more than 2 ranges/,
    },
  ],
  [
    'a message above our announced limit',
    {
      options: { maxMessageBytes: 1024 },
      offending: { type: 'data-chunk', requestId: 0, payload: new Uint8Array(2000) },
      error: /message of 2003 bytes exceeds the limit of 1024 bytes/,
    },
  ],
];

describe('PeerConnection closes on protocol violations', () => {
  it.each(violations)('%s', async (_name, scenario) => {
    const peer = scriptedPeer(scenario.options);
    peer.connection.on('upload-request', () => undefined); // holds served requests open
    const errors: P2PMediaLoaderError[] = [];
    peer.connection.on('error', (error) => errors.push(error));
    const closed = nextEvent(peer.connection, 'close');
    if (scenario.noHello !== true) peer.send(HELLO);
    const request =
      scenario.withRequest === true ? rejection(peer.connection.request(1)) : undefined;
    for (const message of scenario.before ?? []) peer.send(message);
    await turns(3);
    expect(peer.connection.state).toBe(scenario.noHello === true ? 'handshaking' : 'ready');
    peer.send(scenario.offending);

    const { reason } = await closed;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(reason);
    expect(reason?.code).toBe('peer-protocol');
    expect(reason?.message).toMatch(scenario.error);
    expect(peer.connection.state).toBe('closed');
    expect(peer.remote.closed).toBe(true);
    if (request) {
      const error = await request;
      expect(error).toBeInstanceOf(PeerRequestError);
      expect((error as PeerRequestError).reason).toBe('closed');
      expect((error as PeerRequestError).cause).toBe(reason);
    }
  });

  it('ignores late answers to a request it cancelled and does not count their bytes as downloaded', async () => {
    const peer = scriptedPeer();
    peer.send(HELLO);
    let abandonedBytes = 0;
    let requestBytes = 0;
    peer.connection.on('abandoned-bytes-downloaded', ({ bytes }) => (abandonedBytes += bytes));
    peer.connection.on('bytes-downloaded', ({ bytes }) => (requestBytes += bytes));
    const controller = new AbortController();
    const request = rejection(peer.connection.request(1, { signal: controller.signal }));
    controller.abort();
    expect(((await request) as PeerRequestError).reason).toBe('aborted');
    peer.send({ type: 'data-start', requestId: 0, totalBytes: 2, byteOffset: 0 });
    peer.send({ type: 'data-chunk', requestId: 0, payload: Uint8Array.of(1, 2) });
    peer.send({ type: 'absent', requestId: 0, reason: 'busy' });
    await turns(5);
    expect(peer.connection.state).toBe('ready');
    expect({ abandonedBytes, requestBytes, total: peer.connection.downloadedBytes }).toEqual({
      abandonedBytes: 2,
      requestBytes: 0,
      total: 0,
    });
    // Our map goes out when the peer's HELLO arrives, after the synchronous REQUEST and CANCEL.
    expect(peer.received.map((message) => message.type)).toEqual([
      'hello',
      'request',
      'cancel',
      'segment-map',
    ]);
  });

  it('closes when the peer never says HELLO', async () => {
    const peer = scriptedPeer({ handshakeTimeoutMs: 30 });
    const { reason } = await nextEvent(peer.connection, 'close');
    expect(reason?.code).toBe('peer-protocol');
    expect(reason?.message).toMatch(/sent no HELLO within 30 ms/);
  });
});

describe('PeerConnection idle timeout', () => {
  it('rejects a request the peer never answers, cancels it and reports the timeout', async () => {
    const { a, b } = await readyPair({ requestIdleTimeoutMs: 50 });
    const asked = nextEvent(b.connection, 'upload-request');
    const timeout = nextEvent(a.connection, 'request-timeout');
    const error = (await rejection(a.connection.request(42))) as PeerRequestError;
    expect(error.reason).toBe('idle-timeout');
    expect(error.message).toMatch(/segment 42 to peer peer-b sent nothing for 50 ms/);
    expect(await timeout).toEqual({ requestId: expect.any(Number) as number, segmentId: 42 });
    const request: UploadRequest = await asked;
    if (!request.signal.aborted)
      await new Promise((resolve) => {
        request.signal.addEventListener('abort', resolve);
      });
    expect(request.signal.aborted).toBe(true);
    expect(a.connection.state).toBe('ready');
  });

  it('times out a transfer that stops mid-way; chunks arriving later are dropped, not counted', async () => {
    const peer = scriptedPeer({ requestIdleTimeoutMs: 40 });
    peer.send(HELLO);
    const request = rejection(peer.connection.request(1));
    peer.send({ type: 'data-start', requestId: 0, totalBytes: 10, byteOffset: 0 });
    peer.send({ type: 'data-chunk', requestId: 0, payload: new Uint8Array(4) });
    expect(((await request) as PeerRequestError).reason).toBe('idle-timeout');
    peer.send({ type: 'data-chunk', requestId: 0, payload: new Uint8Array(6) });
    await turns(5);
    expect(peer.connection.state).toBe('ready');
    // The late 6 bytes are dropped and not counted as downloaded.
    expect(peer.connection.downloadedBytes).toBe(4);
  });
});

describe('PeerConnection lifecycle', () => {
  it('rejects requests in flight when the remote closes, and new ones after', async () => {
    const { a, b } = await readyPair();
    b.connection.on('upload-request', () => undefined);
    const request = rejection(a.connection.request(1));
    const closed = nextEvent(a.connection, 'close');
    b.connection.close();
    expect(await closed).toEqual({});
    expect(((await request) as PeerRequestError).reason).toBe('closed');
    const late = (await rejection(a.connection.request(2))) as PeerRequestError;
    expect(late.reason).toBe('closed');
    expect(late.code).toBe('destroyed');
  });

  it('rejects with the error thrown by onChunk and cancels the request', async () => {
    // Slow link, small buffer: the upload is still being sent when the CANCEL arrives.
    const { a, b } = await readyPair(
      {},
      { bufferedAmountHighWaterBytes: 16 * 1024, channel: { bytesPerTurn: 16 * 1024 } },
    );
    const ended = nextEvent(b.connection, 'upload-ended');
    b.connection.on('upload-request', (request) => {
      request.respond(segmentBytes(100_000, 1));
    });
    const failure = new Error('player gone');
    const error = await rejection(
      a.connection.request(1, {
        onChunk: () => {
          throw failure;
        },
      }),
    );
    expect(error).toBe(failure);
    expect((await ended).completed).toBe(false);
    expect(b.connection.uploadedBytes).toBeLessThan(100_000);
    expect(a.connection.state).toBe('ready');
  });

  it('closes when the channel refuses a send', async () => {
    const { a } = await readyPair();
    a.channel.closed = true; // the channel died without a close event yet
    const closed = nextEvent(a.connection, 'close');
    a.connection.announce({ added: [1] });
    expect(await closed).toEqual({});
  });

  it('emits close once, however often it is closed', () => {
    const peer = scriptedPeer();
    let closes = 0;
    peer.connection.on('close', () => closes++);
    peer.connection.close();
    peer.connection.close();
    peer.connection.destroy();
    expect(closes).toBe(1);
    expect(peer.connection.state).toBe('closed');
  });
});

describe('PeerConnection leaves nothing running', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('clears the handshake timer when destroyed before the handshake', () => {
    const { a, b } = connectPair();
    expect(jest.getTimerCount()).toBe(2);
    a.connection.destroy();
    b.connection.destroy();
    expect(jest.getTimerCount()).toBe(0);
    expect(a.channel.listenerCount + b.channel.listenerCount).toBe(0);
  });

  it('clears idle timers and the paused sender poll on destroy, and releases the channel', async () => {
    const highWater = 16 * 1024;
    const { a, b } = await readyPair({}, { bufferedAmountHighWaterBytes: highWater });
    expect(jest.getTimerCount()).toBe(0);
    b.connection.on('upload-request', (request) => {
      request.respond(segmentBytes(1024 * 1024, 1));
    });
    b.channel.stall();
    const request = rejection(a.connection.request(1));
    for (let turn = 0; turn < 50 && b.channel.bufferedAmount <= highWater; turn++) await turns(1);
    // A's idle and transfer-rate timers for the request and B's drain poll while paused.
    expect(jest.getTimerCount()).toBe(3);
    const bClosed = nextEvent(b.connection, 'close');
    a.connection.destroy();
    expect(((await request) as PeerRequestError).reason).toBe('closed');
    await bClosed;
    expect(jest.getTimerCount()).toBe(0);
    expect(a.channel.listenerCount + b.channel.listenerCount).toBe(0);
  });
});

describe('PeerConnection options', () => {
  it('rejects out-of-range options with a RangeError naming them', () => {
    const [channel] = memoryChannelPair();
    const base = { peerId: 'x', localPeerId: 'y', getLocalMap: () => ({ have: [], fetching: [] }) };
    expect(() => new PeerConnection(channel, { ...base, maxMessageBytes: 512 })).toThrow(
      /maxMessageBytes/,
    );
    expect(() => new PeerConnection(channel, { ...base, requestIdleTimeoutMs: 0 })).toThrow(
      /requestIdleTimeoutMs/,
    );
    expect(() => new PeerConnection(channel, { ...base, maxInFlightRequests: 1.5 })).toThrow(
      RangeError,
    );
  });
});
