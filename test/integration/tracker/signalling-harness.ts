/**
 * Test harness for tracker signalling: Node peers (WebRTC from @roamhq/wrtc through the
 * webrtc-polyfill shim) that record what their TrackerSignalling reports.
 * Run inside the network namespace (shared/netns-run.sh): ICE then uses its veth test host.
 */
import { createHook } from 'node:async_hooks';
import { createServer } from 'node:net';

import { createPeerId } from '../../../core/p2p/signalling/peer-id.js';
import type { SimplePeer } from '../../../core/p2p/signalling/simple-peer.js';
import {
  TrackerSignalling,
  type TrackerSignallingEvents,
  type TrackerSignallingOptions,
} from '../../../core/p2p/signalling/tracker-signalling.js';

let clientCount = 0;

/**
 * The tracker URL as seen by one test client. bittorrent-tracker shares one WebSocket between all
 * clients of a process that use the same URL string; separate browsers never do, and with three
 * clients of one swarm on one socket each offer would reach two of them. A per-client query string
 * (ignored by the tracker) gives each client its own socket, as in a real deployment.
 */
export function perClientUrl(trackerUrl: string): string {
  clientCount++;
  return `${trackerUrl}/?client=${clientCount}`;
}

/** A signalling client plus everything it reported. */
export interface RecordedClient {
  readonly signalling: TrackerSignalling;
  readonly peerId: string;
  readonly peers: TrackerSignallingEvents['peer'][];
  readonly trackerErrors: TrackerSignallingEvents['tracker-error'][];
  readonly connected: string[];
  readonly disconnected: string[];
  /** Messages received over data channels, as text, with the sender's peer id. */
  readonly messages: { from: string; text: string }[];
}

/**
 * Creates and starts a client that records its events; no STUN (nothing outside is reachable).
 * `peerId` defaults to a fresh one; give one id to several clients to play one engine's swarms.
 */
export function startRecordedClient(
  options: Omit<TrackerSignallingOptions, 'peerId' | 'rtcConfig'> & { readonly peerId?: string },
): RecordedClient {
  const peerId = options.peerId ?? createPeerId();
  const signalling = new TrackerSignalling({ ...options, peerId, rtcConfig: { iceServers: [] } });
  const client: RecordedClient = {
    signalling,
    peerId,
    peers: [],
    trackerErrors: [],
    connected: [],
    disconnected: [],
    messages: [],
  };
  signalling.on('peer', (event) => {
    client.peers.push(event);
    event.peer.on('error', () => undefined);
    event.peer.on('data', (data) => {
      client.messages.push({ from: event.remotePeerId, text: new TextDecoder().decode(data) });
    });
  });
  signalling.on('tracker-error', (event) => client.trackerErrors.push(event));
  signalling.on('tracker-connected', ({ trackerUrl }) => client.connected.push(trackerUrl));
  signalling.on('tracker-disconnected', ({ trackerUrl }) => client.disconnected.push(trackerUrl));
  signalling.start();
  return client;
}

/** Destroys the signalling and every connection it handed out; resolves when all are closed. */
export async function closeClient(client: RecordedClient): Promise<void> {
  const peersClosed = client.peers.map(({ peer }) => closePeer(peer));
  await Promise.all([client.signalling.destroy(), ...peersClosed]);
}

function closePeer(peer: SimplePeer): Promise<void> {
  if (peer.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    peer.once('close', resolve);
    peer.destroy();
  });
}

/** A local port with nothing listening on it: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** Counts of the handle kinds that keep Node's event loop alive (sockets, servers, timers). */
export function activeHandleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Starts recording the timers created from now on (by our code and the libraries under test, not
 * by Jest or the test's own polling). `leftover()` stops recording and lists the creation stacks of
 * those still pending and keeping the process alive.
 */
export function recordTimers(): { leftover(): Promise<string[]> } {
  const pending = new Map<number, { timer: { hasRef(): boolean }; stack: string }>();
  const hook = createHook({
    init(id, type, _triggerId, resource) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      if (/node_modules\/@?jest|test\/support\/wait/.test(stack)) return;
      pending.set(id, { timer: resource as { hasRef(): boolean }, stack });
    },
    destroy(id) {
      pending.delete(id);
    },
  }).enable();
  return {
    async leftover() {
      // Destroy hooks of cleared or fired timers run asynchronously, after the current tick.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      hook.disable();
      return [...pending.values()].filter(({ timer }) => timer.hasRef()).map(({ stack }) => stack);
    },
  };
}
