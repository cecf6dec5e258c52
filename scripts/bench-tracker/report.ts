/**
 * The readable form of a tracker bench result: a two-column table of what was measured, with
 * units, for the terminal and for pasting into docs/SCALE.md. Pure.
 */
import type { TrackerBenchResult } from './run-bench.js';
import type { LatencySummary } from './statistics.js';

/** Rows of label and value, in print order. */
export function resultRows(result: TrackerBenchResult): [string, string][] {
  const { load, tracker, errors } = result;
  return [
    [
      'target',
      result.target + (result.targetFlags.length > 0 ? ` ${result.targetFlags.join(' ')}` : ''),
    ],
    [
      'peers connected',
      `${result.peers.connected} of ${result.peers.requested} (${result.peers.failed} failed, ${result.peers.pending} pending), ${result.swarms} swarms`,
    ],
    [
      'load',
      `${load.mode}, ${result.offersPerAnnounce} offers of ${result.sdpBytes} B per announce, ${result.clientProcesses} client processes`,
    ],
    ['window', `${load.windowSeconds.toFixed(1)} s`],
    ['announces/s (replies)', rate(load.announcesPerSecond)],
    ['offers relayed/s', rate(load.offersRelayedPerSecond)],
    ['answers relayed/s', rate(load.answersRelayedPerSecond)],
    ['messages in/s', rate(load.messagesInPerSecond)],
    ['announce latency', latency(load.announceLatency)],
    ['offer relay A->B', latency(load.offerRelayLatency)],
    ['offer->answer A->B->A', latency(load.offerAnswerRoundTrip)],
    [
      'tracker CPU',
      tracker.cpuCores === undefined ? 'n/a' : `${(tracker.cpuCores * 100).toFixed(0)} % of a core`,
    ],
    [
      'announces/s per core',
      tracker.announcesPerSecondPerCore === undefined
        ? 'n/a'
        : rate(tracker.announcesPerSecondPerCore),
    ],
    [
      'tracker RSS idle/connected',
      `${mib(tracker.rssIdleBytes)} / ${mib(tracker.rssConnectedBytes)}`,
    ],
    [
      'tracker RSS after load/after close',
      `${mib(tracker.rssAfterLoadBytes)} / ${mib(tracker.rssAfterCloseBytes)} (peak ${mib(tracker.peakRssBytes)})`,
    ],
    ['memory per 10k peers', mib(tracker.bytesPer10kPeers)],
    [
      'client CPU / max event loop',
      `${(result.clients.cpuCores * 100).toFixed(0)} % of a core / ${(result.clients.maxEventLoopUtilization * 100).toFixed(0)} %`,
    ],
    ['bottleneck', result.bottleneck],
    [
      'refusals / socket errors',
      `${errors.refusals} / ${errors.socketErrors}${errors.samples.length > 0 ? ` (${errors.samples.join('; ')})` : ''}`,
    ],
    ['offers unanswered (30 s)', String(errors.offersUnanswered)],
    [
      'peers listed after close',
      tracker.peersAfterClose === undefined ? 'n/a' : String(tracker.peersAfterClose),
    ],
    [
      'answers afterwards / exit',
      `${result.afterwards.answersAnnounce ? 'yes' : 'NO'} / ${result.afterwards.exitCode === undefined ? 'left running' : `code ${String(result.afterwards.exitCode)}${result.afterwards.exitedCleanly ? ', clean' : ''}`}`,
    ],
    ['wall time', `${result.wallSeconds.toFixed(1)} s`],
  ];
}

/** The rows as an aligned text table. */
export function formatResultTable(result: TrackerBenchResult): string {
  const rows = resultRows(result);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** `p50 / p99 / max` in ms, or 'n/a'. */
export function latency(summary: LatencySummary): string {
  if (summary.count === 0) return 'n/a';
  return `p50 ${ms(summary.p50Ms)}  p99 ${ms(summary.p99Ms)}  max ${ms(summary.maxMs)}  (${summary.count} samples)`;
}

function ms(value: number | undefined): string {
  if (value === undefined) return 'n/a';
  return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`;
}

function rate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
