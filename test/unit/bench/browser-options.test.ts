/**
 * The bench's `--browser` option (issue 17): which browser each viewer of both arms runs in, what
 * it cannot be combined with, and that `--player jwplayer` (the real JW Player build) stays within
 * what its plain arm can play.
 */
import {
  BENCH_USAGE,
  BenchUsageError,
  parseBenchArgs,
} from '../../../scripts/bench/bench-options.js';
import { browsersNeeded, viewerBrowserAt } from '../../../scripts/bench/browser-mix.js';

describe('--browser', () => {
  it('runs every viewer in Chromium by default', () => {
    expect(parseBenchArgs([])?.browser).toBe('chromium');
  });

  it.each(['chromium', 'firefox', 'mixed'] as const)('accepts %s', (browser) => {
    expect(parseBenchArgs(['--browser', browser])?.browser).toBe(browser);
  });

  it('accepts Firefox with the Shaka page', () => {
    expect(
      parseBenchArgs(['--browser', 'firefox', '--engine', 'shaka', '--protocol', 'dash']),
    ).toMatchObject({ browser: 'firefox', player: 'shaka', stream: 'dash-number' });
  });

  it('rejects an unknown browser, naming the choices', () => {
    expect(() => parseBenchArgs(['--browser', 'safari'])).toThrow(
      new BenchUsageError("--browser must be chromium, firefox, mixed, got 'safari'"),
    );
  });

  it.each(['firefox', 'mixed'])(
    'rejects --browser %s with --network (the lab is Chromium-only)',
    (browser) => {
      expect(() => parseBenchArgs(['--browser', browser, '--network', 'clean'])).toThrow(
        `--browser ${browser} is not supported with --network`,
      );
    },
  );

  it.each(['firefox', 'mixed'])(
    'rejects --browser %s with --browser-per-viewer (Firefox viewers share one Firefox)',
    (browser) => {
      expect(() => parseBenchArgs(['--browser', browser, '--browser-per-viewer'])).toThrow(
        `--browser ${browser} is not supported with --browser-per-viewer`,
      );
    },
  );

  it('keeps --network with --browser chromium', () => {
    expect(parseBenchArgs(['--browser', 'chromium', '--network', 'clean'])).toMatchObject({
      browser: 'chromium',
      browserPerViewer: true,
    });
  });

  it('rejects Firefox viewers for JW Player, whose plain arm plays HLS natively only', () => {
    expect(() => parseBenchArgs(['--player', 'jwplayer', '--browser', 'mixed'])).toThrow(
      '--browser mixed is not supported with --player jwplayer',
    );
    expect(parseBenchArgs(['--player', 'jwplayer'])).toMatchObject({
      player: 'jwplayer',
      engine: 'hlsjs',
      browser: 'chromium',
    });
  });

  it('rejects --cap-level for JW Player (its plain arm cannot be capped)', () => {
    expect(() => parseBenchArgs(['--player', 'jwplayer', '--cap-level', '1'])).toThrow(
      BenchUsageError,
    );
  });

  it('is documented in the usage text', () => {
    expect(BENCH_USAGE).toContain('--browser chromium|firefox|mixed');
  });
});

describe('viewerBrowserAt', () => {
  it('alternates Chromium and Firefox by join order when mixed: 3 + 3 for 6 viewers', () => {
    const six = Array.from({ length: 6 }, (_, index) => viewerBrowserAt('mixed', index));
    expect(six).toEqual(['chromium', 'firefox', 'chromium', 'firefox', 'chromium', 'firefox']);
  });

  it('puts every viewer in the one browser otherwise', () => {
    expect([0, 1, 2].map((index) => viewerBrowserAt('firefox', index))).toEqual([
      'firefox',
      'firefox',
      'firefox',
    ]);
    expect(viewerBrowserAt('chromium', 5)).toBe('chromium');
  });
});

describe('browsersNeeded', () => {
  it('launches only the browsers some viewer runs in', () => {
    expect(browsersNeeded('mixed', 6)).toEqual(['chromium', 'firefox']);
    expect(browsersNeeded('mixed', 1)).toEqual(['chromium']);
    expect(browsersNeeded('firefox', 2)).toEqual(['firefox']);
    expect(browsersNeeded('chromium', 2)).toEqual(['chromium']);
  });
});

describe('--jw-baseline', () => {
  it("is JW Player alone (native HLS) unless told 'hlsjs' (the plugin's provider, P2P off)", () => {
    expect(parseBenchArgs(['--player', 'jwplayer'])?.jwBaseline).toBe('native');
    expect(parseBenchArgs(['--player', 'jwplayer', '--jw-baseline', 'hlsjs'])?.jwBaseline).toBe(
      'hlsjs',
    );
  });

  it('rejects another value, and any value without --player jwplayer', () => {
    expect(() => parseBenchArgs(['--player', 'jwplayer', '--jw-baseline', 'shaka'])).toThrow(
      new BenchUsageError("--jw-baseline must be native or hlsjs, got 'shaka'"),
    );
    expect(() => parseBenchArgs(['--player', 'videojs', '--jw-baseline', 'hlsjs'])).toThrow(
      new BenchUsageError('--jw-baseline needs --player jwplayer'),
    );
  });

  it('is documented in the usage text', () => {
    expect(BENCH_USAGE).toContain('--jw-baseline native|hlsjs');
  });
});
