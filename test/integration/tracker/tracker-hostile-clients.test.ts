/**
 * The real `p2p-media-loader-tracker` process against hostile clients: the reproduced crash
 * (`offers: [null]`), peer id spoofing and eclipse, floods, malformed and oversized frames, and
 * fast-check generated messages. Afterwards the process must be alive, honest clients must still
 * meet, every refusal must have reached its sender with a failure reason, memory must be bounded,
 * and `/metrics` must count what was sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

import fc from 'fast-check';
import WebSocket from 'ws';

import type { TrackerStats } from '../../../tracker/tracker-stats.js';
import { waitUntil } from '../../support/wait.js';
import { trackerMessageText, wireId } from '../../unit/tracker/tracker-message-arbitraries.js';
import { failures, TrackerTestClient, type TrackerReply } from './tracker-test-client.js';

jest.setTimeout(20_000);

// Limits of the tracker under attack: small, so each one is reached with few messages.
const MAX_SOCKETS_PER_IP = 12;
const MAX_INFO_HASHES_PER_SOCKET = 5;
const ANNOUNCES_PER_SECOND = 10;
const ANNOUNCE_BURST = 20;

/** The failure reason texts of each refusal reason (the replies carry no reason label). */
const REASON_TEXT = {
  malformed:
    /must|not JSON|not a JSON object|binary frames|at most \d+ (offers|info hashes)|only valid|cannot carry/,
  'peer-id-mismatch': /^peer_id (is in use|differs)/,
  'too-many-info-hashes': /^a connection may be in at most/,
  'too-many-sockets-per-ip': /^too many connections from this address/,
  'rate-limited': /^too many messages/,
  'scrape-without-info-hash': /^scrape needs info_hash/,
} as const;
type RepliedReason = keyof typeof REASON_TEXT;

interface RunningCli {
  readonly child: ChildProcess;
  readonly url: string;
  readonly statsUrl: string;
  readonly metricsUrl: string;
  readonly output: () => string;
}

async function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tracker/cli.ts', '--port', '0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const urls = await waitUntil(
    () => {
      const url = /tracker: +(\S+)/.exec(output)?.[1];
      const statsUrl = /stats: +(\S+)/.exec(output)?.[1];
      const metricsUrl = /metrics: +(\S+)/.exec(output)?.[1];
      return url && statsUrl && metricsUrl ? { url, statsUrl, metricsUrl } : undefined;
    },
    { timeoutMs: 10_000, description: 'the CLI to print its URLs', lastSeen: () => output },
  );
  return { child, ...urls, output: () => output };
}

async function stopCli(cli: RunningCli | undefined): Promise<void> {
  if (!cli || cli.child.exitCode !== null) return;
  const exited = once(cli.child, 'exit');
  cli.child.kill('SIGTERM');
  await exited;
}

async function stats(cli: RunningCli): Promise<TrackerStats> {
  return (await (await fetch(cli.statsUrl)).json()) as TrackerStats;
}

/** Metric samples by `name{labels}` (Prometheus text format 0.0.4, no timestamps). */
async function scrapeMetrics(cli: RunningCli): Promise<Map<string, number>> {
  const response = await fetch(cli.metricsUrl);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** A 20-byte wire id from a short tag (padded), readable in failures. */
function id(tag: string): string {
  return tag.padEnd(20, '.').slice(0, 20);
}

function hex(binary: string): string {
  return Buffer.from(binary, 'latin1').toString('hex');
}

function announce(infoHash: string, peerId: string, fields: Record<string, unknown> = {}) {
  return { action: 'announce', info_hash: infoHash, peer_id: peerId, ...fields };
}

function reasonOf(reply: TrackerReply): RepliedReason | undefined {
  const text = reply['failure reason'];
  if (text === undefined) return undefined;
  const match = (Object.keys(REASON_TEXT) as RepliedReason[]).find((reason) =>
    REASON_TEXT[reason].test(text),
  );
  if (!match) throw new Error(`unexpected failure reason: ${text}`);
  return match;
}

let cli: RunningCli;
const clients: TrackerTestClient[] = [];
/** Refusals each client saw, by reason, over the whole file (checked against /metrics). */
const refusalsSeen = new Map<RepliedReason, number>();
let rssBeforeBytes = 0;

async function client(): Promise<TrackerTestClient> {
  const opened = await TrackerTestClient.open(cli.url);
  clients.push(opened);
  return opened;
}

/** Records the refusals among `replies` and returns their reasons in order. */
function tally(replies: readonly TrackerReply[]): RepliedReason[] {
  const reasons = failures(replies).map((reply) => reasonOf(reply) as RepliedReason);
  for (const reason of reasons) refusalsSeen.set(reason, (refusalsSeen.get(reason) ?? 0) + 1);
  return reasons;
}

/** Closes this test's sockets and waits until the tracker has let go of them. */
async function closeClients(): Promise<void> {
  for (const opened of clients.splice(0)) opened.close();
  await waitUntil(async () => (await stats(cli)).connections === 0, {
    timeoutMs: 3000,
    intervalMs: 20,
    description: 'the tracker to see every socket closed',
  });
}

beforeAll(async () => {
  cli = await startCli([
    `--max-sockets-per-ip=${MAX_SOCKETS_PER_IP}`,
    `--max-info-hashes-per-socket=${MAX_INFO_HASHES_PER_SOCKET}`,
    `--announces-per-second=${ANNOUNCES_PER_SECOND}`,
    `--announce-burst=${ANNOUNCE_BURST}`,
  ]);
  rssBeforeBytes = (await scrapeMetrics(cli)).get('process_resident_memory_bytes') ?? 0;
  expect(rssBeforeBytes).toBeGreaterThan(0);
});

afterEach(closeClients);

afterAll(async () => {
  await stopCli(cli);
});

function expectAlive(): void {
  expect({ exitCode: cli.child.exitCode, signal: cli.child.signalCode }).toEqual({
    exitCode: null,
    signal: null,
  });
}

it('survives the reported crash (offers: [null] sent into a swarm with a peer) and says why', async () => {
  const swarm = id('crash-swarm');
  const victim = await client();
  victim.send(announce(swarm, id('crash-victim'), { numwant: 0 }));
  await victim.repliesUpTo(1);
  const attacker = await client();
  attacker.send(announce(swarm, id('crash-attacker'), { offers: [null] }));
  attacker.send(announce(swarm, id('crash-attacker'), { offers: [null] }));
  const replies = await attacker.repliesUpTo(2);
  expect(tally(replies)).toEqual(['malformed', 'malformed']);
  // The failure names the swarm, so a WebTorrent client reports it instead of dropping it.
  expect(replies[0]).toMatchObject({ action: 'announce', info_hash: swarm });
  expect(replies[0]?.['failure reason']).toMatch(/offer must be an object/);
  expect(victim.replies.filter((reply) => reply.offer !== undefined)).toHaveLength(0);
  expectAlive();
});

it("refuses a 'stopped' for another socket's peer id, and keeps the victim in its swarm", async () => {
  const swarm = id('spoof-swarm');
  const victim = await client();
  victim.send(announce(swarm, id('spoof-victim'), { event: 'started' }));
  await victim.repliesUpTo(1);

  const fresh = await client();
  fresh.send(announce(swarm, id('spoof-victim'), { event: 'stopped' }));
  const bound = await client();
  bound.send(announce(swarm, id('spoof-attacker')));
  await bound.repliesUpTo(1);
  bound.send(announce(swarm, id('spoof-victim'), { event: 'stopped' }));

  const [freshReply] = await fresh.repliesUpTo(1);
  const [, boundReply] = await bound.repliesUpTo(2);
  expect(tally([freshReply as TrackerReply, boundReply as TrackerReply])).toEqual([
    'peer-id-mismatch',
    'peer-id-mismatch',
  ]);
  expect(freshReply?.['failure reason']).toMatch(/in use by another connection/);
  expect(boundReply?.['failure reason']).toMatch(/differs from the one this connection/);
  expect((await stats(cli)).swarmPeers[hex(swarm)]).toBe(2);
});

it('gives one socket announcing 1,000 peer ids one swarm entry, not 1,000', async () => {
  const swarm = id('eclipse-swarm');
  const attacker = await client();
  for (let i = 0; i < 1000; i++) attacker.send(announce(swarm, id(`eclipse-${i}`)));
  const replies = await attacker.repliesUpTo(1000);
  // One success (the first announce; refusals are sent at once, so it may not come first).
  const reasons = tally(replies);
  expect(reasons).toHaveLength(999);
  expect(new Set(reasons)).toEqual(new Set(['peer-id-mismatch', 'rate-limited']));
  expect((await stats(cli)).swarmPeers[hex(swarm)]).toBe(1);

  // A new viewer's offer can reach that one entry only.
  const viewer = await client();
  viewer.send(
    announce(swarm, id('eclipse-viewer'), {
      offers: [{ offer: { type: 'offer', sdp: 'v=0' }, offer_id: id('eclipse-offer') }],
    }),
  );
  await viewer.repliesUpTo(1);
  await attacker.replyWhere((reply) => reply.offer !== undefined);
});

it('caps the swarms of one socket and names the refused swarm', async () => {
  const socket = await client();
  for (let i = 0; i < MAX_INFO_HASHES_PER_SOCKET + 3; i++) {
    socket.send(announce(id(`many-${i}`), id('many-peer')));
  }
  const replies = await socket.repliesUpTo(MAX_INFO_HASHES_PER_SOCKET + 3);
  expect(tally(replies)).toEqual([
    'too-many-info-hashes',
    'too-many-info-hashes',
    'too-many-info-hashes',
  ]);
  expect(failures(replies).map((reply) => reply.info_hash)).toEqual([
    id(`many-${MAX_INFO_HASHES_PER_SOCKET}`),
    id(`many-${MAX_INFO_HASHES_PER_SOCKET + 1}`),
    id(`many-${MAX_INFO_HASHES_PER_SOCKET + 2}`),
  ]);
});

it('refuses malformed frames, scrape-all and absurd fields, keeping the socket open', async () => {
  const socket = await client();
  const corpus: (string | Buffer | Record<string, unknown>)[] = [
    { action: 'scrape' },
    announce(id('odd-swarm'), id('odd-peer'), { numwant: 1e12 }),
    'not json at all',
    Buffer.from([0x7b, 0x00, 0xff, 0x7d]),
    '['.repeat(50_000) + ']'.repeat(50_000),
    JSON.stringify({ action: 'announce', info_hash: { nested: { deeper: [1, 2, 3] } } }),
    announce(id('odd-swarm'), id('odd-peer'), { offers: 'lots' }),
    announce(id('odd-swarm'), id('odd-peer'), { to_peer_id: id('x'), answer: { type: 'answer' } }),
    { action: 'connect' },
    'null',
  ];
  for (const message of corpus) socket.send(message);
  const reasons = tally(await socket.repliesUpTo(corpus.length));
  expect(reasons[0]).toBe('scrape-without-info-hash');
  expect(reasons.slice(1)).toEqual(Array(corpus.length - 1).fill('malformed'));
  expect(socket.replies[0]).toMatchObject({ action: 'scrape' });
  // Still usable afterwards.
  socket.send(announce(id('odd-swarm'), id('odd-peer')));
  const [last] = (await socket.repliesUpTo(corpus.length + 1)).slice(-1);
  expect(last).toMatchObject({ action: 'announce', info_hash: id('odd-swarm'), interval: 60 });
});

it('closes a socket that sends an oversized frame (1009) and stays up', async () => {
  const socket = await client();
  socket.send('x'.repeat(300 * 1024));
  expect(await socket.closed()).toBe(1009);
  expectAlive();
});

it('closes a socket that sends invalid UTF-8 as text (1007), counting it malformed', async () => {
  const socket = await client();
  socket.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
  expect(await socket.closed()).toBe(1007);
  refusalsSeen.set('malformed', (refusalsSeen.get('malformed') ?? 0) + 1);
  expectAlive();
});

it('rate-limits a burst of announces on one socket and accepts again once the bucket refills', async () => {
  const socket = await client();
  const swarm = id('burst-swarm');
  for (let i = 0; i < 100; i++) socket.send(announce(swarm, id('burst-peer')));
  const replies = await socket.repliesUpTo(100);
  const reasons = tally(replies);
  expect(reasons.every((reason) => reason === 'rate-limited')).toBe(true);
  // The whole burst is accepted; the sustained rate adds at most a few tokens meanwhile.
  const accepted = replies.length - reasons.length;
  expect(accepted).toBeGreaterThanOrEqual(ANNOUNCE_BURST);
  expect(accepted).toBeLessThan(ANNOUNCE_BURST + 10);
  await waitUntil(
    async () => {
      const before = socket.replies.length;
      socket.send(announce(swarm, id('burst-peer')));
      const reply = (await socket.repliesUpTo(before + 1))[before] as TrackerReply;
      tally([reply]);
      return reply['failure reason'] === undefined;
    },
    { timeoutMs: 3000, intervalMs: 150, description: 'an announce accepted after the burst' },
  );
});

it('closes sockets beyond the per-address cap with a failure reason', async () => {
  const open: TrackerTestClient[] = [];
  for (let i = 0; i < MAX_SOCKETS_PER_IP; i++) open.push(await client());
  expect(open.every((socket) => socket.closeCode === undefined)).toBe(true);
  const extra = await client();
  expect(await extra.closed()).toBe(1008);
  const reply = await extra.replyWhere(() => true);
  expect(tally([reply])).toEqual(['too-many-sockets-per-ip']);
  expect((await stats(cli)).connections).toBe(MAX_SOCKETS_PER_IP);
});

it('still lets an honest pair meet (offer and answer relayed), with memory and swarms bounded', async () => {
  const swarm = id('honest-swarm');
  const [alice, bob] = [await client(), await client()];
  alice.send(announce(swarm, id('honest-alice'), { event: 'started', numwant: 0 }));
  await alice.repliesUpTo(1);
  bob.send(
    announce(swarm, id('honest-bob'), {
      event: 'started',
      numwant: 1,
      offers: [{ offer: { type: 'offer', sdp: 'v=0 bob' }, offer_id: id('honest-offer') }],
    }),
  );
  const offer = await alice.replyWhere((reply) => reply.offer !== undefined);
  expect(offer).toMatchObject({
    offer: { type: 'offer', sdp: 'v=0 bob' },
    offer_id: id('honest-offer'),
    peer_id: id('honest-bob'),
    info_hash: swarm,
  });
  alice.send(
    announce(swarm, id('honest-alice'), {
      to_peer_id: id('honest-bob'),
      offer_id: id('honest-offer'),
      answer: { type: 'answer', sdp: 'v=0 alice' },
    }),
  );
  const answer = await bob.replyWhere((reply) => reply.answer !== undefined);
  expect(answer).toMatchObject({
    answer: { type: 'answer', sdp: 'v=0 alice' },
    peer_id: id('honest-alice'),
  });
  expectAlive();

  const now = await stats(cli);
  // Every swarm of this file, each with a handful of peers at most, whatever was sent.
  expect(now.swarms).toBeLessThanOrEqual(20);
  expect(now.peers).toBeLessThanOrEqual(30);
  const rssAfterBytes = (await scrapeMetrics(cli)).get('process_resident_memory_bytes') ?? 0;
  expect(rssAfterBytes - rssBeforeBytes).toBeLessThan(96 * 1024 * 1024);
});

it('counts at /metrics what was sent: announces, relays and every refusal by reason', async () => {
  const metrics = await scrapeMetrics(cli);
  const tracked = await stats(cli);
  expect(metrics.get('p2pml_tracker_announces_total')).toBe(tracked.announces);
  expect(tracked.announces).toBeGreaterThan(ANNOUNCE_BURST);
  // The eclipse test relayed one offer; the honest pair one offer and one answer.
  expect(metrics.get('p2pml_tracker_offers_relayed_total')).toBe(2);
  expect(metrics.get('p2pml_tracker_answers_relayed_total')).toBe(1);
  for (const reason of Object.keys(REASON_TEXT) as RepliedReason[]) {
    expect([reason, metrics.get(`p2pml_tracker_refusals_total{reason="${reason}"}`)]).toEqual([
      reason,
      refusalsSeen.get(reason) ?? 0,
    ]);
    expect(refusalsSeen.get(reason)).toBeGreaterThan(0);
  }
  expect(metrics.get('p2pml_tracker_refusals_total{reason="message-too-large"}')).toBe(1);
  expect(tracked.refusals['message-too-large']).toBe(1);
  expect(metrics.get('p2pml_tracker_connections')).toBe(tracked.connections);
  expect(metrics.get('p2pml_tracker_swarms')).toBe(tracked.swarms);
  expect(metrics.get('p2pml_tracker_peers')).toBe(tracked.peers);
});

describe('fast-check generated messages against a tracker with generous limits', () => {
  let fuzzCli: RunningCli | undefined;

  afterAll(async () => {
    await stopCli(fuzzCli);
  });

  it('answers 2,000 generated messages without dying, and honest peers still meet', async () => {
    fuzzCli = await startCli([
      '--max-sockets-per-ip=0',
      '--announces-per-second=100000',
      '--announce-burst=100000',
    ]);
    const target = fuzzCli;
    // A few swarms and peer ids, so that generated announces meet and offers get relayed.
    const swarms = fc.sample(wireId, { numRuns: 3, seed: 7 });
    const sockets = await Promise.all(
      Array.from({ length: 10 }, () => TrackerTestClient.open(target.url)),
    );
    const deadline = Date.now() + 8000;
    sockets.forEach((socket, index) => {
      const messages = fc.sample(
        trackerMessageText({
          peerId: fc.constantFrom(id(`fuzz-${index}`), id(`fuzz-${(index + 1) % 10}`)),
          infoHash: fc.constantFrom(...swarms),
        }),
        { numRuns: 200, seed: index },
      );
      for (const message of messages) if (Date.now() < deadline) socket.send(message);
      // A scrape's reply marks the end of the socket's messages (the tracker answers in order).
      socket.send({ action: 'scrape', info_hash: swarms });
    });
    for (const socket of sockets) {
      await socket.replyWhere(
        (reply) => reply.action === 'scrape' && reply.files !== undefined,
        8000,
      );
    }
    expect({ exitCode: target.child.exitCode, signal: target.child.signalCode }).toEqual({
      exitCode: null,
      signal: null,
    });
    const after = (await (await fetch(target.statsUrl)).json()) as TrackerStats;
    expect(after.swarms).toBeLessThanOrEqual(3);
    expect(after.peers).toBeLessThanOrEqual(10);
    expect(after.announces).toBeGreaterThan(0);
    expect(after.refusals.malformed).toBeGreaterThan(0);
    // The generated traffic reached bittorrent-tracker's relay paths, not only the validator.
    expect(after.offersRelayed).toBeGreaterThan(0);
    for (const socket of sockets) socket.close();

    const swarm = id('fuzz-honest');
    const [alice, bob] = await Promise.all([
      TrackerTestClient.open(target.url),
      TrackerTestClient.open(target.url),
    ]);
    alice.send(announce(swarm, id('fuzz-alice')));
    await alice.repliesUpTo(1);
    bob.send(
      announce(swarm, id('fuzz-bob'), {
        offers: [{ offer: { type: 'offer', sdp: 'v=0' }, offer_id: id('fuzz-offer') }],
      }),
    );
    await alice.replyWhere((reply) => reply.offer !== undefined);
    alice.send(
      announce(swarm, id('fuzz-alice'), {
        to_peer_id: id('fuzz-bob'),
        offer_id: id('fuzz-offer'),
        answer: { type: 'answer', sdp: 'v=0' },
      }),
    );
    await bob.replyWhere((reply) => reply.answer !== undefined);
    alice.close();
    bob.close();
  });
});

describe('a client that sends but never reads', () => {
  let slowCli: RunningCli | undefined;

  afterAll(async () => {
    await stopCli(slowCli);
  });

  it('is disconnected once its unread replies pile up, instead of growing the tracker without bound', async () => {
    slowCli = await startCli(['--announces-per-second=1000000', '--announce-burst=1000000']);
    const target = slowCli;
    const socket = new WebSocket(target.url);
    await once(socket, 'open');
    // Stop reading: every reply the tracker sends now stays in its own send buffer once the
    // kernel's buffers on both sides are full.
    (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const statsNow = async () => (await (await fetch(target.statsUrl)).json()) as TrackerStats;
    let connections = (await statsNow()).connections;
    expect(connections).toBe(1);
    // Each 1-character frame costs the tracker a ~50-byte failure reply. Bounded: 60 batches.
    for (let batch = 0; batch < 60 && connections > 0; batch++) {
      for (let i = 0; i < 10_000; i++) socket.send('x');
      await new Promise((resolve) => setTimeout(resolve, 50));
      connections = (await statsNow()).connections;
    }
    socket.terminate();
    expect(connections).toBe(0);
    expect((await statsNow()).refusals['unread-replies']).toBe(1);
    expect({ exitCode: target.child.exitCode, signal: target.child.signalCode }).toEqual({
      exitCode: null,
      signal: null,
    });
  });
});
