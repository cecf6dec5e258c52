/**
 * Data respect (issue 17): the engine prefetches from peers only while playback runs. A player that
 * has not started, or that the viewer paused, takes from the swarm only the segments the player
 * itself asks for; prefetch resumes when playback does. The engine is driven with a fake probe
 * clock (its tick is the prefetch tick) and a peer that has every segment.
 */
import { Engine } from '../../../core/engine/engine.js';
import { MainThreadLagMonitor } from '../../../core/engine/main-thread-lag.js';
import type { PeerNetwork } from '../../../core/engine/peer-network.js';
import type { Segment } from '../../../core/model/segment.js';
import { EveryPeer, SEGMENTS, STREAM, tsSegment } from './every-peer-fixture.js';

/** The probe's timer (the engine's prefetch tick), fired by hand; each firing is 10 s later. */
class TickClock {
  nowMs = 0;
  private pending: (() => void) | undefined;
  readonly monitor = new MainThreadLagMonitor({
    now: () => this.nowMs,
    setTimer: (callback) => {
      this.pending = callback;
      return callback;
    },
    clearTimer: (handle) => {
      if (handle === this.pending) this.pending = undefined;
    },
    isHidden: () => false,
    longTasks: null,
  });

  /** Fires the tick `count` times (the pacer lets one prefetch start per 10 s step). */
  tick(count = 1): void {
    for (let i = 0; i < count; i++) {
      const callback = this.pending;
      if (!callback) throw new Error('the tick is not running');
      this.pending = undefined;
      callback();
    }
  }
}

/** Lets the engine's promise chains (download start, delivery, store) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

function startEngine(before?: (engine: Engine) => void): {
  engine: Engine;
  peers: EveryPeer;
  clock: TickClock;
  swarmUpdates: string[][];
} {
  const peers = new EveryPeer();
  const clock = new TickClock();
  const swarmUpdates: string[][] = [];
  const network: PeerNetwork = {
    peersFor: () => peers,
    setActiveStreams: (keys) => {
      swarmUpdates.push([...keys]);
    },
    rememberDigest: () => undefined,
    peerCount: 1,
    destroy: () => undefined,
  };
  // The origin serves segment 0, the one under the playhead that the player loads itself.
  const fetchImpl = (input: RequestInfo | URL): Promise<Response> => {
    const url = input instanceof Request ? input.url : input.toString();
    return Promise.resolve(
      url === SEGMENTS[0]?.url
        ? new Response(tsSegment(0).slice().buffer)
        : new Response('missing', { status: 404 }),
    );
  };
  const engine = new Engine(
    { trackers: ['wss://tracker.test'], mainThreadBackoff: false },
    { fetch: fetchImpl, mainThreadLag: clock.monitor, createPeerNetwork: () => network },
  );
  before?.(engine);
  engine.setSource('https://cdn.test/master.m3u8');
  engine.updateStream(STREAM, { segments: SEGMENTS, isLive: false });
  engine.setActiveStream(STREAM);
  return { engine, peers, clock, swarmUpdates };
}

describe('Engine prefetch and playback state', () => {
  let engine: Engine | undefined;
  let nowSpy: jest.SpyInstance<number, []> | undefined;
  let nowMs = 0;
  beforeEach(() => {
    nowMs = 0;
    // The pacer and the playback clock read performance.now(): each test step moves it by hand.
    nowSpy = jest.spyOn(performance, 'now').mockImplementation(() => nowMs);
  });
  afterEach(() => {
    engine?.destroy();
    engine = undefined;
    nowSpy?.mockRestore();
  });

  /** Moves time on by `seconds` and fires the prefetch tick once. */
  async function step(clock: TickClock, seconds: number): Promise<void> {
    nowMs += seconds * 1000;
    clock.tick();
    await settle();
  }

  it('an unstarted player with segment 0 buffered prefetches nothing, however long it waits', async () => {
    const started = startEngine();
    engine = started.engine;
    engine.setPlayback({ position: 0, rate: 0, bufferedEnd: 0 });
    await engine.loadSegment(STREAM, SEGMENTS[0] as Segment);
    engine.setPlayback({ position: 0, rate: 0, bufferedEnd: 4 });
    for (let i = 0; i < 6; i++) await step(started.clock, 10);
    expect(started.peers.requested).toEqual([]);
  });

  it('prefetches while playing, stops while paused, and resumes with playback', async () => {
    const started = startEngine();
    engine = started.engine;
    engine.setPlayback({ position: 0, rate: 0, bufferedEnd: 0 });
    await engine.loadSegment(STREAM, SEGMENTS[0] as Segment);
    engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 4 });
    await step(started.clock, 0);
    expect(started.peers.requested).toEqual([1]);

    // Paused at 1 s: the horizon ahead of it is 60 s, but nothing more comes from peers.
    engine.setPlayback({ position: 1, rate: 0, bufferedEnd: 8 });
    for (let i = 0; i < 6; i++) await step(started.clock, 10);
    expect(started.peers.requested).toEqual([1]);

    // The player's own request while paused (its buffer) still goes to peers.
    const own = await engine.loadSegment(STREAM, SEGMENTS[2] as Segment);
    expect(own.source).toBe('p2p');
    expect(started.peers.requested).toEqual([1, 2]);

    nowMs += 10_000;
    engine.setPlayback({ position: 1, rate: 1, bufferedEnd: 12 });
    await step(started.clock, 0);
    expect(started.peers.requested).toEqual([1, 2, 3]);
  });

  it('an unstarted player never joins the swarm, even when it said so before its source was set', async () => {
    jest.useFakeTimers({ doNotFake: ['performance', 'setImmediate', 'queueMicrotask'] });
    try {
      // hls.js attaches the media element (the reporter speaks at once) before it loads the source.
      const started = startEngine((e) => {
        e.setPlayback({ position: 0, rate: 0, bufferedEnd: 0 });
      });
      engine = started.engine;
      await engine.loadSegment(STREAM, SEGMENTS[0] as Segment);
      jest.advanceTimersByTime(60_000);
      expect(started.swarmUpdates).toEqual([]); // no announce, no tracker, no peer connection

      engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 4 });
      jest.advanceTimersByTime(100);
      expect(started.swarmUpdates).toEqual([[STREAM.key]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a player that reported nothing joins on the deadlines as before (an engine without media)', async () => {
    jest.useFakeTimers({ doNotFake: ['performance', 'setImmediate', 'queueMicrotask'] });
    try {
      const started = startEngine();
      engine = started.engine;
      await engine.loadSegment(STREAM, SEGMENTS[0] as Segment);
      jest.advanceTimersByTime(1000);
      expect(started.swarmUpdates).toEqual([[STREAM.key]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('joins once a player that reports no buffered range plays (the join is not held for good)', () => {
    jest.useFakeTimers({ doNotFake: ['performance', 'setImmediate', 'queueMicrotask'] });
    try {
      const started = startEngine((e) => {
        e.setPlayback({ position: 0, rate: 0 });
      });
      engine = started.engine;
      jest.advanceTimersByTime(60_000);
      expect(started.swarmUpdates).toEqual([]);
      engine.setPlayback({ position: 0, rate: 1 }); // bufferedEnd unknown
      jest.advanceTimersByTime(1500);
      expect(started.swarmUpdates).toEqual([[STREAM.key]]);
    } finally {
      jest.useRealTimers();
    }
  });
});
