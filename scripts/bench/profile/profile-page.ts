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
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SourceMapConsumer, type RawSourceMap } from 'source-map';
import { hlsjsPageUrl } from '../../../test/support/hlsjs-page.js';
import { launchBrowser, newViewer, type Viewer } from '../../../test/support/browser.js';
import { trustedHashesConfig } from '../../../test/support/hostile-peer/trusted-hashes.js';
import { ROOT_DIR, startBenchStack } from '../bench-stack.js';

/** The hls.js UMD bundle the P2P page loads. */
const HLSJS_BUNDLE = 'p2p-media-loader-hlsjs.min.js';

/** A node of a V8 `Profiler.Profile`. */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
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
  };
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

function aggregate(
  profile: CpuProfile,
  bundleDir: string,
): {
  totalMs: number;
  byFunction: Map<string, number>;
  byFile: Map<string, number>;
} {
  const mapper = new SourceMapper(bundleDir);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => {
    selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalMs = 0;
  for (const node of profile.nodes) {
    const ms = (selfUs.get(node.id) ?? 0) / 1000;
    if (ms === 0) continue;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    totalMs += ms;
    const mapped = mapper.map(url, lineNumber, columnNumber);
    const shortUrl = url === '' ? '(native)' : url.replace(/^https?:\/\/[^/]+/, '');
    const file = mapped?.file ?? shortUrl;
    const fn = `${functionName === '' ? '(anonymous)' : functionName} ${mapped?.where ?? `${shortUrl}:${lineNumber + 1}`}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  return { totalMs, byFunction, byFile };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const { bundleDir } = options;
  const stack = await startBenchStack();
  const browser = await launchBrowser();
  const viewers: Viewer[] = [];
  try {
    const stream = 'hls-ts';
    const session = `profile-${Date.now().toString(36)}`;
    const src =
      options.mode === 'live'
        ? `${stack.origin.url}/live/${session}/${stream}/master.m3u8`
        : `${stack.origin.url}/vod/${stream}/master.m3u8`;
    const integrity = trustedHashesConfig(path.join(ROOT_DIR, 'examples/media/streams'), stream);
    const url = hlsjsPageUrl(stack.origin.url, {
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
    const target = viewers[viewers.length - 1];
    if (target === undefined) throw new Error('--viewers must be at least 1');
    await sleep(5000); // past start-up: steady playback only
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
    const { totalMs, byFunction, byFile } = aggregate(
      profile,
      bundleDir ?? path.join(ROOT_DIR, 'dist/umd'),
    );
    const taskMs = (task(taskAfter) - task(taskBefore)) * 1000;
    console.log(
      `${options.plain ? 'plain' : 'p2p'} ${options.mode}: ${options.seconds} s, TaskDuration ` +
        `${taskMs.toFixed(0)} ms, JS samples (non-idle) ${totalMs.toFixed(0)} ms`,
    );
    const engineStats = (sample as { engineStats?: Record<string, unknown> } | undefined)
      ?.engineStats;
    console.log(
      `played ${sample?.playedSeconds.toFixed(1) ?? '?'} s, stalls ${sample?.stalls.count ?? '?'}, ` +
        `media ${sample?.mediaBytes ?? '?'} B, http ${String(engineStats?.httpBytes)} B, ` +
        `p2p ${String(engineStats?.p2pBytes)} B, upload ${String(engineStats?.uploadBytes)} B`,
    );
    console.log('-- self time by source file (ms)');
    for (const [file, ms] of top(byFile, 25)) console.log(`${ms.toFixed(1).padStart(8)}  ${file}`);
    console.log('-- self time by function (ms)');
    for (const [fn, ms] of top(byFunction, 40)) console.log(`${ms.toFixed(1).padStart(8)}  ${fn}`);
  } finally {
    await Promise.all(viewers.map((viewer) => viewer.close().catch(() => undefined)));
    await browser.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
