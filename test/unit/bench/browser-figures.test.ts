/**
 * The per-browser figures of a bench scenario (`byBrowser`, issue 17): each browser's offload
 * (P2P bytes over bytes played), stalls and startup in both arms, and Firefox's CPU and heap
 * reported as unmeasured (null, "n/a"), never as 0. Also the JW bench page's file lookup, which
 * must never serve a file outside the JW Player build's folder.
 */
import path from 'node:path';
import type { ArmResult, ViewerOutcome } from '../../../scripts/bench/arm-runner.js';
import { browserBreakdown } from '../../../scripts/bench/browser-figures.js';
import type { ViewerBrowserName } from '../../../scripts/bench/browser-mix.js';
import type { PageCost } from '../../../scripts/bench/page-metrics.js';
import { jwplayerFileFor } from '../../../scripts/bench/pages/jwplayer-files.js';
import { browserLines } from '../../../scripts/bench/report-table.js';

interface ViewerShape {
  readonly browser?: ViewerBrowserName;
  readonly playedBytes?: number;
  readonly p2pBytes?: number;
  /** ms from scripts loaded to playing; undefined: never played. */
  readonly startupMs?: number;
  readonly stalls?: number;
  readonly stallMs?: number;
  readonly cost?: PageCost;
  readonly virtual?: true;
}

function viewer(shape: ViewerShape): ViewerOutcome {
  const playback = {
    playedSeconds: 60,
    stalls: { count: shape.stalls ?? 0, totalMs: shape.stallMs ?? 0 },
    startup: {
      startedAtMs: 0,
      scriptsLoadedAtMs: 100,
      ...(shape.startupMs === undefined ? {} : { playingAtMs: 100 + shape.startupMs }),
    },
    mediaBytes: shape.playedBytes ?? 1000,
  };
  return {
    name: 'viewer',
    joinedAtSeconds: 0,
    leftAtSeconds: 60,
    cost: shape.cost,
    playback,
    final: {
      ...playback,
      engineStats:
        shape.p2pBytes === undefined
          ? undefined
          : { p2pBytes: shape.p2pBytes, httpBytes: 0, uploadBytes: 10 },
    },
    trace: [],
    segments: [],
    loads: [],
    problems: [],
    leaveKind: 'session-end',
    ...(shape.browser === undefined ? {} : { browser: shape.browser }),
    ...(shape.virtual === undefined ? {} : { virtual: true }),
  } as unknown as ViewerOutcome;
}

function arm(...viewers: ViewerOutcome[]): ArmResult {
  return { viewers, originBytes: 0, timeline: [], startedAtEpochMs: 0 };
}

const chromiumCost: PageCost = { cpuMs: 6000, heapBytesMax: 30 * 1_048_576 };

describe('browserBreakdown', () => {
  const p2p = arm(
    viewer({
      browser: 'chromium',
      playedBytes: 1000,
      p2pBytes: 0,
      startupMs: 800,
      cost: chromiumCost,
    }),
    viewer({
      browser: 'firefox',
      playedBytes: 1000,
      p2pBytes: 900,
      startupMs: 1200,
      stalls: 1,
      stallMs: 400,
    }),
    viewer({
      browser: 'chromium',
      playedBytes: 1000,
      p2pBytes: 700,
      startupMs: 1000,
      cost: chromiumCost,
    }),
    viewer({ browser: 'firefox', playedBytes: 2000, p2pBytes: 1500 }),
  );
  const baseline = arm(
    viewer({ browser: 'chromium', startupMs: 700, cost: chromiumCost }),
    viewer({ browser: 'firefox', startupMs: 900 }),
    viewer({ browser: 'chromium', startupMs: 900, cost: chromiumCost }),
    viewer({ browser: 'firefox', startupMs: 1100, stalls: 2, stallMs: 300 }),
  );
  const { browser, byBrowser } = browserBreakdown('mixed', p2p, baseline);

  it('splits offload, stalls and startup by browser in both arms', () => {
    expect(browser).toBe('mixed');
    expect(byBrowser.chromium).toMatchObject({
      viewers: 2,
      playedBytes: 2000,
      p2pBytes: 700,
      offload: 0.35,
      stalls: 0,
      startupMsMedian: 900,
      startupMsP95: 1000,
      notStarted: 0,
      baselineViewers: 2,
      baselineStalls: 0,
      baselineStartupMsMedian: 800,
    });
    expect(byBrowser.firefox).toMatchObject({
      viewers: 2,
      playedBytes: 3000,
      p2pBytes: 2400,
      offload: 0.8,
      stalls: 1,
      stallMs: 400,
      startupMsMedian: 1200,
      notStarted: 1,
      baselineStalls: 2,
      baselineStallMs: 300,
      baselineStartupMsMedian: 1000,
      baselineStartupMsP95: 1100,
    });
  });

  it('reports CPU and heap for Chromium and null (unmeasured), never 0, for Firefox', () => {
    expect(byBrowser.chromium).toMatchObject({
      cpuMsPerPlayedMinute: 6000,
      heapBytesMax: 30 * 1_048_576,
      baselineCpuMsPerPlayedMinute: 6000,
    });
    expect(byBrowser.firefox).toMatchObject({
      cpuMsPerPlayedMinute: null,
      heapBytesMax: null,
      baselineCpuMsPerPlayedMinute: null,
      baselineHeapBytesMax: null,
    });
  });

  it('lists only the browsers present; viewers without a browser are Chromium, virtual ones none', () => {
    const onlyChromium = browserBreakdown(
      'chromium',
      arm(viewer({ p2pBytes: 500 }), viewer({ virtual: true, p2pBytes: 900 })),
      arm(viewer({})),
    );
    expect(Object.keys(onlyChromium.byBrowser)).toEqual(['chromium']);
    expect(onlyChromium.byBrowser.chromium).toMatchObject({ viewers: 1, offload: 0.5 });
  });

  it('gives no offload for a browser whose viewers played nothing', () => {
    const silent = browserBreakdown(
      'firefox',
      arm(viewer({ browser: 'firefox', playedBytes: 0, p2pBytes: 0 })),
      arm(viewer({ browser: 'firefox', playedBytes: 0 })),
    );
    expect(silent.byBrowser.firefox?.offload).toBeNull();
  });

  it('prints a column per browser, with n/a for what Firefox cannot measure', () => {
    const lines = browserLines({ browser, byBrowser }).join('\n');
    expect(lines).toContain('per browser (--browser mixed)');
    expect(lines).toMatch(/offload \(p2p \/ played\)\s+35\.0 % of 0\.00 MB\s+80\.0 % of 0\.00 MB/);
    expect(lines).toMatch(/page CPU per played minute\s+6000 ms \(6000 ms\)\s+n\/a \(n\/a\)/);
    expect(lines).toMatch(/JS heap max\s+30\.0 MiB \(30\.0 MiB\)\s+n\/a \(n\/a\)/);
  });

  it('prints nothing for an all-Chromium run (the main table already says it)', () => {
    expect(browserLines(browserBreakdown('chromium', p2p, baseline))).toEqual([]);
  });
});

describe('jwplayerFileFor', () => {
  const folder = path.resolve('/vendor/jwplayer-8.24.3');

  it('maps the page path to the build folder, sub-folders included', () => {
    expect(jwplayerFileFor(folder, '/__jwplayer/jwplayer.js')).toBe(
      path.join(folder, 'jwplayer.js'),
    );
    expect(jwplayerFileFor(folder, '/__jwplayer/translations/de.json')).toBe(
      path.join(folder, 'translations', 'de.json'),
    );
  });

  it('never names a file outside the folder', () => {
    expect(jwplayerFileFor(folder, '/__jwplayer/../secret.txt')).toBeUndefined();
    expect(jwplayerFileFor(folder, '/__jwplayer/%2e%2e%2fsecret.txt')).toBeUndefined();
    expect(jwplayerFileFor(folder, '/__jwplayer/')).toBeUndefined();
    expect(jwplayerFileFor(folder, '/__jwplayer/%E0%A4%A')).toBeUndefined();
    expect(jwplayerFileFor(folder, '/other/jwplayer.js')).toBeUndefined();
  });
});
