/**
 * Each per-peer limit of peer-limits.ts attacked by a scripted remote over an in-memory channel:
 * the connection must refuse, cut or bound what the peer sends, and report `peer-protocol` where the
 * peer broke the protocol.
 */
import { PeerConnection } from '../../../../core/p2p/peer/peer-connection.js';
import type { PeerConnectionOptions } from '../../../../core/p2p/peer/peer-connection-options.js';
import {
  MAP_MESSAGE_BURST,
  MAP_MESSAGES_PER_SECOND,
  MAP_RANGE_BURST,
  MAX_BYTES_AFTER_CANCEL,
  MAX_REMOTE_MAP_IDS,
  MAX_REMOTE_MAP_RANGES,
  REQUEST_BURST,
  REQUEST_FLOOD_FACTOR,
} from '../../../../core/p2p/peer/peer-limits.js';
import { PeerRequestError } from '../../../../core/p2p/peer/peer-request-error.js';
import {
  DEFAULT_DECODE_LIMITS,
  decodeMessage,
  encodeMessage,
  type PeerMessage,
} from '../../../../core/p2p/protocol/index.js';
import { MAX_RANGE_END } from '../../../../core/p2p/protocol/segment-id-ranges.js';
import { memoryChannelPair } from './memory-channel.js';
import { nextEvent, turns } from './peer-harness.js';

const HELLO: PeerMessage = {
  type: 'hello',
  protocolVersion: 1,
  uploadDisabled: false,
  maxMessageBytes: 65536,
};

/** A ready PeerConnection facing a scripted remote that sends raw messages; the clock is ours. */
function scriptedPeer(options: Partial<PeerConnectionOptions> = {}) {
  const clock = { nowMs: 0 };
  const [local, remote] = memoryChannelPair({ maxMessageSize: 65536 }, { maxMessageSize: 65536 });
  const connection = new PeerConnection(local, {
    peerId: 'scripted',
    localPeerId: 'local',
    getLocalMap: () => ({ have: [], fetching: [] }),
    maxMessageBytes: 65536,
    now: () => clock.nowMs,
    ...options,
  });
  const received: PeerMessage[] = [];
  remote.onMessage((bytes) => received.push(decodeMessage(bytes, DEFAULT_DECODE_LIMITS)));
  const send = (message: PeerMessage): void => {
    if (!remote.closed) remote.send(encodeMessage(message));
  };
  const errors: string[] = [];
  connection.on('error', (error) => errors.push(`${error.code}: ${error.message}`));
  send(HELLO);
  return { connection, received, send, clock, errors };
}

/** `count` one-id ranges two ids apart, starting at `first`. */
function scattered(first: number, count: number) {
  return Array.from({ length: count }, (_, index) => ({
    start: first + index * 2,
    end: first + index * 2 + 1,
  }));
}

function added(ranges: { start: number; end: number }[]): PeerMessage {
  return { type: 'map-delta', added: ranges, removed: [], fetchStarted: [], fetchEnded: [] };
}

async function rejection(promise: Promise<unknown>): Promise<PeerRequestError> {
  try {
    await promise;
  } catch (error) {
    return error as PeerRequestError;
  }
  throw new Error('the promise resolved');
}

describe('per-peer map limits', () => {
  it('refuses a map claiming every segment id, [1, 2^53)', async () => {
    const peer = scriptedPeer();
    peer.send({ type: 'segment-map', have: [{ start: 1, end: MAX_RANGE_END }], fetching: [] });
    const { reason } = await nextEvent(peer.connection, 'close');
    expect(reason?.code).toBe('peer-protocol');
    expect(reason?.message).toMatch(/claims 9007199254740991 segments, more than the 65536/);
    expect(peer.connection.remoteHas(5)).toBe(false);
  });

  it('refuses a map claiming one id more than MAX_REMOTE_MAP_IDS, across both lists', async () => {
    const peer = scriptedPeer();
    peer.send({
      type: 'segment-map',
      have: [{ start: 0, end: MAX_REMOTE_MAP_IDS / 2 }],
      fetching: [{ start: 1e9, end: 1e9 + MAX_REMOTE_MAP_IDS / 2 }],
    });
    await turns(3);
    expect(peer.connection.state).toBe('ready');
    peer.send(added([{ start: 2e9, end: 2e9 + 1 }]));
    const { reason } = await nextEvent(peer.connection, 'close');
    expect(reason?.message).toMatch(/claims 65537 segments/);
  });

  it('refuses a map of more than MAX_REMOTE_MAP_RANGES ranges, the 60k-range attack stops early', async () => {
    const peer = scriptedPeer();
    let accepted = 0;
    peer.connection.on('remote-map', () => accepted++);
    const closed = nextEvent(peer.connection, 'close');
    for (let message = 0; message < 60; message++) {
      peer.send(added(scattered(message * 2048, 1024)));
    }
    const { reason } = await closed;
    expect(reason?.message).toMatch(/map holds more than 4096 ranges/);
    expect(accepted).toBe(MAX_REMOTE_MAP_RANGES / 1024);
  });

  it('refuses map messages beyond the burst, and accepts them again at the sustained rate', async () => {
    const peer = scriptedPeer();
    for (let index = 0; index < MAP_MESSAGE_BURST; index++) {
      peer.send(added([{ start: index * 2, end: index * 2 + 1 }]));
    }
    await turns(5);
    expect(peer.connection.state).toBe('ready');
    peer.clock.nowMs += 1000; // a second's worth of tokens
    for (let index = 0; index < MAP_MESSAGES_PER_SECOND; index++) {
      peer.send(added([{ start: 1000 + index * 2, end: 1001 + index * 2 }]));
    }
    await turns(5);
    expect(peer.connection.state).toBe('ready');
    peer.send(added([{ start: 5000, end: 5001 }]));
    const { reason } = await nextEvent(peer.connection, 'close');
    expect(reason?.message).toMatch(/more than 200 map messages at once or 50 per second/);
  });

  it('refuses map messages carrying more ranges than the range rate, even when the map stays small', async () => {
    const peer = scriptedPeer();
    const ranges = scattered(0, 1024);
    const removeAll: PeerMessage = {
      type: 'map-delta',
      added: [],
      removed: ranges,
      fetchStarted: [],
      fetchEnded: [],
    };
    // Add and remove the same 1024 ranges: 8 messages use the whole burst of 8192 ranges.
    for (let round = 0; round < MAP_RANGE_BURST / 2048; round++) {
      peer.send(added(ranges));
      peer.send(removeAll);
    }
    await turns(5);
    expect(peer.connection.state).toBe('ready');
    peer.send(added(ranges));
    const { reason } = await nextEvent(peer.connection, 'close');
    expect(reason?.message).toMatch(/carry more than 8192 ranges at once or 2048 per second/);
  });
});

describe('per-peer request limits', () => {
  it('answers busy beyond the request rate without asking the swarm, and closes on a flood', async () => {
    const peer = scriptedPeer();
    let offered = 0;
    peer.connection.on('upload-request', (request) => {
      offered++;
      request.absent('not-found');
    });
    for (let id = 0; id < REQUEST_BURST + 10; id++) {
      peer.send({ type: 'request', requestId: id, segmentId: 1, byteOffset: 0 });
    }
    await turns(5);
    expect(offered).toBe(REQUEST_BURST);
    const busy = peer.received.filter((m) => m.type === 'absent' && m.reason === 'busy');
    expect(busy).toHaveLength(10);
    expect(peer.connection.state).toBe('ready');
    for (let id = 1000; id < 1000 + REQUEST_BURST * REQUEST_FLOOD_FACTOR; id++) {
      peer.send({ type: 'request', requestId: id, segmentId: 1, byteOffset: 0 });
    }
    const { reason } = await nextEvent(peer.connection, 'close');
    expect(reason?.message).toMatch(/REQUEST flood: more than 80 requests per second/);
  });
});

describe('per-request limits', () => {
  it('cancels a request whose DATA_START announces more than maxTotalBytes (oversized)', async () => {
    const peer = scriptedPeer();
    const request = rejection(peer.connection.request(1, { maxTotalBytes: 1_000_000 }));
    peer.send({ type: 'data-start', requestId: 0, totalBytes: 20 * 1024 * 1024, byteOffset: 0 });
    const error = await request;
    expect(error.reason).toBe('oversized');
    expect(error.message).toMatch(/announced 20971520 bytes, above the 1000000/);
    await turns(3);
    expect(peer.received.some((m) => m.type === 'cancel' && m.requestId === 0)).toBe(true);
    expect(peer.connection.state).toBe('ready');
  });

  it('closes when DATA_START announces more than the absolute cap (64 MiB by default)', async () => {
    const peer = scriptedPeer();
    const request = rejection(peer.connection.request(1));
    peer.send({
      type: 'data-start',
      requestId: 0,
      totalBytes: 64 * 1024 * 1024 + 1,
      byteOffset: 0,
    });
    expect((await request).reason).toBe('closed');
    expect(peer.errors[0]).toMatch(/peer-protocol: .*exceeds the limit of 67108864/);
  });

  it('drops late chunks of a cancelled request uncounted, and closes past MAX_BYTES_AFTER_CANCEL', async () => {
    const peer = scriptedPeer();
    let late = 0;
    peer.connection.on('abandoned-bytes-downloaded', ({ bytes }) => (late += bytes));
    const controller = new AbortController();
    const request = rejection(peer.connection.request(1, { signal: controller.signal }));
    controller.abort();
    expect((await request).reason).toBe('aborted');
    const chunk = new Uint8Array(60_000);
    const chunks = Math.ceil(MAX_BYTES_AFTER_CANCEL / chunk.length) + 1;
    const closed = nextEvent(peer.connection, 'close');
    for (let index = 0; index < chunks; index++) {
      peer.send({ type: 'data-chunk', requestId: 0, payload: chunk });
    }
    const { reason } = await closed;
    expect(reason?.message).toMatch(/DATA_CHUNK for cancelled request 0 goes beyond/);
    expect(late).toBeLessThanOrEqual(MAX_BYTES_AFTER_CANCEL);
    expect(peer.connection.downloadedBytes).toBe(0);
  });

  it('bounds late chunks of a cancelled request by the size its DATA_START announced', async () => {
    const peer = scriptedPeer();
    const controller = new AbortController();
    const request = rejection(peer.connection.request(1, { signal: controller.signal }));
    controller.abort();
    await request;
    peer.send({ type: 'data-start', requestId: 0, totalBytes: 10, byteOffset: 0 });
    peer.send({ type: 'data-chunk', requestId: 0, payload: new Uint8Array(10) });
    await turns(3);
    expect(peer.connection.state).toBe('ready');
    peer.send({ type: 'data-chunk', requestId: 0, payload: new Uint8Array(1) });
    const { reason } = await nextEvent(peer.connection, 'close');
    expect(reason?.code).toBe('peer-protocol');
  });

  it('cuts a 1 byte per 10 ms drip after one rate window (too-slow), long before the idle timeout', async () => {
    const peer = scriptedPeer({
      now: () => performance.now(),
      transferRateWindowMs: 100,
      minTransferBytesPerSecond: 1000,
      requestIdleTimeoutMs: 5000,
    });
    const startedMs = performance.now();
    const request = rejection(peer.connection.request(1));
    peer.send({ type: 'data-start', requestId: 0, totalBytes: 100_000, byteOffset: 0 });
    const drip = setInterval(() => {
      peer.send({ type: 'data-chunk', requestId: 0, payload: Uint8Array.of(1) });
    }, 10);
    try {
      const error = await request;
      expect(error.reason).toBe('too-slow');
      expect(error.message).toMatch(/bytes in 100 ms, below 1000 bytes\/s/);
      expect(performance.now() - startedMs).toBeLessThan(1000);
    } finally {
      clearInterval(drip);
    }
  });

  it('lets a transfer at the minimum rate finish, and cuts any request at maxRequestDurationMs', async () => {
    const peer = scriptedPeer({
      now: () => performance.now(),
      transferRateWindowMs: 200,
      minTransferBytesPerSecond: 1000,
      maxRequestDurationMs: 400,
    });
    // 400 bytes per 10 ms = 40 kB/s: far above the minimum (200 bytes per window), so one late
    // timer on a loaded machine cannot make it look slow; 1 MB would take ~25 s, past the limit.
    const request = rejection(peer.connection.request(1));
    peer.send({ type: 'data-start', requestId: 0, totalBytes: 1_000_000, byteOffset: 0 });
    const drip = setInterval(() => {
      peer.send({ type: 'data-chunk', requestId: 0, payload: new Uint8Array(400) });
    }, 10);
    try {
      const error = await request;
      expect(error.reason).toBe('too-slow');
      expect(error.message).toMatch(/did not finish within 400 ms/);
    } finally {
      clearInterval(drip);
    }
    // A quick transfer completes normally.
    const quick = peer.connection.request(2);
    await turns(2);
    peer.send({ type: 'data-start', requestId: 1, totalBytes: 3, byteOffset: 0 });
    peer.send({ type: 'data-chunk', requestId: 1, payload: Uint8Array.of(1, 2, 3) });
    expect((await quick).data).toEqual(Uint8Array.of(1, 2, 3));
  });
});
