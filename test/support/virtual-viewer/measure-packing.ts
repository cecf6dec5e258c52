/**
 * Measures what virtual viewers cost: N viewers of one live stream for S seconds, all in one
 * process or one process each (or groups of K), with the real origin and tracker in this process.
 * Prints one JSON line: CPU time (ms and share of one core) and peak RSS per viewer, offload and
 * stalls. Run inside the test namespace, where WebRTC peers find a host candidate:
 *
 *   bash scripts/netns-run.sh node --import tsx test/support/virtual-viewer/measure-packing.ts \
 *     --viewers 10 --per-process 10 --seconds 60
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startTrackerServer } from '../../../tracker/index.js';
import { startOrigin } from '../../../examples/server/origin.js';
import type { ProcessUsage, ViewerProcessLine } from './viewer-group.js';
import type { ViewerResult } from './viewer-result.js';
import type { ViewerSpec } from './viewer-spec.js';
import { startViewerProcess } from './viewer-process-client.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs one viewer process to its end (started after `delayMs`) and returns its lines. */
async function runProcess(
  spec: Partial<ViewerSpec>,
  delayMs: number,
): Promise<ViewerProcessLine[]> {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const viewerProcess = startViewerProcess(spec);
  await viewerProcess.exited;
  return [...viewerProcess.lines];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      viewers: { type: 'string', default: '10' },
      'per-process': { type: 'string', default: '10' },
      seconds: { type: 'string', default: '60' },
      stream: { type: 'string', default: 'hls-ts' },
      mode: { type: 'string', default: 'live' },
      'stagger-ms': { type: 'string', default: '500' },
      /** Also write every line of every viewer process (with per-request records) here. */
      lines: { type: 'string' },
    },
  });
  const viewers = Number(values.viewers);
  const perProcess = Number(values['per-process']);
  const seconds = Number(values.seconds);
  const staggerMs = Number(values['stagger-ms']);
  const host = process.env.P2PML_TEST_HOST ?? '127.0.0.1';
  const origin = await startOrigin({
    mediaDir: path.join(ROOT_DIR, 'examples/media/streams'),
    port: 0,
    host,
  });
  const tracker = await startTrackerServer({ port: 0, host, maxSocketsPerIp: 0 });
  const session = `packing-${Date.now()}`;
  const groups = Math.ceil(viewers / perProcess);
  const startedAtMs = performance.now();
  const outputs = await Promise.all(
    Array.from({ length: groups }, (_, group) =>
      runProcess(
        {
          mode: values.mode === 'vod' ? 'vod' : 'live',
          stream: values.stream,
          session,
          originUrl: origin.url,
          trackers: [tracker.url],
          seconds,
          seed: group + 1,
          viewers: Math.min(perProcess, viewers - group * perProcess),
          id: `g${group}`,
          staggerMs,
          details: values.lines !== undefined,
        },
        // Every viewer joins `staggerMs` after the previous one, whatever the packing.
        group * perProcess * staggerMs,
      ),
    ),
  );
  const wallMs = performance.now() - startedAtMs;
  const lines = outputs.flat();
  if (values.lines !== undefined) {
    writeFileSync(values.lines, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  }
  const results = lines.filter((l): l is { type: 'result' } & ViewerResult => l.type === 'result');
  const usages = lines.filter((l): l is { type: 'process' } & ProcessUsage => l.type === 'process');
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
  const cpuMs = sum(usages.map((u) => u.cpuUserMs + u.cpuSystemMs));
  const cpuProcessMs = sum(usages.map((u) => u.cpuProcessMs));
  const rssMax = sum(usages.map((u) => u.rssBytesMax));
  const http = sum(results.map((r) => r.engineBytes.http));
  const p2p = sum(results.map((r) => r.engineBytes.p2p));
  const runSeconds = seconds + (staggerMs * (viewers - 1)) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      viewers,
      perProcess,
      processes: groups,
      seconds,
      mode: values.mode,
      stream: values.stream,
      wallMs: Math.round(wallMs),
      cpuMs,
      cpuProcessMs,
      coresBusy: Math.round((cpuProcessMs / (runSeconds * 1000)) * 1000) / 1000,
      cpuMsPerViewerMinute: Math.round((cpuProcessMs / viewers / runSeconds) * 60),
      rssBytesMaxTotal: rssMax,
      rssMiBPerViewer: Math.round((rssMax / viewers / 2 ** 20) * 10) / 10,
      offload: Math.round((p2p / Math.max(1, http + p2p)) * 1000) / 1000,
      originMediaBytes: origin.counters.mediaBytes(`/live/${session}/`),
      stalls: sum(results.map((r) => r.stalls)),
      stallMs: sum(results.map((r) => r.stallMs)),
      notStarted: results.filter((r) => r.startupMs === undefined).length,
      errors: lines.filter((l) => l.type === 'error').length,
    })}\n`,
  );
  await Promise.all([origin.stop(), tracker.stop()]);
}

void main();
