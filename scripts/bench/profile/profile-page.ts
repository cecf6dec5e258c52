/**
 * CPU profile of one hls.js bench viewer's page, P2P or plain (issue 16, item 5: where does the
 * P2P page's main-thread CPU go?). Starts the bench's origin and tracker, opens `--viewers` pages
 * of the hls.js test page a few seconds apart (P2P with trusted hashes, as the bench runs them, or
 * bare hls.js with `--plain`), then records a V8 sampling profile of the last viewer's page
 * through the DevTools protocol and prints its self time by function and by source file, mapped
 * through the bundles' source maps (dist/umd/*.map) to our TypeScript files.
 *
 * Run inside the private network namespace (WebRTC needs it):
 *   bash scripts/netns-run.sh node --import tsx scripts/bench/profile/profile-page.ts \
 *     [--plain] [--mode vod|live] [--viewers 3] [--seconds 30] [--out file.json] [--bundle-dir DIR]
 *
 * `--bundle-dir` serves every viewer the hls.js bundle (and maps it with the source map) found in
 * DIR instead of dist/umd's: an A/B comparison of two builds under the same machine load.
 *
 * `--virtual N` adds N virtual viewers (the real engine in Node, test/support/virtual-viewer/) to
 * the swarm, in `--virtual-processes` processes started before the Chromium viewers, so the
 * profiled page works in a large swarm (issue 16: the 30-viewer lab's Chromium viewers cost 3.6x
 * the plain arm's CPU, 3 viewers alone ~1.1x). `--target K` profiles Chromium viewer K (0-based,
 * default the last). With `--plain` the virtual viewers play plain HTTP too (same machine load).
 * Besides self time by file and function it prints inclusive time of our functions and self time
 * by category (protocol, map/announce, upload/send, hashing, timers, hls.js, GC, program...), and
 * main-thread TaskDuration per played minute of the profiled page. `--from-profile FILE
 * [--played-seconds S] [--bundle-dir DIR]` prints the same breakdown of a profile saved with --out.
 * `--page videojs` profiles the Video.js plugin's test page instead (Video.js + hls.js + the
 * plugin; `--plain`: Video.js alone with its VHS).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { SourceMapConsumer, type RawSourceMap } from 'source-map';
import { hlsjsPageUrl } from '../../../test/support/hlsjs-page.js';
import { videojsPageUrl } from '../../../test/support/videojs-page.js';
import { launchBrowser, newViewer, type Viewer } from '../../../test/support/browser.js';
import { trustedHashesConfig } from '../../../test/support/hostile-peer/trusted-hashes.js';
import { ROOT_DIR, startBenchStack } from '../bench-stack.js';
import {
  startViewerProcess,
  type ViewerProcessHandle,
} from '../../../test/support/virtual-viewer/viewer-process-client.js';
import { categoryOf } from './profile-categories.js';

/** The hls.js UMD bundle the P2P page loads. */
const HLSJS_BUNDLE = 'p2p-media-loader-hlsjs.min.js';

/** Longest time one sample may stand for, µs (3 sampling intervals). */
const MAX_SAMPLE_US = 3000;

/** A node of a V8 `Profiler.Profile`. */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly children?: readonly number[];
}

/** What `Profiler.stop` returns. */
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

interface Options {
  readonly plain: boolean;
  readonly mode: 'vod' | 'live';
  readonly viewers: number;
  readonly seconds: number;
  readonly staggerSeconds: number;
  readonly out: string | undefined;
  readonly bundleDir: string | undefined;
  readonly virtualViewers: number;
  readonly virtualProcesses: number;
  readonly target: number | undefined;
  readonly fromProfile: string | undefined;
  readonly playedSeconds: number;
  /** Test page of the viewers: the hls.js page or the Video.js plugin's page. */
  readonly page: 'hlsjs' | 'videojs';
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    return index === -1 ? undefined : argv[index + 1];
  };
  const mode = value('--mode') ?? 'vod';
  if (mode !== 'vod' && mode !== 'live') throw new Error(`--mode vod|live, not '${mode}'`);
  return {
    plain: argv.includes('--plain'),
    mode,
    viewers: Number(value('--viewers') ?? 3),
    seconds: Number(value('--seconds') ?? 30),
    staggerSeconds: Number(value('--stagger') ?? 3),
    out: value('--out'),
    bundleDir: value('--bundle-dir'),
    virtualViewers: Number(value('--virtual') ?? 0),
    virtualProcesses: Number(value('--virtual-processes') ?? 2),
    target: value('--target') === undefined ? undefined : Number(value('--target')),
    fromProfile: value('--from-profile'),
    playedSeconds: Number(value('--played-seconds') ?? Number.NaN),
    page: pageOption(value('--page')),
  };
}

/** `--page hlsjs|videojs`: the test page profiled (default the hls.js page). */
function pageOption(raw: string | undefined): 'hlsjs' | 'videojs' {
  if (raw === undefined || raw === 'hlsjs' || raw === 'videojs') return raw ?? 'hlsjs';
  throw new Error(`--page hlsjs|videojs, not '${raw}'`);
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Maps a bundle position to `source file` and `function @ line`, through its source map. */
class SourceMapper {
  constructor(private readonly bundleDir: string) {}

  private readonly consumers = new Map<string, SourceMapConsumer | undefined>();

  map(url: string, line: number, column: number): { file: string; where: string } | undefined {
    const name = url.includes('/dist/umd/') ? url.slice(url.lastIndexOf('/') + 1) : undefined;
    if (name === undefined) return undefined;
    let consumer = this.consumers.get(name);
    if (!this.consumers.has(name)) {
      try {
        const raw = readFileSync(path.join(this.bundleDir, `${name}.map`), 'utf8');
        consumer = new SourceMapConsumer(JSON.parse(raw) as RawSourceMap);
      } catch {
        consumer = undefined;
      }
      this.consumers.set(name, consumer);
    }
    if (consumer === undefined) return undefined;
    // The typings say string and number; both are null where nothing maps.
    const position = consumer.originalPositionFor({ line: line + 1, column }) as {
      source: string | null;
      line: number | null;
    };
    if (position.source === null) return undefined;
    const file = position.source.replace(/^webpack:\/\/[^/]*\//, '').replace(/^\.\//, '');
    return { file, where: `${file}:${position.line ?? 0}` };
  }
}

/** Self time in ms by key, largest first. */
function top(map: ReadonlyMap<string, number>, count: number): [string, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}

/**
 * The time sample `index` stands for, µs: the gap to the next sample, capped at
 * {@link MAX_SAMPLE_US}. On a loaded machine V8's sampler thread is itself descheduled for tens
 * of ms; uncapped, such a gap lands on whatever frame happened to be sampled next (one
 * `performance.now()` sample once weighed 82 ms).
 */
function sampleUs(profile: CpuProfile, index: number): number {
  return Math.min(profile.timeDeltas[index + 1] ?? 0, MAX_SAMPLE_US);
}

function aggregate(
  profile: CpuProfile,
  bundleDir: string,
): {
  totalMs: number;
  byFunction: Map<string, number>;
  byFile: Map<string, number>;
  byCategory: Map<string, number>;
  inclusive: Map<string, number>;
} {
  const mapper = new SourceMapper(bundleDir);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => {
    selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + sampleUs(profile, index));
  });
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byCategory = new Map<string, number>();
  const keyOf = new Map<number, { fn: string; file: string; ours: boolean }>();
  const parentOf = new Map<number, number>();
  let totalMs = 0;
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parentOf.set(child, node.id);
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const mapped = mapper.map(url, lineNumber, columnNumber);
    const shortUrl = url === '' ? '(native)' : url.replace(/^https?:\/\/[^/]+/, '');
    const file = mapped?.file ?? shortUrl;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const fn = `${name} ${mapped?.where ?? `${shortUrl}:${lineNumber + 1}`}`;
    keyOf.set(node.id, { fn, file, ours: /^(core|adapters|plugins)\//.test(file) });
    const ms = (selfUs.get(node.id) ?? 0) / 1000;
    if (ms === 0 || functionName === '(idle)') continue;
    totalMs += ms;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
    // Natives and GC go to the category of the nearest caller of ours that explains them.
    const callers: { functionName: string; file: string }[] = [];
    for (let id = parentOf.get(node.id); id !== undefined && callers.length < 12;) {
      const caller = keyOf.get(id);
      if (caller !== undefined) callers.push({ functionName: caller.fn, file: caller.file });
      id = parentOf.get(id);
    }
    const category = categoryOf({ functionName: name, file }, callers);
    byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
  }
  // Inclusive time of our functions: each sample counts once per distinct function on its stack.
  const inclusive = new Map<string, number>();
  profile.samples.forEach((nodeId, index) => {
    const ms = sampleUs(profile, index) / 1000;
    if (keyOf.get(nodeId)?.fn.startsWith('(idle)') === true) return;
    const seen = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parentOf.get(id)) {
      const key = keyOf.get(id);
      if (key === undefined || !key.ours || seen.has(key.fn)) continue;
      seen.add(key.fn);
      inclusive.set(key.fn, (inclusive.get(key.fn) ?? 0) + ms);
    }
  });
  return { totalMs, byFunction, byFile, byCategory, inclusive };
}

/** Prints self time by category, file and function, and our functions' inclusive time. */
function printBreakdown(profile: CpuProfile, bundleDir: string, playedSeconds: number): void {
  const { totalMs, byFunction, byFile, byCategory, inclusive } = aggregate(profile, bundleDir);
  const perMinute = (ms: number): string =>
    Number.isFinite(playedSeconds) && playedSeconds > 0
      ? ((ms * 60) / playedSeconds).toFixed(0).padStart(6)
      : '     ?';
  console.log(`JS samples (non-idle) ${totalMs.toFixed(0)} ms, ${perMinute(totalMs)} per minute`);
  console.log('-- self time by category (ms, ms per played minute)');
  for (const [category, ms] of top(byCategory, 24)) {
    console.log(`${ms.toFixed(1).padStart(8)}  ${perMinute(ms)}  ${category}`);
  }
  console.log('-- self time by source file (ms)');
  for (const [file, ms] of top(byFile, 25)) console.log(`${ms.toFixed(1).padStart(8)}  ${file}`);
  console.log('-- self time by function (ms)');
  for (const [fn, ms] of top(byFunction, 40)) console.log(`${ms.toFixed(1).padStart(8)}  ${fn}`);
  console.log('-- inclusive time of our functions (ms)');
  for (const [fn, ms] of top(inclusive, 40)) console.log(`${ms.toFixed(1).padStart(8)}  ${fn}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const { bundleDir } = options;
  if (options.fromProfile !== undefined) {
    // Re-reads a profile saved with --out (same bundle: pass its --bundle-dir).
    const saved = JSON.parse(readFileSync(options.fromProfile, 'utf8')) as CpuProfile;
    printBreakdown(saved, bundleDir ?? path.join(ROOT_DIR, 'dist/umd'), options.playedSeconds);
    return;
  }
  const stack = await startBenchStack();
  const browser = await launchBrowser();
  const viewers: Viewer[] = [];
  const fleet: ViewerProcessHandle[] = [];
  try {
    const stream = 'hls-ts';
    const session = `profile-${Date.now().toString(36)}`;
    const src =
      options.mode === 'live'
        ? `${stack.origin.url}/live/${session}/${stream}/master.m3u8`
        : `${stack.origin.url}/vod/${stream}/master.m3u8`;
    const integrity = trustedHashesConfig(path.join(ROOT_DIR, 'examples/media/streams'), stream);
    const pageUrl = options.page === 'videojs' ? videojsPageUrl : hlsjsPageUrl;
    const url = pageUrl(stack.origin.url, {
      src,
      ...(options.plain
        ? { engine: 'none' as const }
        : {
            p2p: {
              ...(integrity === undefined ? {} : { integrity }),
              ...stack.p2pConfig,
              swarmId: session,
            },
          }),
    });
    // Virtual viewers first: the profiled page joins a swarm that already has them.
    const perProcess = Math.ceil(options.virtualViewers / Math.max(1, options.virtualProcesses));
    for (let first = 0; first < options.virtualViewers; first += perProcess) {
      fleet.push(
        startViewerProcess({
          streamUrl: src,
          mode: options.mode,
          trackers: stack.p2pConfig.trackers,
          p2p: !options.plain,
          engineConfig: {
            ...(integrity === undefined ? {} : { integrity }),
            swarmId: session,
          },
          seconds: 0,
          seed: 7 + first,
          viewers: Math.min(perProcess, options.virtualViewers - first),
          id: `virtual-${first}`,
          staggerMs: 1000,
          details: false,
        }),
      );
    }
    if (fleet.length > 0) await sleep(perProcess * 1000 + 3000);
    for (let index = 0; index < options.viewers; index++) {
      if (index > 0) await sleep(options.staggerSeconds * 1000);
      viewers.push(
        await newViewer(browser, url, `viewer ${index}`, {
          onPage: async (page) => {
            if (bundleDir === undefined) return;
            await page.route(`**/dist/umd/${HLSJS_BUNDLE}`, (route) =>
              route.fulfill({
                contentType: 'application/javascript',
                body: readFileSync(path.join(bundleDir, HLSJS_BUNDLE)),
              }),
            );
          },
        }),
      );
    }
    const target = viewers[options.target ?? viewers.length - 1];
    if (target === undefined) throw new Error('--viewers must be at least 1 and above --target');
    await sleep(5000); // past start-up: steady playback only
    const sampleBefore = await target.page.evaluate(() => window.__harness?.sample());
    const cdp = await target.context.newCDPSession(target.page);
    await cdp.send('Performance.enable');
    const taskBefore = await cdp.send('Performance.getMetrics');
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await cdp.send('Profiler.start');
    await sleep(options.seconds * 1000);
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const taskAfter = await cdp.send('Performance.getMetrics');
    const task = (metrics: { metrics: { name: string; value: number }[] }): number =>
      metrics.metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
    const sample = await target.page.evaluate(() => window.__harness?.sample());
    if (options.out !== undefined) writeFileSync(options.out, JSON.stringify(profile));
    const taskMs = (task(taskAfter) - task(taskBefore)) * 1000;
    const playedSeconds = (sample?.playedSeconds ?? 0) - (sampleBefore?.playedSeconds ?? 0);
    const [load1] = loadavg();
    console.log(
      `${options.plain ? 'plain' : 'p2p'} ${options.mode}: ${options.seconds} s, ` +
        `${options.viewers} Chromium + ${options.virtualViewers} virtual viewers, TaskDuration ` +
        `${taskMs.toFixed(0)} ms, ${((taskMs * 60) / playedSeconds).toFixed(0)} ms per played ` +
        `minute, load ${load1?.toFixed(1)}`,
    );
    const stat = (
      value: { engineStats?: object } | undefined,
      key: 'httpBytes' | 'p2pBytes' | 'uploadBytes',
    ): number => Number((value?.engineStats as Record<string, unknown> | undefined)?.[key] ?? 0);
    const windowBytes = (key: 'httpBytes' | 'p2pBytes' | 'uploadBytes'): string =>
      (stat(sample, key) - stat(sampleBefore, key)).toFixed(0);
    console.log(
      `in the window: played ${playedSeconds.toFixed(1)} s, stalls ${sample?.stalls.count ?? '?'}, ` +
        `http ${windowBytes('httpBytes')} B, p2p ${windowBytes('p2pBytes')} B, ` +
        `upload ${windowBytes('uploadBytes')} B`,
    );
    printBreakdown(profile, bundleDir ?? path.join(ROOT_DIR, 'dist/umd'), playedSeconds);
    const usage = fleet.flatMap((handle) => handle.lines).filter((l) => l.type === 'error');
    if (usage.length > 0) console.log(`virtual viewer errors: ${JSON.stringify(usage)}`);
  } finally {
    for (const handle of fleet) handle.child.kill('SIGKILL');
    await Promise.all(viewers.map((viewer) => viewer.close().catch(() => undefined)));
    await browser.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
