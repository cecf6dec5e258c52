/**
 * The plugins' one Shaka start-up (plugins/shared/shaka-start.ts): the order of its steps (polyfills,
 * player, the plugin's listeners, attach, the engine, load), which Shaka errors reach the viewer,
 * what destroy() stops, and `preload` honoured: with `none`/`metadata` nothing loads before the
 * first play. Shaka itself cannot run in Node, so a recording stand-in plays its part
 * here; the real Shaka Player runs this code in the Video.js, JW Player, Clappr and MediaElement
 * browser tests.
 */
import { P2PMediaLoaderError } from '../../../core/errors.js';
import type { ShakaNamespace, ShakaPlayerLike } from '../../../adapters/shaka/shaka-types.js';
import type { P2PPlayerSession, PlayerSource } from '../../../plugins/shared/contract.js';
import {
  shakaFailureOf,
  startShakaPlayback,
  type ShakaFailure,
} from '../../../plugins/shared/shaka-start.js';
import { FakeMedia } from './fake-media.js';

const SOURCE: PlayerSource = { src: 'https://cdn.example/live/manifest.mpd' };

function fakeMedia(attributes: Readonly<Record<string, string>> = {}): HTMLMediaElement {
  return new FakeMedia(attributes) as unknown as HTMLMediaElement;
}

const MEDIA = fakeMedia();

/** Records what happens to it; `load()` settles as the test says. */
class RecordingPlayer extends EventTarget {
  static created: RecordingPlayer[] = [];
  static steps: string[] = [];
  loadOutcome: Promise<unknown> = Promise.resolve();
  destroyed = false;

  constructor() {
    super();
    RecordingPlayer.created.push(this);
    RecordingPlayer.steps.push('new Player');
  }
  attach(): Promise<void> {
    RecordingPlayer.steps.push('attach');
    return Promise.resolve();
  }
  load(uri: string): Promise<unknown> {
    RecordingPlayer.steps.push(`load ${uri}`);
    return this.loadOutcome;
  }
  unload(): Promise<void> {
    return Promise.resolve();
  }
  destroy(): Promise<void> {
    this.destroyed = true;
    return Promise.resolve();
  }
  bufferingGoal = 10;
  configure(config: { streaming?: { bufferingGoal?: number } }): boolean {
    const goal = config.streaming?.bufferingGoal;
    if (goal !== undefined) {
      this.bufferingGoal = goal;
      RecordingPlayer.steps.push(`bufferingGoal ${String(goal)}`);
    }
    return true;
  }
  getConfiguration(): { streaming: { bufferingGoal: number } } {
    return { streaming: { bufferingGoal: this.bufferingGoal } };
  }
  getNetworkingEngine(): null {
    return null;
  }
  getMediaElement(): null {
    return null;
  }
  getAssetUri(): null {
    return null;
  }
  isLive(): boolean {
    return true;
  }
  fail(detail: unknown): void {
    this.dispatchEvent(Object.assign(new Event('error'), { detail }));
  }
}

function shakaNamespace(): ShakaNamespace {
  return {
    Player: RecordingPlayer,
    polyfill: {
      installAll: () => {
        RecordingPlayer.steps.push('polyfills');
      },
    },
  } as unknown as ShakaNamespace;
}

/** The session members the start-up uses. */
function session(attach: (player: ShakaPlayerLike) => void = () => undefined): P2PPlayerSession {
  return {
    options: {},
    resolveShaka: () => Promise.resolve(shakaNamespace()),
    attachShaka: (player: ShakaPlayerLike) => {
      RecordingPlayer.steps.push('attachShaka');
      attach(player);
    },
  } as unknown as P2PPlayerSession;
}

beforeEach(() => {
  RecordingPlayer.created = [];
  RecordingPlayer.steps = [];
});

describe('startShakaPlayback', () => {
  it('installs polyfills, lets the plugin listen, attaches, plugs the engine in, then loads', async () => {
    const playback = startShakaPlayback({
      session: session(),
      source: SOURCE,
      media: MEDIA,
      onPlayer: () => {
        RecordingPlayer.steps.push('plugin listeners');
      },
      onFatal: () => undefined,
    });
    await playback.ready;

    expect(RecordingPlayer.steps).toEqual([
      'polyfills',
      'new Player',
      'plugin listeners',
      'attach',
      'attachShaka',
      // Nobody played yet: one segment ahead until the first play (see the preload tests).
      'bufferingGoal 1',
      `load ${SOURCE.src}`,
    ]);
    expect(playback.loaded).toBe(true);
    expect(playback.player()).toBe(RecordingPlayer.created[0]);
  });

  it('plays without the engine when told so, or when the session is off or destroyed', async () => {
    const off = startShakaPlayback({
      session: session(),
      source: SOURCE,
      media: MEDIA,
      withEngine: false,
      onFatal: () => undefined,
    });
    await off.ready;
    expect(RecordingPlayer.steps).not.toContain('attachShaka');

    const failures: ShakaFailure[] = [];
    const destroyedHandle = startShakaPlayback({
      session: session(() => {
        throw new P2PMediaLoaderError('destroyed', 'the P2P handle was destroyed');
      }),
      source: SOURCE,
      media: MEDIA,
      onFatal: (failure) => failures.push(failure),
    });
    await destroyedHandle.ready;
    expect(destroyedHandle.loaded).toBe(true);
    expect(failures).toEqual([]);
  });

  it('ignores interruptions and recoverable errors, reports one critical failure once', async () => {
    const failures: ShakaFailure[] = [];
    const playback = startShakaPlayback({
      session: session(),
      source: SOURCE,
      media: MEDIA,
      onFatal: (failure) => failures.push(failure),
    });
    await playback.ready;
    const player = RecordingPlayer.created[0];
    player?.fail({ severity: 2, category: 7, code: 7000 });
    player?.fail({ severity: 2, category: 7, code: 7001 });
    player?.fail({ severity: 1, category: 1, code: 1001 });
    expect(failures).toEqual([]);

    player?.fail({ severity: 2, category: 1, code: 1002, message: 'HTTP 404' });
    player?.fail({ severity: 2, category: 3, code: 3016 });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.shaka.code).toBe(1002);
    expect(failures[0]?.error.message).toBe('Shaka Player error 1002: HTTP 404');
  });

  it('reports a failed load, but not one a destroy() interrupted', async () => {
    const failures: ShakaFailure[] = [];
    // Shaka rejects with `shaka.util.Error`, an Error with Shaka's numbers.
    const loadFailure = Object.assign(new Error('Shaka Error 4000'), {
      severity: 2,
      category: 4,
      code: 4000,
    });
    const failing = startShakaPlayback({
      session: session((player) => {
        (player as unknown as RecordingPlayer).loadOutcome = Promise.reject(loadFailure);
      }),
      source: SOURCE,
      media: MEDIA,
      onFatal: (failure) => failures.push(failure),
    });
    await failing.ready;
    expect(failures.map((failure) => failure.shaka.code)).toEqual([4000]);
    expect(failures[0]?.error.message).toBe('Shaka Player error 4000: Shaka Error 4000');
    expect(failing.loaded).toBe(false);

    let rejectLoad: (reason: unknown) => void = () => undefined;
    const destroyedDuringLoad = startShakaPlayback({
      session: session((player) => {
        (player as unknown as RecordingPlayer).loadOutcome = new Promise((_resolve, reject) => {
          rejectLoad = reject;
        });
      }),
      source: SOURCE,
      media: MEDIA,
      onFatal: (failure) => failures.push(failure),
    });
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    destroyedDuringLoad.destroy();
    rejectLoad(Object.assign(new Error('Shaka Error 4000'), { severity: 2, code: 4000 }));
    await destroyedDuringLoad.ready;
    expect(failures).toHaveLength(1);
    expect(RecordingPlayer.created[1]?.destroyed).toBe(true);
    expect(destroyedDuringLoad.player()).toBeUndefined();
  });

  it('creates no player when destroyed before Shaka resolved, and says when Shaka is missing', async () => {
    const early = startShakaPlayback({
      session: session(),
      source: SOURCE,
      media: MEDIA,
      onFatal: () => undefined,
    });
    early.destroy();
    await early.ready;
    expect(RecordingPlayer.created).toEqual([]);

    const failures: ShakaFailure[] = [];
    const missing = startShakaPlayback({
      session: undefined,
      source: SOURCE,
      media: MEDIA,
      resolveShaka: () => Promise.resolve(undefined),
      onFatal: (failure) => failures.push(failure),
    });
    await missing.ready;
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error.message).toMatch(/Shaka Player is not available on this page/);
  });
});

describe('startShakaPlayback and preload', () => {
  /** Lets the start-up's promise chain run. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  it.each(['none', 'metadata'])(
    'preload="%s": ready without loading; the first play loads the source',
    async (preload) => {
      const media = fakeMedia({ preload });
      const playback = startShakaPlayback({
        session: session(),
        source: SOURCE,
        media,
        onFatal: () => undefined,
      });
      await playback.ready;
      await settle();
      expect(RecordingPlayer.steps).toEqual([
        'polyfills',
        'new Player',
        'attach',
        'attachShaka',
        'bufferingGoal 1',
      ]);
      expect(playback.loaded).toBe(false);

      (media as unknown as FakeMedia).play();
      await settle();
      expect(RecordingPlayer.steps.at(-1)).toBe(`load ${SOURCE.src}`);
      expect(playback.loaded).toBe(true);
    },
  );

  it('loads at once with preload="auto", autoplay, or honourPreload off', async () => {
    const cases = [
      { media: fakeMedia({ preload: 'auto' }) },
      { media: fakeMedia({ preload: 'none', autoplay: '' }) },
      { media: fakeMedia({ preload: 'none' }), honourPreload: false },
    ];
    for (const extra of cases) {
      const playback = startShakaPlayback({
        session: session(),
        source: SOURCE,
        onFatal: () => undefined,
        ...extra,
      });
      await playback.ready;
      expect(playback.loaded).toBe(true);
    }
    expect(RecordingPlayer.steps.filter((step) => step.startsWith('load'))).toHaveLength(3);
  });

  it('preload="auto", unstarted: one segment ahead (goal 1 s) until the first play restores Shaka\'s', async () => {
    const media = fakeMedia({ preload: 'auto' });
    const playback = startShakaPlayback({
      session: session(),
      source: SOURCE,
      media,
      onFatal: () => undefined,
    });
    await playback.ready;
    expect(RecordingPlayer.steps).toEqual([
      'polyfills',
      'new Player',
      'attach',
      'attachShaka',
      'bufferingGoal 1',
      `load ${SOURCE.src}`,
    ]);
    (media as unknown as FakeMedia).play();
    expect(RecordingPlayer.created[0]?.bufferingGoal).toBe(10);
  });

  it('leaves a buffering goal the page configured alone', async () => {
    const configured = {
      ...session(),
      options: { shakaConfig: { streaming: { bufferingGoal: 30 } } },
    } as unknown as P2PPlayerSession;
    const playback = startShakaPlayback({
      session: configured,
      source: SOURCE,
      media: fakeMedia(),
      onFatal: () => undefined,
    });
    await playback.ready;
    expect(RecordingPlayer.steps.filter((step) => step.startsWith('bufferingGoal'))).toEqual([]);
  });

  it('destroyed while waiting for play: never loads, settles, stops listening', async () => {
    const media = fakeMedia({ preload: 'none' });
    const playback = startShakaPlayback({
      session: session(),
      source: SOURCE,
      media,
      onFatal: () => undefined,
    });
    await playback.ready;
    await settle();
    playback.destroy();
    (media as unknown as FakeMedia).play();
    await settle();
    expect(RecordingPlayer.steps.some((step) => step.startsWith('load'))).toBe(false);
    expect(RecordingPlayer.created[0]?.destroyed).toBe(true);
  });
});

describe('shakaFailureOf', () => {
  it('passes thrown Errors through and describes numbers-only rejections', () => {
    const thrown = new Error('boom');
    expect(shakaFailureOf(thrown)?.error).toBe(thrown);
    expect(shakaFailureOf('odd')?.error.message).toBe('Shaka Player error odd');
    expect(shakaFailureOf({ code: 7000 })).toBeUndefined();
  });
});
