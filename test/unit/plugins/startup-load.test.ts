/**
 * Data respect before the first play (plugins/shared/startup-load.ts and the hls.js start-up in
 * hls-start.ts): the media element's `preload` decides what an unstarted player loads. hls.js is a
 * recording stand-in here (its config keys and events as hls.js 1.x reads them); the real hls.js
 * runs this in the embed and data-respect browser tests.
 */
import type { P2PPlayerSession, PlayerSource } from '../../../plugins/shared/contract.js';
import { createHlsPlayer } from '../../../plugins/shared/hls-start.js';
import {
  onFirstPlay,
  preloadWishOf,
  startupLoadPlan,
  UNSTARTED_BUFFER_SECONDS,
} from '../../../plugins/shared/startup-load.js';
import { FakeMedia } from './fake-media.js';

const SOURCE: PlayerSource = { src: 'https://cdn.example/vod/master.m3u8' };

type Listener = (event: string, data: unknown) => void;

/** hls.js as the start-up drives it: config read at each use, events, load calls recorded. */
class RecordingHls {
  static created: RecordingHls[] = [];
  readonly config: Record<string, unknown>;
  readonly calls: string[] = [];
  levels: unknown[] = [];
  audioTracks: unknown[] = [];
  media: HTMLMediaElement | null = null;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(config: Record<string, unknown>) {
    this.config = { autoStartLoad: true, maxMaxBufferLength: 600, ...config };
    RecordingHls.created.push(this);
  }
  on(event: string, listener: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  off(): void {}
  trigger(event: string, data: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(event, data);
  }
  attachMedia(media: FakeMedia): void {
    this.trigger('hlsMediaAttaching', { media });
  }
  loadSource(url: string): void {
    this.calls.push(`loadSource ${url}`);
  }
  startLoad(): void {
    this.calls.push('startLoad');
  }
  destroy(): void {
    this.trigger('hlsDestroying', {});
  }
}

function session(hlsConfig: Record<string, unknown> = {}): P2PPlayerSession {
  return { options: { hlsConfig } } as unknown as P2PPlayerSession;
}

/** Creates hls.js the way the plugins do (no engine), attaches `media`, loads the source. */
function start(media: FakeMedia, hlsConfig: Record<string, unknown> = {}): RecordingHls {
  const hls = createHlsPlayer(session(hlsConfig), RecordingHls as never, SOURCE, {
    withEngine: false,
  }) as unknown as RecordingHls;
  hls.attachMedia(media);
  hls.loadSource(SOURCE.src);
  return hls;
}

describe('startupLoadPlan', () => {
  it('reads preload as the HTML attribute: none, metadata, else auto', () => {
    expect(preloadWishOf('none')).toBe('none');
    expect(preloadWishOf(' METADATA ')).toBe('metadata');
    expect(preloadWishOf('')).toBe('auto');
    expect(preloadWishOf(null)).toBe('auto');
    expect(preloadWishOf('eager')).toBe('auto');
  });

  it('holds an unstarted element to its preload, and nothing once it plays or autoplays', () => {
    const unstarted = { autoplay: false, paused: true };
    expect(startupLoadPlan({ ...unstarted, preloadAttribute: 'none' })).toEqual({
      wish: 'none',
      loadManifest: false,
      loadMedia: false,
      unstartedBufferSeconds: UNSTARTED_BUFFER_SECONDS,
    });
    expect(startupLoadPlan({ ...unstarted, preloadAttribute: 'metadata' })).toMatchObject({
      loadManifest: true,
      loadMedia: false,
    });
    expect(startupLoadPlan({ ...unstarted, preloadAttribute: null })).toMatchObject({
      loadMedia: true,
      unstartedBufferSeconds: UNSTARTED_BUFFER_SECONDS,
    });
    const free = { loadManifest: true, loadMedia: true, unstartedBufferSeconds: undefined };
    expect(
      startupLoadPlan({ preloadAttribute: 'none', autoplay: true, paused: true }),
    ).toMatchObject(free);
    expect(
      startupLoadPlan({ preloadAttribute: 'none', autoplay: false, paused: false }),
    ).toMatchObject(free);
  });

  it('onFirstPlay calls once, at once when playing, never after it was stopped', () => {
    const media = new FakeMedia();
    const calls: string[] = [];
    onFirstPlay(media, () => calls.push('first'));
    media.play();
    media.play();
    const stopped = new FakeMedia();
    onFirstPlay(stopped, () => calls.push('stopped'))();
    stopped.play();
    onFirstPlay(media, () => calls.push('playing'));
    expect(calls).toEqual(['first', 'playing']);
  });
});

describe('createHlsPlayer honours preload until the first play', () => {
  beforeEach(() => {
    RecordingHls.created = [];
  });

  it('preload="auto": loads at once; a VOD stream one segment ahead, a live one none, until play', () => {
    const media = new FakeMedia({ preload: 'auto' });
    const hls = start(media);
    expect(hls.calls).toEqual([`loadSource ${SOURCE.src}`]);
    // No media until a playlist says whether the stream is live.
    expect(hls.config).toMatchObject({ autoStartLoad: true, maxMaxBufferLength: 0 });
    hls.trigger('hlsLevelLoaded', { details: { live: false } });
    expect(hls.config.maxMaxBufferLength).toBe(UNSTARTED_BUFFER_SECONDS);
    media.play();
    expect(hls.config).toMatchObject({ autoStartLoad: true, maxMaxBufferLength: 600 });
    // Later playlists (ABR switches) leave the configured goal alone.
    hls.trigger('hlsLevelLoaded', { details: { live: false } });
    expect(hls.config.maxMaxBufferLength).toBe(600);
    expect(hls.calls).toEqual([`loadSource ${SOURCE.src}`]);

    const liveMedia = new FakeMedia();
    const live = start(liveMedia);
    live.trigger('hlsLevelLoaded', { details: { live: true } });
    expect(live.config.maxMaxBufferLength).toBe(0);
    liveMedia.play();
    expect(live.config.maxMaxBufferLength).toBe(600);
  });

  it('preload="metadata": the manifest only; play starts loading (after the manifest, or at its arrival)', () => {
    const parsed = new FakeMedia({ preload: 'metadata' });
    const hls = start(parsed);
    expect(hls.config.autoStartLoad).toBe(false);
    hls.levels = [{}]; // the manifest arrived
    parsed.play();
    expect(hls.calls).toEqual([`loadSource ${SOURCE.src}`, 'startLoad']);
    expect(hls.config).toMatchObject({ autoStartLoad: true, maxMaxBufferLength: 600 });

    const early = new FakeMedia({ preload: 'metadata' });
    const beforeManifest = start(early);
    early.play();
    // hls.js starts by itself when the manifest comes: autoStartLoad is back on.
    expect(beforeManifest.calls).toEqual([`loadSource ${SOURCE.src}`]);
    expect(beforeManifest.config.autoStartLoad).toBe(true);
  });

  it('preload="none": not even the manifest before play', () => {
    const media = new FakeMedia({ preload: 'none' });
    const hls = start(media);
    expect(hls.calls).toEqual([]);
    media.play();
    expect(hls.calls).toEqual([`loadSource ${SOURCE.src}`]);
    expect(hls.config.autoStartLoad).toBe(true);
  });

  it('leaves autoplaying elements, settings the page made, and honourPreload: false alone', () => {
    const autoplay = start(new FakeMedia({ preload: 'none', autoplay: '' }));
    expect(autoplay.calls).toEqual([`loadSource ${SOURCE.src}`]);
    expect(autoplay.config).toMatchObject({ autoStartLoad: true, maxMaxBufferLength: 600 });

    const pageSet = start(new FakeMedia({ preload: 'metadata' }), {
      autoStartLoad: true,
      maxMaxBufferLength: 120,
    });
    expect(pageSet.config).toMatchObject({ autoStartLoad: true, maxMaxBufferLength: 120 });

    const off = createHlsPlayer(session(), RecordingHls as never, SOURCE, {
      withEngine: false,
      honourPreload: false,
    }) as unknown as RecordingHls;
    off.attachMedia(new FakeMedia({ preload: 'none' }));
    off.loadSource(SOURCE.src);
    expect(off.calls).toEqual([`loadSource ${SOURCE.src}`]);
  });

  it('a source held for one element follows the next one attached: held again, or loaded', () => {
    const hls = start(new FakeMedia({ preload: 'none' }));
    expect(hls.calls).toEqual([]);
    // Attached to another unstarted preload="none" element: still held, for that one's play.
    const second = new FakeMedia({ preload: 'none' });
    hls.attachMedia(second);
    expect(hls.calls).toEqual([]);
    second.play();
    expect(hls.calls).toEqual([`loadSource ${SOURCE.src}`]);

    // Attached to an element that already plays: the held source loads at once.
    const other = start(new FakeMedia({ preload: 'none' }));
    const playing = new FakeMedia({ preload: 'none' });
    playing.paused = false;
    other.attachMedia(playing);
    expect(other.calls).toEqual([`loadSource ${SOURCE.src}`]);
  });

  it('destroyed while holding: a later play loads nothing', () => {
    const media = new FakeMedia({ preload: 'none' });
    const hls = start(media);
    hls.destroy();
    media.play();
    expect(hls.calls).toEqual([]);
  });
});
