/** The bench's human-readable output: one block per scenario, P2P arm beside the baseline. */
import type { AttackFigures } from './attack-report.js';
import type { BrowserBreakdown, BrowserFigures } from './browser-figures.js';
import type { NetworkFigures } from './network-report.js';
import type { ViewerGroupFigures } from './virtual-viewer-plan.js';
import type { ScenarioReport } from './scenario-report.js';

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

function milliseconds(value: number | null): string {
  return value === null ? 'n/a' : `${value} ms`;
}

function mebibytes(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) => row.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  '))
    .join('\n');
}

/** The attack lines of a scenario with attackers (`--attackers`), else none. */
function attackLines(report: ScenarioReport & Partial<AttackFigures>): string[] {
  if (report.attackers === undefined || report.attackers === 0) return [];
  const met = report.attackTargetsMet;
  return [
    `attack: ${report.attackers} x ${report.attack ?? '?'}, trusted hashes ` +
      `${report.trustedHashes === true ? 'on' : 'off'}: ${report.wrongSegmentsPlayed ?? '?'} wrong ` +
      `of ${report.segmentsChecked ?? '?'} segments played, at most ` +
      `${report.segmentsUntilBanMax ?? 'no'} segment(s) per viewer before the ban, ` +
      `${report.viewersThatBanned ?? 0} of ${report.viewersReached ?? 0} viewers reached banned it, ` +
      `offload without attackers ${report.offloadWithoutAttackers === null || report.offloadWithoutAttackers === undefined ? 'n/a' : percent(report.offloadWithoutAttackers)}`,
    ...(met === null || met === undefined
      ? []
      : [
          `attack targets: no wrong bytes ${verdict(met.noWrongBytes)}, ban within one segment ` +
            `${verdict(met.bannedWithinOneSegment)}, offload ${verdict(met.offload)}`,
        ]),
  ];
}

/** The network-lab line of a `--network` scenario, else none. */
function networkLines(report: Partial<NetworkFigures>): string[] {
  if (report.network === undefined) return [];
  const excluding =
    report.offloadExcludingTurn === null || report.offloadExcludingTurn === undefined
      ? 'n/a'
      : percent(report.offloadExcludingTurn);
  const relayed =
    report.turnRelayedBytes === null || report.turnRelayedBytes === undefined
      ? 'TURN-relayed bytes n/a (engine reports no path)'
      : `TURN-relayed ${megabytes(report.turnRelayedBytes)}, offload excluding TURN ${excluding}`;
  return [
    `network: ${report.network}, seed ${report.seed ?? '?'}, ${report.virtualPeers ?? 0} virtual ` +
      `viewers; ${relayed}; abrupt leaves ${report.abruptLeaves ?? 0} (baseline ` +
      `${report.baselineAbruptLeaves ?? 0}) of ${report.plannedAbruptLeaves ?? 0} planned: ` +
      `${report.processesKilled ?? 0} killed, ${report.pagesCrashed ?? 0} crashed, ` +
      `${report.replacementsJoined ?? 0} replacement(s) joined`,
    ...groupLine('chromium', report.chromium),
    ...groupLine('virtual', report.virtual),
  ];
}

/** One viewer group's sub-figures (`--virtual-peers`), else none. */
function groupLine(name: string, group: ViewerGroupFigures | null | undefined): string[] {
  if (group === null || group === undefined) return [];
  const offload = group.offload === null ? 'n/a' : percent(group.offload);
  const startup = (ms: number | null): string => (ms === null ? 'n/a' : `${ms} ms`);
  return [
    `  ${name}: ${group.viewers} viewers, offload ${offload} (played vs HTTP bytes), startup ` +
      `median ${startup(group.startupMsMedian)} (baseline ${startup(group.baselineStartupMsMedian)}` +
      `), p95 ${startup(group.startupMsP95)}, stalls ${group.stalls} / ${group.stallMs} ms ` +
      `(baseline ${group.baselineStalls} / ${group.baselineStallMs} ms)`,
  ];
}

function percentOrNa(ratio: number | null): string {
  return ratio === null ? 'n/a' : percent(ratio);
}

/** `P2P (baseline)` in one cell. */
function withBaseline(p2p: string, baseline: string): string {
  return `${p2p} (${baseline})`;
}

/**
 * The per-browser table of a scenario (`--browser`), else none: one row per figure, one column per
 * browser, each cell the P2P arm with the baseline in brackets. CPU and heap read n/a for Firefox
 * (no DevTools protocol): unmeasured, not zero.
 */
export function browserLines(report: Partial<BrowserBreakdown>): string[] {
  const byBrowser = report.byBrowser;
  // An all-Chromium run's one column would repeat the table above.
  if (byBrowser === undefined || report.browser === 'chromium') return [];
  const columns = (['chromium', 'firefox'] as const).flatMap((name) => {
    const figures = byBrowser[name];
    return figures === undefined ? [] : [[name, figures] as const];
  });
  if (columns.length === 0) return [];
  const row = (label: string, cell: (figures: BrowserFigures) => string): string[] => [
    label,
    ...columns.map(([, figures]) => cell(figures)),
  ];
  return [
    `per browser (--browser ${report.browser ?? '?'}), P2P (baseline):`,
    table([
      ['', ...columns.map(([name]) => name)],
      row('viewers', (f) => withBaseline(String(f.viewers), String(f.baselineViewers))),
      row(
        'offload (p2p / played)',
        (f) => `${percentOrNa(f.offload)} of ${megabytes(f.playedBytes)}`,
      ),
      row('uploaded to peers', (f) => megabytes(f.uploadBytes)),
      row('stalls', (f) =>
        withBaseline(
          `${f.stalls} / ${f.stallMs} ms`,
          `${f.baselineStalls} / ${f.baselineStallMs} ms`,
        ),
      ),
      row('startup median', (f) =>
        withBaseline(milliseconds(f.startupMsMedian), milliseconds(f.baselineStartupMsMedian)),
      ),
      row('startup p95', (f) =>
        withBaseline(milliseconds(f.startupMsP95), milliseconds(f.baselineStartupMsP95)),
      ),
      row('never started', (f) => withBaseline(String(f.notStarted), String(f.baselineNotStarted))),
      row('page CPU per played minute', (f) =>
        withBaseline(
          milliseconds(f.cpuMsPerPlayedMinute),
          milliseconds(f.baselineCpuMsPerPlayedMinute),
        ),
      ),
      row('JS heap max', (f) =>
        withBaseline(mebibytes(f.heapBytesMax), mebibytes(f.baselineHeapBytesMax)),
      ),
    ]).replace(/^/gm, '  '),
  ];
}

/**
 * Formats one scenario as a small table with its targets (and its attack and network lab, if it
 * had them).
 */
export function formatScenario(
  report: ScenarioReport &
    Partial<AttackFigures> &
    Partial<NetworkFigures> &
    Partial<BrowserBreakdown>,
): string {
  const cap = report.capLevel === null ? 'ABR uncapped' : `ABR capped at level ${report.capLevel}`;
  const title =
    `${report.mode} ${report.stream}: ${report.peers} viewers x ${report.seconds} s, ` +
    `joining ${report.staggerSeconds} s apart (${report.player} on ${report.engine}, ${cap})`;
  const rows = [
    ['', 'P2P', 'baseline (no engine)'],
    ['origin bytes', megabytes(report.originBytes), megabytes(report.baselineOriginBytes)],
    ['played bytes', megabytes(report.playedBytes), megabytes(report.baselinePlayedBytes)],
    [
      'origin offload',
      `${percent(report.originOffload)} (ideal ${percent(report.idealOffload)}, reachable ${percent(report.reachableOffload)}, connected ${percent(report.connectedOffload)})`,
      '',
    ],
    ['engine http / p2p', `${megabytes(report.httpBytes)} / ${megabytes(report.p2pBytes)}`, ''],
    ['uploaded to peers', megabytes(report.uploadBytes), ''],
    [
      'stalls',
      `${report.stalls} (${report.stallMs} ms)`,
      `${report.baselineStalls} (${report.baselineStallMs} ms)`,
    ],
    [
      'stall time per viewer-hour',
      milliseconds(report.stallMsPerViewerHour),
      milliseconds(report.baselineStallMsPerViewerHour),
    ],
    [
      'startup median',
      milliseconds(report.startupMsMedian),
      milliseconds(report.baselineStartupMsMedian),
    ],
    ['startup p95', milliseconds(report.startupMsP95), milliseconds(report.baselineStartupMsP95)],
    ['never started', String(report.notStarted), String(report.baselineNotStarted)],
    [
      'machine CPU busy',
      report.cpuBusyMedian === null ? 'n/a' : percent(report.cpuBusyMedian),
      report.baselineCpuBusyMedian === null ? 'n/a' : percent(report.baselineCpuBusyMedian),
    ],
    [
      'page CPU per played minute',
      milliseconds(report.cpuMsPerPlayedMinute),
      milliseconds(report.baselineCpuMsPerPlayedMinute),
    ],
    [
      'JS heap max (any viewer)',
      mebibytes(report.heapBytesMax),
      mebibytes(report.baselineHeapBytesMax),
    ],
  ];
  const targets =
    `targets: offload ${verdict(report.targetsMet.offload)}, ` +
    `stalls ${verdict(report.targetsMet.stalls)}, startup ${verdict(report.targetsMet.startup)}`;
  const problems = report.problems.map((problem) => `  problem: ${problem}`);
  return [
    title,
    table(rows),
    targets,
    ...attackLines(report),
    ...networkLines(report),
    ...browserLines(report),
    ...problems,
  ].join('\n');
}
