/**
 * The session with the real engine (HTTP only: Node has no RTCPeerConnection, so the session turns
 * P2P off with reason `no-webrtc`), loading real bytes from a local HTTP origin. `createEngine`
 * only keeps a reference to each real `Engine` so the test can drive segment loads the way the
 * hls.js adapter would.
 */
import type { EngineConfig } from '../../../core/engine/config.js';
import { Engine } from '../../../core/engine/engine.js';
import { P2PMediaLoaderError } from '../../../core/errors.js';
import type { P2PPlayerEventMap, P2PPlayerSession } from '../../../plugins/shared/contract.js';
import type { PlaybackEnvironment } from '../../../plugins/shared/playback-environment.js';
import { createPlayerSession } from '../../../plugins/shared/player-session.js';
import { testBytes, TestOrigin } from '../hlsjs/test-origin.js';

const SEGMENT_BYTES = 40_000;
const BROWSER_WITHOUT_WEBRTC: PlaybackEnvironment = {
  enabled: true,
  mse: true,
  webrtc: false,
  hlsjs: true,
  shaka: false,
};

let origin: TestOrigin;
let clockMs: number;
let engines: { engine: Engine; config: Partial<EngineConfig> }[];
let session: P2PPlayerSession;

beforeAll(async () => {
  origin = await TestOrigin.start();
  for (const name of ['a', 'b']) {
    origin.set(`/${name}/seg1.ts`, { kind: 'bytes', body: testBytes(name, SEGMENT_BYTES) });
  }
});

afterAll(async () => {
  await origin.close();
});

beforeEach(() => {
  clockMs = 1_000_000;
  engines = [];
  session = createPlayerSession(
    { httpRetries: 0, trackers: ['ws://127.0.0.1:9/'] },
    {
      environment: BROWSER_WITHOUT_WEBRTC,
      now: () => clockMs,
      createEngine: (config) => {
        const engine = new Engine(config);
        engines.push({ engine, config });
        return engine;
      },
    },
  );
});

afterEach(() => {
  session.destroy();
});

function source(name: string): { src: string } {
  return { src: origin.url(`/${name}/master.m3u8?token=${name}`) };
}

/** Loads the source's one segment through the engine, as the hls.js fragment loader does. */
async function loadSegmentOf(engine: Engine, name: string): Promise<void> {
  engine.setSource(source(name).src);
  await engine.loadSegment(
    { key: `main:${name}`, kind: 'main' },
    { id: 1, url: origin.url(`/${name}/seg1.ts`), startTime: 0, endTime: 4 },
  );
}

/** The real engine created for the `index`-th source. */
function engineAt(index: number): Engine {
  const created = engines[index];
  if (!created) throw new Error(`no engine #${index} was created`);
  return created.engine;
}

function nextEvent<K extends keyof P2PPlayerEventMap & string>(
  name: K,
): Promise<P2PPlayerEventMap[K]> {
  return new Promise((resolve) => {
    const off = session.on(name, (payload) => {
      off();
      resolve(payload);
    });
  });
}

/**
 * Records the repeating timers started from now on and reports how many are still running.
 * Counting every live `Timeout` of the process instead would also count the HTTP server's
 * keep-alive timers, which come and go on their own schedule.
 */
function trackIntervals(): { running(): number; restore(): void } {
  const running = new Set<unknown>();
  const realSet = globalThis.setInterval;
  const realClear = globalThis.clearInterval;
  const setSpy = jest
    .spyOn(globalThis, 'setInterval')
    .mockImplementation((...args: Parameters<typeof setInterval>) => {
      const handle = realSet(...args);
      running.add(handle);
      return handle;
    });
  const clearSpy = jest
    .spyOn(globalThis, 'clearInterval')
    .mockImplementation((handle?: Parameters<typeof clearInterval>[0]) => {
      running.delete(handle);
      realClear(handle);
    });
  return {
    running: () => running.size,
    restore: () => {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    },
  };
}

describe('createPlayerSession', () => {
  it('starts with no source: native, zero stats', () => {
    expect(session.engineKind).toBe('native');
    expect(session.getStats()).toEqual({
      httpBytes: 0,
      p2pBytes: 0,
      uploadBytes: 0,
      p2pRatio: 0,
      segments: { http: 0, p2p: 0, cache: 0 },
      peers: 0,
      storeBytes: 0,
      p2pBytesByPath: { direct: 0, relayed: 0, unknown: 0 },
      uploadBytesByPath: { direct: 0, relayed: 0, unknown: 0 },
      engine: 'native',
      uploadRate: 0,
      downloadRate: { http: 0, p2p: 0 },
    });
  });

  it('emits engine-selected for each choice, with P2P off for lack of WebRTC', () => {
    const selected: P2PPlayerEventMap['engine-selected'][] = [];
    session.on('engine-selected', (choice) => selected.push(choice));
    expect(session.chooseFor(source('a'))).toEqual({
      kind: 'hlsjs',
      sourceKind: 'hls',
      reason: 'no-webrtc',
    });
    session.chooseFor({ src: '/clip.mp4' });
    expect(selected).toEqual([
      { kind: 'hlsjs', sourceKind: 'hls', reason: 'no-webrtc', src: source('a').src },
      { kind: 'native', sourceKind: 'other', reason: 'unsupported-source', src: '/clip.mp4' },
    ]);
  });

  it('runs one engine per source, P2P off without WebRTC, and forwards segment-loaded', async () => {
    const { loaders } = session.prepareHls(source('a'));
    expect(typeof loaders.fLoader).toBe('function');
    expect(typeof loaders.pLoader).toBe('function');
    expect(session.engineKind).toBe('hlsjs');
    expect(engines).toHaveLength(1);
    expect(engines[0]?.config).toMatchObject({ p2pDisabled: true, httpRetries: 0 });

    const loaded = nextEvent('segment-loaded');
    await loadSegmentOf(engineAt(0), 'a');
    expect(await loaded).toEqual({
      streamKey: 'main:a',
      segmentId: 1,
      source: 'http',
      bytes: SEGMENT_BYTES,
    });
  });

  it('adds counters up across sources and destroys the previous source engine', async () => {
    session.prepareHls(source('a'));
    await loadSegmentOf(engineAt(0), 'a');
    session.prepareHls(source('b'));
    expect(engines).toHaveLength(2);
    await expect(loadSegmentOf(engineAt(0), 'a')).rejects.toMatchObject({
      code: 'destroyed',
    });
    await loadSegmentOf(engineAt(1), 'b');
    const stats = session.getStats();
    expect(stats.httpBytes).toBe(2 * SEGMENT_BYTES);
    expect(stats.segments).toEqual({ http: 2, p2p: 0, cache: 0 });
    expect(stats.p2pRatio).toBe(0);

    session.endSource();
    expect(session.engineKind).toBe('native');
    expect(session.getStats().httpBytes).toBe(2 * SEGMENT_BYTES);
    expect(session.getStats().storeBytes).toBe(0);
  });

  it('averages download rates over the last 5 s', async () => {
    session.prepareHls(source('a'));
    await loadSegmentOf(engineAt(0), 'a');
    expect(session.getStats().downloadRate).toEqual({ http: SEGMENT_BYTES / 5, p2p: 0 });
    clockMs += 4999;
    expect(session.getStats().downloadRate.http).toBe(SEGMENT_BYTES / 5);
    clockMs += 2;
    expect(session.getStats().downloadRate.http).toBe(0);
  });

  it('emits stats every second only while a source is loaded', async () => {
    const intervals = trackIntervals();
    try {
      session.prepareHls(source('a'));
      await loadSegmentOf(engineAt(0), 'a');
      expect(intervals.running()).toBeGreaterThan(0);
      const stats = await nextEvent('stats');
      expect(stats.httpBytes).toBe(SEGMENT_BYTES);
      expect(stats.engine).toBe('hlsjs');
      session.endSource();
      expect(intervals.running()).toBe(0);
    } finally {
      intervals.restore();
    }
  });

  it('reports invalid options as non-fatal errors after creation, and plays on', async () => {
    const withProblems = createPlayerSession(
      { maxPeers: 0, overlay: 'big', enabled: true },
      { environment: BROWSER_WITHOUT_WEBRTC },
    );
    const errors: P2PPlayerEventMap['error'][] = [];
    withProblems.on('error', (event) => errors.push(event));
    expect(withProblems.options).toEqual({ enabled: true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors.map(({ error, fatal }) => [(error as P2PMediaLoaderError).code, fatal])).toEqual([
      ['config-invalid', false],
      ['config-invalid', false],
    ]);
    withProblems.destroy();
  });

  it('releases everything on destroy, idempotently, and refuses new sources after', async () => {
    const intervals = trackIntervals();
    const events: string[] = [];
    try {
      session.on('stats', () => events.push('stats'));
      session.prepareHls(source('a'));
      expect(intervals.running()).toBeGreaterThan(0);
      session.destroy();
      session.destroy();
      expect(intervals.running()).toBe(0);
    } finally {
      intervals.restore();
    }
    await expect(loadSegmentOf(engineAt(0), 'a')).rejects.toMatchObject({
      code: 'destroyed',
    });
    expect(() => session.prepareHls(source('b'))).toThrow(P2PMediaLoaderError);
    session.reportError(new Error('late'), false);
    expect(events).toEqual([]);
  });

  it('binds no hls.js instance to a source that has ended, and refuses attachShaka without a shaka namespace', () => {
    const first = session.prepareHls(source('a'));
    const second = session.prepareHls(source('b'));
    // The hookup of an ended source never reaches the instance (its engine is destroyed).
    expect(first.bind({} as never)).toBe(false);
    session.endSource();
    expect(second.bind({} as never)).toBe(false);
    expect(() => {
      session.attachShaka({} as never, { src: '/a.mpd' });
    }).toThrow(/shaka/);
  });

  it('resolves Shaka through loadShaka once, reporting a failed load as a non-fatal error', async () => {
    const shaka = { net: {}, util: {} } as never;
    let loads = 0;
    const lazy = createPlayerSession({
      loadShaka: () => {
        loads++;
        return Promise.resolve(shaka);
      },
    });
    expect(await lazy.resolveShaka()).toBe(shaka);
    expect(await lazy.resolveShaka()).toBe(shaka);
    expect(loads).toBe(1);
    lazy.destroy();

    const failing = createPlayerSession({ loadShaka: () => Promise.reject(new Error('offline')) });
    const error = nextErrorOf(failing);
    expect(await failing.resolveShaka()).toBeUndefined();
    expect(await error).toMatchObject({ fatal: false, error: { message: 'offline' } });
    failing.destroy();
  });
});

function nextErrorOf(target: P2PPlayerSession): Promise<P2PPlayerEventMap['error']> {
  return new Promise((resolve) => {
    target.on('error', resolve);
  });
}
