/**
 * bittorrent-tracker's own per-socket state must stay within the guard's limits: the package
 * records every swarm a socket ever announced in (`socket.infoHashes`) and forgets none until the
 * socket closes, so a client that joins and leaves swarm after swarm on one socket must not make
 * that list grow past `maxInfoHashesPerSocket`. A real bittorrent-tracker server, the real guard
 * and a real WebSocket client on loopback.
 */
import type { AddressInfo } from 'node:net';

import Server, { type WsSocket } from 'bittorrent-tracker/server';

import { guardConnections } from '../../../tracker/message-guard.js';
import { TrackerMetrics } from '../../../tracker/tracker-metrics.js';
import { TrackerTestClient } from './tracker-test-client.js';

const MAX_INFO_HASHES_PER_SOCKET = 5;

function id(tag: string): string {
  return tag.padEnd(20, '.').slice(0, 20);
}

let server: Server;
let url: string;
/** Every socket the server accepted, as the package holds it. */
const accepted: (WsSocket & { infoHashes?: unknown[] | null })[] = [];

beforeAll(async () => {
  server = new Server({ http: false, udp: false, stats: false, ws: true });
  const ws = server.ws;
  if (!ws) throw new Error('no WebSocket server');
  ws.on('connection', (socket) => accepted.push(socket));
  const metrics = new TrackerMetrics(() => ({ connections: 0, swarms: 0, peers: 0 }), false);
  guardConnections(
    ws,
    {
      maxSocketsPerIp: 0,
      maxInfoHashesPerSocket: MAX_INFO_HASHES_PER_SOCKET,
      announcesPerSecond: 100_000,
      announceBurst: 100_000,
    },
    metrics,
    () => undefined,
  );
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  url = `ws://127.0.0.1:${(server.http?.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
});

it('keeps the package’s swarm list of a socket that leaves every swarm it joins bounded', async () => {
  const client = await TrackerTestClient.open(url);
  try {
    await rotate(client);
  } finally {
    client.close();
  }
});

async function rotate(client: TrackerTestClient): Promise<void> {
  const peerId = id('rotating-peer');
  const rounds = 60;
  for (let round = 0; round < rounds; round++) {
    const infoHash = id(`swarm-${round}`);
    client.send({ action: 'announce', info_hash: infoHash, peer_id: peerId, event: 'started' });
    client.send({ action: 'announce', info_hash: infoHash, peer_id: peerId, event: 'stopped' });
  }
  // Every message answered: none was refused, since the socket never is in more than one swarm.
  const replies = await client.repliesUpTo(2 * rounds);
  expect(replies.filter((reply) => reply['failure reason'] !== undefined)).toEqual([]);
  expect(accepted).toHaveLength(1);
  expect(accepted[0]?.infoHashes?.length).toBeLessThanOrEqual(MAX_INFO_HASHES_PER_SOCKET + 1);
}
