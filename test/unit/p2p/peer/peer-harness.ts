/** Builds PeerConnections over in-memory channels, and small helpers to await their events. */
import { PeerConnection } from '../../../../core/p2p/peer/peer-connection.js';
import type {
  PeerConnectionEventMap,
  PeerConnectionOptions,
} from '../../../../core/p2p/peer/peer-connection-options.js';
import type { UploadRequest } from '../../../../core/p2p/peer/served-requests.js';
import { MemoryChannel, memoryChannelPair, type MemoryChannelOptions } from './memory-channel.js';

/** A mutable local map a test changes between announcements. */
export interface TestMap {
  have: Set<number>;
  fetching: Set<number>;
}

/** Options for one side of {@link connectPair}. */
export interface SideOptions extends Partial<PeerConnectionOptions> {
  /** Initial map of this side. */
  readonly map?: { have?: number[]; fetching?: number[] };
  /** Options of the channel end this side sends from. */
  readonly channel?: MemoryChannelOptions;
}

/** One side of a connected pair. */
export interface Side {
  readonly connection: PeerConnection;
  /** The channel end this side sends from. */
  readonly channel: MemoryChannel;
  readonly map: TestMap;
}

/** Creates two PeerConnections wired back to back (handshake not yet done). */
export function connectPair(a: SideOptions = {}, b: SideOptions = {}): { a: Side; b: Side } {
  const [channelA, channelB] = memoryChannelPair(a.channel, b.channel);
  return {
    a: makeSide('peer-a', 'peer-b', channelA, a),
    b: makeSide('peer-b', 'peer-a', channelB, b),
  };
}

function makeSide(
  localPeerId: string,
  peerId: string,
  channel: MemoryChannel,
  options: SideOptions,
): Side {
  const map: TestMap = {
    have: new Set(options.map?.have ?? []),
    fetching: new Set(options.map?.fetching ?? []),
  };
  const connection = new PeerConnection(channel, {
    peerId,
    localPeerId,
    getLocalMap: () => map,
    ...options,
  });
  return { connection, channel, map };
}

/** Creates a pair and waits until both handshakes completed. */
export async function readyPair(
  a: SideOptions = {},
  b: SideOptions = {},
): Promise<{ a: Side; b: Side }> {
  const pair = connectPair(a, b);
  await Promise.all([nextEvent(pair.a.connection, 'ready'), nextEvent(pair.b.connection, 'ready')]);
  await settled(pair);
  return pair;
}

/** Waits until neither channel end has undelivered messages (at most 1000 turns). */
export async function settled(pair: { a: Side; b: Side }): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    if (pair.a.channel.bufferedAmount === 0 && pair.b.channel.bufferedAmount === 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('channels did not settle within 1000 turns');
}

/** Resolves with the next `event` of `connection`. */
export function nextEvent<K extends keyof PeerConnectionEventMap>(
  connection: PeerConnection,
  event: K,
): Promise<PeerConnectionEventMap[K]> {
  return new Promise((resolve) => {
    const off = connection.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

/** Deterministic test bytes: `length` bytes derived from `seed`. */
export function segmentBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 31 + seed * 17) & 0xff;
  return bytes;
}

/** Serves `segments` from `side`: responds to every upload request with the stored bytes. */
export function serveSegments(side: Side, segments: Map<number, Uint8Array>): UploadRequest[] {
  const requests: UploadRequest[] = [];
  side.connection.on('upload-request', (request) => {
    requests.push(request);
    const data = segments.get(request.segmentId);
    if (data) request.respond(data);
    else request.absent();
  });
  return requests;
}

/** Lets queued `setImmediate` deliveries run for `turns` event-loop turns. */
export async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * True when two byte arrays hold the same bytes. Jest's `toEqual` compares typed arrays element by
 * element through its generic equality and takes seconds on a megabyte.
 */
export function sameBytes(actual: Uint8Array, expected: Uint8Array | undefined): boolean {
  return expected !== undefined && Buffer.from(actual).equals(Buffer.from(expected));
}
