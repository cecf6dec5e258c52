/**
 * Back-off while the engine's thread runs late: prefetch shrinks then stops, uploads get fewer
 * slots then none (refused at once), announces stop offering new connections, and the player's own
 * requests go on as before. The engine is driven with a fake probe clock and a scripted peer.
 */
import type { EngineConfig } from '../../../core/engine/config.js';
import { Engine } from '../../../core/engine/engine.js';
import { MainThreadLagMonitor, type MainThreadLoad } from '../../../core/engine/main-thread-lag.js';
import type { PeerNetwork, PeerNetworkContext } from '../../../core/engine/peer-network.js';
import { prefetchAllowance, PrefetchPacer } from '../../../core/engine/prefetch-planner.js';
import type { Segment } from '../../../core/model/segment.js';
import { offersForAnnounce } from '../../../core/p2p/signalling/announce-policy.js';
import { UploadLimiter } from '../../../core/p2p/swarm/upload-limiter.js';
import { EveryPeer, SEGMENTS, STREAM, tsSegment } from './every-peer-fixture.js';

describe('back-off policies by main-thread level', () => {
  it('prefetch: the whole horizon, half of it at half the pace, or none', () => {
    expect(prefetchAllowance('normal')).toEqual({ horizonFactor: 1, speed: 2 });
    expect(prefetchAllowance('strained')).toEqual({ horizonFactor: 0.5, speed: 1 });
    expect(prefetchAllowance('starved').horizonFactor).toBe(0);
  });

  it('prefetch pacing follows the speed it is given', () => {
    const pacer = new PrefetchPacer();
    const segment = { id: 1, url: 'http://o/1.ts', startTime: 0, endTime: 2 };
    pacer.started('s', segment, 0, 1);
    expect(pacer.mayStart('s', 1999)).toBe(false);
    expect(pacer.mayStart('s', 2000)).toBe(true);
    pacer.started('s', segment, 0);
    expect(pacer.mayStart('s', 1000)).toBe(true);
  });

  it('uploads: all slots, half of them, then none; running uploads keep theirs', () => {
    let level: 'normal' | 'strained' | 'starved' = 'normal';
    const limiter = new UploadLimiter(
      { maxConcurrentUploads: 6, bytesPerSecond: 0 },
      () => 0,
      () => level,
    );
    expect(limiter.slots()).toBe(6);
    const running = [limiter.tryAcquire('a'), limiter.tryAcquire('b')];
    expect(running.every(Boolean)).toBe(true);
    level = 'strained';
    expect(limiter.slots()).toBe(3);
    expect(limiter.tryAcquire('c')).toBeDefined();
    expect(limiter.tryAcquire('d')).toBeUndefined(); // 3 running: the strained share is taken
    level = 'starved';
    expect(limiter.slots()).toBe(0);
    expect(limiter.tryAcquire('e')).toBeUndefined();
    // Running uploads were not touched and release normally.
    for (const release of running) release?.();
    expect(limiter.activeUploads).toBe(1);
    level = 'normal';
    expect(limiter.tryAcquire('e')).toBeDefined();
  });

  it('uploads: a strained limiter keeps one slot and one per peer; zero configured stays zero', () => {
    const strained = new UploadLimiter(
      { maxConcurrentUploads: 1, bytesPerSecond: 0 },
      () => 0,
      () => 'strained',
    );
    expect(strained.slots()).toBe(1);
    expect(strained.tryAcquire('a')).toBeDefined();
    expect(strained.tryAcquire('a')).toBeUndefined();
    const off = new UploadLimiter(
      { maxConcurrentUploads: 0, bytesPerSecond: 0 },
      () => 0,
      () => 'strained',
    );
    expect(off.slots()).toBe(0);
  });

  it('new connections: no offers while held back, the usual number otherwise', () => {
    expect(offersForAnnounce(2, 12, 5)).toBe(5);
    expect(offersForAnnounce(2, 12, 5, false)).toBe(5);
    expect(offersForAnnounce(2, 12, 5, true)).toBe(0);
  });
});

// ---- the engine ----

/** The probe's timer, fired by hand `lateMs` after it was due. */
class ProbeClock {
  nowMs = 0;
  private pending: { callback: () => void; dueAtMs: number } | undefined;
  readonly monitor = new MainThreadLagMonitor({
    now: () => this.nowMs,
    setTimer: (callback, delayMs) => {
      this.pending = { callback, dueAtMs: this.nowMs + delayMs };
      return this.pending;
    },
    clearTimer: (handle) => {
      if (handle === this.pending) this.pending = undefined;
    },
    isHidden: () => false,
    longTasks: null,
  });

  get armed(): boolean {
    return this.pending !== undefined;
  }

  fire(lateMs: number): void {
    const timer = this.pending;
    if (!timer) throw new Error('the probe is not running');
    this.pending = undefined;
    this.nowMs = timer.dueAtMs + lateMs;
    timer.callback();
  }
}

/** Lets the engine's promise chains (download start, delivery, store) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

function startEngine(extra: Partial<EngineConfig> = {}) {
  const peers = new EveryPeer();
  const clock = new ProbeClock();
  let context: PeerNetworkContext | undefined;
  const network: PeerNetwork = {
    peersFor: () => peers,
    setActiveStreams: () => undefined,
    rememberDigest: () => undefined,
    peerCount: 1,
    destroy: () => undefined,
  };
  // The origin serves segment 0 only: the one under the playhead, which the player loads first.
  const fetchImpl = (input: RequestInfo | URL): Promise<Response> => {
    const url = input instanceof Request ? input.url : input.toString();
    return Promise.resolve(
      url === SEGMENTS[0]?.url
        ? new Response(tsSegment(0).slice().buffer)
        : new Response('missing', { status: 404 }),
    );
  };
  const engine = new Engine(
    { trackers: ['wss://tracker.test'], ...extra },
    {
      fetch: fetchImpl,
      mainThreadLag: clock.monitor,
      createPeerNetwork: (given) => {
        context = given;
        return network;
      },
    },
  );
  const loads: MainThreadLoad[] = [];
  engine.on('main-thread-load', (load) => loads.push(load));
  engine.setSource('https://cdn.test/master.m3u8');
  engine.updateStream(STREAM, { segments: SEGMENTS, isLive: false });
  const level = (): string | undefined => context?.mainThreadLevel?.();
  return { engine, peers, clock, loads, level };
}

/**
 * Loads segment 0 (from the origin: its deadline is now) and starts playback at 0 s with it
 * buffered; background prefetch may begin, and segment 1 has 4 s of slack.
 */
async function play(engine: Engine): Promise<void> {
  engine.setPlayback({ position: 0, rate: 0, bufferedEnd: 0 });
  const first = await engine.loadSegment(STREAM, SEGMENTS[0] as Segment);
  expect(first.source).toBe('http');
  engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 4 });
}

describe('Engine back-off', () => {
  let engine: Engine | undefined;
  afterEach(() => {
    engine?.destroy();
    engine = undefined;
  });

  it('probes only while a stream plays over P2P, and destroy leaves no probe timer', () => {
    const started = startEngine();
    engine = started.engine;
    expect(started.clock.armed).toBe(false);
    engine.setActiveStream(STREAM);
    expect(started.clock.armed).toBe(true);
    engine.removeStream(STREAM.key);
    expect(started.clock.armed).toBe(false);
    engine.updateStream(STREAM, { segments: SEGMENTS, isLive: false });
    engine.setActiveStream(STREAM);
    expect(started.clock.armed).toBe(true);
    engine.destroy();
    expect(started.clock.armed).toBe(false);
    expect(started.clock.monitor.running).toBe(false);
  });

  it('never probes with P2P off', () => {
    const clock = new ProbeClock();
    engine = new Engine({ p2pDisabled: true }, { mainThreadLag: clock.monitor });
    engine.setSource('https://cdn.test/master.m3u8');
    engine.updateStream(STREAM, { segments: SEGMENTS, isLive: false });
    engine.setActiveStream(STREAM);
    expect(clock.armed).toBe(false);
  });

  it('prefetches from peers on the probe tick while the thread is normal', async () => {
    const started = startEngine();
    engine = started.engine;
    engine.setActiveStream(STREAM);
    await play(engine);
    started.clock.fire(0);
    await settle();
    expect(started.peers.requested).toEqual([1]);
    expect(started.level()).toBe('normal');
    expect(engine.getMainThreadLoad()).toEqual({ level: 'normal', lagMs: 0 });
  });

  it('stops prefetching while starved, tells the P2P half and the app, and resumes after recovery', async () => {
    const started = startEngine();
    engine = started.engine;
    engine.setActiveStream(STREAM);
    // Starve before playback starts, so the first ticks cannot prefetch either way.
    started.clock.fire(400);
    started.clock.fire(400);
    expect(started.level()).toBe('starved');
    expect(started.loads.map((l) => l.level)).toEqual(['strained', 'starved']);
    expect(engine.getMainThreadLoad().level).toBe('starved');
    await play(engine);
    for (let i = 0; i < 4; i++) started.clock.fire(400);
    await settle();
    expect(started.peers.requested).toEqual([]);

    // Recovery: on-time firings for longer than the hold bring prefetch back.
    for (let i = 0; i < 24 && started.level() !== 'normal'; i++) started.clock.fire(0);
    expect(started.level()).toBe('normal');
    expect(started.loads.at(-1)?.level).toBe('normal');
    await settle();
    started.clock.fire(0);
    await settle();
    expect(started.peers.requested.length).toBeGreaterThan(0);
  });

  it("never holds back the player's own request: starved, it still goes to peers at once", async () => {
    const started = startEngine();
    engine = started.engine;
    engine.setActiveStream(STREAM);
    started.clock.fire(400);
    started.clock.fire(400);
    expect(started.level()).toBe('starved');
    await play(engine);
    const segment = SEGMENTS[1] as Segment;
    const loaded = await engine.loadSegment(STREAM, segment);
    expect(loaded.source).toBe('p2p');
    expect(new Uint8Array(loaded.data)).toEqual(tsSegment(1));
    expect(started.peers.requested).toEqual([1]);
  });

  it('with mainThreadBackoff off, reports the level but P2P work does not adapt', async () => {
    const started = startEngine({ mainThreadBackoff: false });
    engine = started.engine;
    engine.setActiveStream(STREAM);
    started.clock.fire(400);
    started.clock.fire(400);
    expect(engine.getMainThreadLoad().level).toBe('starved');
    expect(started.level()).toBe('normal');
    await play(engine);
    started.clock.fire(400);
    await settle();
    expect(started.peers.requested).toEqual([1]);
  });
});
