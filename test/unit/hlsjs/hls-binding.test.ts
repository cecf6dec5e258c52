import Hls from 'hls.js';
import { P2PMediaLoaderError } from '../../../core/errors.js';
import { HlsJsP2PEngine } from '../../../adapters/hlsjs/hlsjs-p2p-engine.js';
import { installVod, MASTER_PATH, nodeHlsConfig } from './hls-fixture.js';
import { startLoad, waitFor } from './loader-harness.js';
import { installHlsGlobals } from './node-hls-env.js';
import { HTTP_ONLY_CONFIG, RecordingEngine } from './recording-engine.js';
import { TestOrigin } from './test-origin.js';

let origin: TestOrigin;
let engine: RecordingEngine;
const players: Hls[] = [];

const HlsWithP2P = HlsJsP2PEngine.injectMixin(Hls);

function p2pConfig() {
  return {
    ...HTTP_ONLY_CONFIG,
    createEngine: (config: object) => (engine = new RecordingEngine(config)),
  };
}

function track<T extends Hls>(hls: T): T {
  players.push(hls);
  return hls;
}

beforeAll(async () => {
  origin = await TestOrigin.start();
  installVod(origin);
  installHlsGlobals(origin.baseUrl);
});

afterEach(() => {
  for (const hls of players.splice(0)) hls.destroy();
});

afterAll(async () => {
  await origin.close();
});

const manifestUrl = () => origin.url(`${MASTER_PATH}?token=abc`);

describe('injectMixin', () => {
  it('builds a working Hls subclass that keeps the statics and exposes its adapter', () => {
    const hls = track(new HlsWithP2P({ ...nodeHlsConfig(), p2p: p2pConfig() }));
    expect(hls).toBeInstanceOf(Hls);
    expect(HlsWithP2P.Events.LEVEL_LOADED).toBe('hlsLevelLoaded');
    expect(typeof HlsWithP2P.isSupported).toBe('function');
    expect(hls.p2pEngine).toBeInstanceOf(HlsJsP2PEngine);
    expect(hls.p2pEngine.engine).toBe(engine);
    expect(hls.config.fLoader).toBe(hls.p2pEngine.getConfig().fLoader);
    expect(hls.config.pLoader).toBe(hls.p2pEngine.getConfig().pLoader);
  });

  it('passes the engine config on without the adapter options', () => {
    track(new HlsWithP2P({ ...nodeHlsConfig(), p2p: { ...p2pConfig(), maxPeers: 7 } }));
    expect(engine.config.maxPeers).toBe(7);
    expect(engine.config.p2pDisabled).toBe(true);
  });

  it('destroys the engine with the player', () => {
    const hls = new HlsWithP2P({ ...nodeHlsConfig(), p2p: p2pConfig() });
    hls.destroy();
    expect(engine.callsOf('destroy')).toHaveLength(1);
  });
});

describe('bindHls: feeding the engine from hls.js events', () => {
  it('reports the source, every stream with its segments, and the active streams', async () => {
    const hls = track(new HlsWithP2P({ ...nodeHlsConfig(), p2p: p2pConfig() }));
    hls.loadSource(manifestUrl());
    await waitFor(() => {
      const kinds = new Set(engine.callsOf('updateStream').map((call) => call.stream.kind));
      return kinds.has('main') && kinds.has('audio');
    });

    expect(engine.callsOf('setSource').map((call) => call.manifestUrl)).toEqual([manifestUrl()]);
    const updates = engine.callsOf('updateStream');
    const main = updates.find((call) => call.stream.kind === 'main');
    expect(main?.stream).toEqual({ key: 'main:v1/index.m3u8', kind: 'main', bitrate: 800_000 });
    expect(main?.update.isLive).toBe(false);
    expect(main?.update.segments.map((segment) => segment.id)).toEqual([10, 11, 12, 13]);
    expect(main?.update.segments[1]).toEqual({
      id: 11,
      url: origin.url('/vod/v1/slow11.m4s'),
      startTime: 4,
      endTime: 8,
    });
    const audio = updates.find((call) => call.stream.kind === 'audio');
    expect(audio?.stream.key).toBe('audio:audio/en/index.m3u8');
    expect(audio?.update.segments.map((segment) => segment.id)).toEqual([10, 11]);
    expect(
      engine
        .callsOf('setActiveStream')
        .map((call) => call.stream.key)
        .sort(),
    ).toEqual(['audio:audio/en/index.m3u8', 'main:v1/index.m3u8']);
  });

  it('names a stream the same way in its playlist updates and in fragment loads', async () => {
    const hls = track(new HlsWithP2P({ ...nodeHlsConfig(), p2p: p2pConfig() }));
    hls.loadSource(manifestUrl());
    await waitFor(() => engine.callsOf('updateStream').length > 0);
    const frag = hls.levels[0]?.details?.fragments[0];
    if (!frag) throw new Error('no fragment');

    const { fLoader } = hls.config;
    if (!fLoader) throw new Error('no fLoader');
    const outcome = await startLoad(fLoader, hls.config, frag).settled;

    expect(outcome.kind).toBe('success');
    const loadKey = engine.callsOf('loadSegment')[0]?.stream.key;
    expect(loadKey).toBe(engine.callsOf('updateStream')[0]?.stream.key);
  });

  it('follows a live playlist as its window slides', async () => {
    let sequence = 100;
    origin.set('/live/index.m3u8', {
      kind: 'text',
      body: () => {
        sequence += 1;
        const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:1', `#EXT-X-MEDIA-SEQUENCE:${sequence}`];
        for (let n = sequence; n < sequence + 3; n++) lines.push('#EXTINF:1.0,', `seg${n}.ts`);
        return lines.join('\n') + '\n';
      },
    });
    const hls = track(new HlsWithP2P({ ...nodeHlsConfig(), p2p: p2pConfig() }));
    hls.loadSource(origin.url('/live/index.m3u8'));
    await waitFor(
      () => new Set(engine.callsOf('updateStream').map((c) => c.update.segments[0]?.id)).size >= 2,
    );

    const updates = engine.callsOf('updateStream');
    expect(new Set(updates.map((call) => call.stream.key))).toEqual(new Set(['main:index.m3u8']));
    expect(updates.every((call) => call.update.isLive)).toBe(true);
    const firstIds = updates.map((call) => call.update.segments[0]?.id ?? -1);
    expect(firstIds).toEqual([...firstIds].sort((a, b) => a - b));
    const last = updates.at(-1)?.update.segments;
    expect(last?.map((segment) => segment.id)).toHaveLength(3);
    expect(last?.[0]?.url).toBe(origin.url(`/live/seg${last?.[0]?.id}.ts`));
  });

  it('catches up when bound after hls.js loaded the source', async () => {
    const adapter = new HlsJsP2PEngine(p2pConfig());
    const hls = track(new Hls({ ...nodeHlsConfig(), ...adapter.getConfig() }));
    const loaded = new Promise((resolve) => {
      hls.once(Hls.Events.LEVEL_LOADED, resolve);
    });
    hls.loadSource(manifestUrl());
    await loaded;
    expect(engine.callsOf('updateStream')).toHaveLength(0);

    adapter.bindHls(hls);

    expect(engine.callsOf('setSource')).toHaveLength(1);
    expect(engine.callsOf('updateStream')[0]?.stream.key).toBe('main:v1/index.m3u8');
    expect(engine.callsOf('setActiveStream')[0]?.stream.key).toBe('main:v1/index.m3u8');
    adapter.destroy();
  });

  it('binds once per instance and unbinds from a replaced instance', () => {
    const adapter = new HlsJsP2PEngine(p2pConfig());
    const first = track(new Hls(nodeHlsConfig()));
    const second = track(new Hls(nodeHlsConfig()));
    const baseline = first.listenerCount(Hls.Events.LEVEL_LOADED);

    adapter.bindHls(first);
    adapter.bindHls(first);
    expect(first.listenerCount(Hls.Events.LEVEL_LOADED)).toBe(baseline + 1);

    adapter.bindHls(second);
    expect(first.listenerCount(Hls.Events.LEVEL_LOADED)).toBe(baseline);
    expect(second.listenerCount(Hls.Events.LEVEL_LOADED)).toBe(baseline + 1);

    adapter.destroy();
    expect(second.listenerCount(Hls.Events.LEVEL_LOADED)).toBe(baseline);
    expect(() => {
      adapter.bindHls(first);
    }).toThrow(new P2PMediaLoaderError('destroyed', 'The hls.js P2P adapter was destroyed'));
  });

  it('unbinds when hls.js is destroyed, leaving the adapter usable', () => {
    const adapter = new HlsJsP2PEngine(p2pConfig());
    const hls = new Hls(nodeHlsConfig());
    adapter.bindHls(hls);
    const other = track(new Hls(nodeHlsConfig()));
    const baseline = other.listenerCount(Hls.Events.LEVEL_LOADED);

    hls.destroy();
    expect(engine.callsOf('destroy')).toHaveLength(0);
    adapter.bindHls(other);
    expect(other.listenerCount(Hls.Events.LEVEL_LOADED)).toBe(baseline + 1);
    adapter.destroy();
  });
});
