/**
 * One client process of the tracker bench: holds its share of the peers, one real WebSocket each,
 * and speaks the WebTorrent tracker protocol as browsers running our engine do (announce with
 * offers, answer every relayed offer at once). Started by run-bench.ts as
 * `node --import tsx scripts/bench-tracker/client-shard.ts '<ShardSpec JSON>'`; takes commands on
 * stdin and reports on stdout (shard-protocol.ts).
 *
 * Phases: connect (ramped; each peer announces `started` with its offers), then `load` (announces
 * in a closed loop or at a fixed rate for a window, with latencies recorded), then `close`. The
 * process exits when its stdin closes, so a dead parent never leaves peers behind.
 */
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

import WebSocket from 'ws';

import {
  emptyCounters,
  type ShardCommand,
  type ShardCounters,
  type ShardReport,
  type ShardSpec,
} from './shard-protocol.js';
import { LatencyHistogram } from './statistics.js';
import {
  classifyTrackerFrame,
  encodeAnnounce,
  encodeAnswer,
  infoHashOf,
  monotonicNs,
  offerIdOf,
  peerIdOf,
  sdpWithSentTime,
  type WireOffer,
} from './wire.js';

/** An offer with no answer after this long is counted as unanswered and forgotten. */
const OFFER_EXPIRY_MS = 30_000;
/**
 * The connect phase ends when every peer settled, or when none settled for this long after the
 * ramp (a tracker starved of CPU accepts slowly; the run's hard cap bounds the whole wait).
 */
const CONNECT_STALL_MS = 30_000;
/** After the load window, how long replies still in flight may arrive before the report. */
const DRAIN_MS = 1_000;
/** How long `close` waits for close handshakes before terminating sockets. */
const CLOSE_WAIT_MS = 5_000;
/** Timer step of the connection ramp and of the open-loop rate, in ms. */
const TICK_MS = 5;
/** Failure reasons kept as examples in a report. */
const MAX_FAILURE_SAMPLES = 5;

/** One simulated viewer: a socket, its ids, and what it waits for. */
interface BenchPeer {
  readonly index: number;
  readonly peerId: string;
  readonly infoHash: string;
  socket: WebSocket | undefined;
  open: boolean;
  /** Settled: the `started` announce was answered, or the socket failed. */
  settled: boolean;
  /** Send times (performance.now, ms) of announces awaiting their reply, oldest first. */
  readonly announcesInFlight: number[];
  /** Our offers awaiting an answer: offer id -> send time (ms). */
  readonly offersInFlight: Map<string, number>;
  offerCounter: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as ShardSpec;
let counters: ShardCounters = emptyCounters();
let failureSamples: string[] = [];
let announceLatency = new LatencyHistogram();
let offerOneWay = new LatencyHistogram();
let offerRoundTrip = new LatencyHistogram();
/** True during the load window: replies count toward the window's figures. */
let measuring = false;
/** Set in closed-loop load: every reply in the window starts one more announce. */
let closedLoop = false;
let nextPeer = 0;
/** Phase flags: connecting until every peer settled, closing after the `close` command. */
let connecting = true;
let closing = false;
let settledCount = 0;
let openCount = 0;
let failedCount = 0;
/** When a peer last settled: the connect phase ends once this stops moving. */
let lastSettledMs = performance.now();

const peers: BenchPeer[] = Array.from({ length: spec.peerCount }, (_, offset) => {
  const index = spec.firstPeerIndex + offset;
  return {
    index,
    peerId: peerIdOf(spec.runTag, index),
    infoHash: infoHashOf(spec.runTag, Math.floor(index / spec.peersPerSwarm)),
    socket: undefined,
    open: false,
    settled: false,
    announcesInFlight: [],
    offersInFlight: new Map(),
    offerCounter: 0,
  };
});

function report(message: ShardReport): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function noteFailure(reason: string): void {
  counters.failures++;
  if (failureSamples.length < MAX_FAILURE_SAMPLES) failureSamples.push(reason);
}

function announce(peer: BenchPeer, event: 'started' | undefined): void {
  const socket = peer.socket;
  if (!socket || !peer.open) return;
  const offers: WireOffer[] = [];
  const nowMs = performance.now();
  const sentNs = monotonicNs();
  for (let i = 0; i < spec.offersPerAnnounce; i++) {
    const offerId = offerIdOf(peer.index, peer.offerCounter++);
    offers.push({ offerId, sdp: sdpWithSentTime('offer', sentNs, spec.sdpBytes) });
    peer.offersInFlight.set(offerId, nowMs);
  }
  peer.announcesInFlight.push(nowMs);
  counters.announcesSent++;
  counters.offersSent += offers.length;
  socket.send(encodeAnnounce(peer.infoHash, peer.peerId, event, offers));
}

/** The next open peer in round-robin order, or undefined when none is open. */
function pickPeer(): BenchPeer | undefined {
  for (let tries = 0; tries < peers.length; tries++) {
    const peer = peers[nextPeer];
    nextPeer = (nextPeer + 1) % peers.length;
    if (peer?.open) return peer;
  }
  return undefined;
}

function onFrame(peer: BenchPeer, text: string): void {
  const frame = classifyTrackerFrame(text);
  const nowMs = performance.now();
  switch (frame.kind) {
    case 'announce-response': {
      const sentMs = peer.announcesInFlight.shift();
      if (!peer.settled) settle(peer);
      if (measuring) {
        counters.announceResponses++;
        if (sentMs !== undefined) announceLatency.record(nowMs - sentMs);
        if (closedLoop) {
          const next = pickPeer();
          if (next) announce(next, undefined);
        }
      }
      return;
    }
    case 'offer': {
      if (measuring) {
        counters.offersReceived++;
        if (frame.sentNs !== undefined) {
          offerOneWay.record(Number(monotonicNs() - frame.sentNs) / 1e6);
        }
      }
      // Answer at once, as a browser would after creating its answer.
      counters.answersSent++;
      peer.socket?.send(
        encodeAnswer(
          frame.infoHash,
          peer.peerId,
          frame.fromPeerId,
          frame.offerId,
          sdpWithSentTime('answer', monotonicNs(), spec.sdpBytes),
        ),
      );
      return;
    }
    case 'answer': {
      const sentMs = peer.offersInFlight.get(frame.offerId);
      if (sentMs === undefined) return;
      peer.offersInFlight.delete(frame.offerId);
      if (measuring) {
        counters.answersReceived++;
        offerRoundTrip.record(nowMs - sentMs);
      }
      return;
    }
    case 'failure':
      // A refusal answers a message too: keep the announce queue and the closed loop in step.
      peer.announcesInFlight.shift();
      if (!peer.settled) settle(peer);
      if (measuring || connecting) noteFailure(frame.reason);
      if (measuring && closedLoop) {
        const next = pickPeer();
        if (next) announce(next, undefined);
      }
      return;
    case 'unknown':
      counters.unknownFrames++;
  }
}

// ---- connect phase ----

const connectStartMs = performance.now();

function settle(peer: BenchPeer): void {
  if (peer.settled) return;
  peer.settled = true;
  settledCount++;
  lastSettledMs = performance.now();
  if (connecting && settledCount === peers.length) finishConnecting();
}

function openPeer(peer: BenchPeer): void {
  const socket = new WebSocket(spec.url);
  peer.socket = socket;
  socket.on('open', () => {
    peer.open = true;
    openCount++;
    announce(peer, 'started');
  });
  socket.on('message', (data: Buffer) => {
    onFrame(peer, data.toString('utf8'));
  });
  socket.on('error', (error: Error) => {
    counters.socketErrors++;
    if (failureSamples.length < MAX_FAILURE_SAMPLES)
      failureSamples.push(`socket: ${error.message}`);
  });
  socket.on('close', () => {
    if (peer.open) openCount--;
    else failedCount++;
    const wasOpen = peer.open;
    peer.open = false;
    peer.socket = undefined;
    if (!closing && wasOpen) counters.socketErrors++;
    settle(peer);
    if (closing && openCount === 0) finishClosing();
  });
}

let ramped = 0;
const rampTimer = setInterval(() => {
  const due = Math.min(
    peers.length,
    Math.ceil(((performance.now() - connectStartMs) * spec.connectsPerSecond) / 1000),
  );
  while (ramped < due) {
    const peer = peers[ramped++];
    if (peer) openPeer(peer);
  }
  if (ramped >= peers.length) clearInterval(rampTimer);
}, TICK_MS);

const settleTimer = setInterval(() => {
  if (!connecting || ramped < peers.length) return;
  if (performance.now() - lastSettledMs > CONNECT_STALL_MS) finishConnecting();
}, 1000);

function finishConnecting(): void {
  connecting = false;
  clearInterval(settleTimer);
  report({
    type: 'connected',
    shardIndex: spec.shardIndex,
    open: openCount,
    failed: failedCount,
    connectMs: performance.now() - connectStartMs,
    counters,
    failureSamples,
  });
}

// ---- load phase ----

const expiryTimer = setInterval(() => {
  const cutoffMs = performance.now() - OFFER_EXPIRY_MS;
  for (const peer of peers) {
    for (const [offerId, sentMs] of peer.offersInFlight) {
      if (sentMs >= cutoffMs) break; // insertion order is send order
      peer.offersInFlight.delete(offerId);
      if (measuring) counters.offersUnanswered++;
    }
  }
}, 1000);

function startLoad(command: Extract<ShardCommand, { cmd: 'load' }>): void {
  counters = emptyCounters();
  failureSamples = [];
  announceLatency = new LatencyHistogram();
  offerOneWay = new LatencyHistogram();
  offerRoundTrip = new LatencyHistogram();
  const cpuStart = process.cpuUsage();
  const eluStart = performance.eventLoopUtilization();
  const startMs = performance.now();
  measuring = true;
  let rateTimer: ReturnType<typeof setInterval> | undefined;
  if (command.inFlight !== undefined) {
    closedLoop = true;
    for (let i = 0; i < command.inFlight; i++) {
      const peer = pickPeer();
      if (peer) announce(peer, undefined);
    }
  } else {
    const perSecond = command.announcesPerSecond ?? 0;
    let sent = 0;
    rateTimer = setInterval(() => {
      const due = Math.floor(((performance.now() - startMs) * perSecond) / 1000);
      while (sent < due) {
        sent++;
        const peer = pickPeer();
        if (peer) announce(peer, undefined);
      }
    }, TICK_MS);
  }
  setTimeout(() => {
    const windowMs = performance.now() - startMs;
    measuring = false;
    closedLoop = false;
    clearInterval(rateTimer);
    const cpu = process.cpuUsage(cpuStart);
    const elu = performance.eventLoopUtilization(eluStart);
    const windowCounters = { ...counters };
    const samples = [...failureSamples];
    // Replies still in flight drain before the next phase; they are not counted.
    setTimeout(() => {
      report({
        type: 'loaded',
        shardIndex: spec.shardIndex,
        windowMs,
        counters: windowCounters,
        announceLatency: announceLatency.snapshot(),
        offerOneWay: offerOneWay.snapshot(),
        offerRoundTrip: offerRoundTrip.snapshot(),
        cpuMs: (cpu.user + cpu.system) / 1000,
        eventLoopUtilization: elu.utilization,
        failureSamples: samples,
      });
    }, DRAIN_MS);
  }, command.durationMs);
}

// ---- close phase ----

let closeTimer: ReturnType<typeof setTimeout> | undefined;

function startClosing(): void {
  closing = true;
  clearInterval(rampTimer);
  clearInterval(expiryTimer);
  if (openCount === 0) {
    finishClosing();
    return;
  }
  for (const peer of peers) peer.socket?.close();
  closeTimer = setTimeout(() => {
    for (const peer of peers) peer.socket?.terminate();
    finishClosing();
  }, CLOSE_WAIT_MS);
}

let closed = false;
function finishClosing(): void {
  if (closed) return;
  closed = true;
  clearTimeout(closeTimer);
  report({ type: 'closed', shardIndex: spec.shardIndex, stillOpen: openCount });
  process.stdout.end(() => process.exit(0));
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const command = JSON.parse(line) as ShardCommand;
    if (command.cmd === 'load') startLoad(command);
    else startClosing();
  })
  .on('close', () => {
    // The parent is gone (or done): never outlive it.
    if (!closing) process.exit(0);
  });
