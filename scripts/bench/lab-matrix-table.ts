/**
 * README's network-lab performance table (issue 16, "Targets") from the matrix's JSONL records: a
 * header line with the machine and date, one row per matrix row with both arms' figures (P2P /
 * plain) and a verdict per target, then the rows that failed or were skipped and why. Pure; the
 * targets come from lab-targets.ts.
 */
import { NETWORK_SCENARIOS } from './network-scenarios.js';
import type { LabMatrixRecord } from './lab-matrix-record.js';
import { latestRecordPerRow } from './lab-matrix-record.js';
import {
  evaluateLabTargets,
  LAB_CPU_FACTOR,
  LAB_HEAP_HEADROOM_BYTES,
  LAB_STARTUP_MEDIAN_FACTOR,
  LAB_STARTUP_P95_FACTOR,
  readReportLine,
  type LabReportLine,
  type LabTargets,
  type TargetCheck,
} from './lab-targets.js';

const DASH = '–';
const MIB = 1024 * 1024;

const COLUMNS = [
  'scenario',
  'mode',
  'engine',
  'session',
  'offload (excl. TURN)',
  'ideal',
  '÷ ideal (target)',
  'stalls P2P / plain',
  'stall ms per viewer-h P2P / plain',
  `startup median ms P2P / plain (≤ ${LAB_STARTUP_MEDIAN_FACTOR}×)`,
  `startup p95 ms P2P / plain (≤ ${LAB_STARTUP_P95_FACTOR}×)`,
  `CPU ms per played min P2P / plain (≤ ${LAB_CPU_FACTOR}×)`,
  `heap MiB P2P / plain (≤ +${LAB_HEAP_HEADROOM_BYTES / MIB})`,
  'TURN relayed',
  'targets',
] as const;

function fixed(value: number | null, digits: number): string {
  return value === null ? DASH : value.toFixed(digits);
}

function whole(value: number | null): string {
  return value === null ? DASH : String(Math.round(value));
}

function pair(p2p: string, plain: string): string {
  return `${p2p} / ${plain}`;
}

function times(ratio: number | null): string {
  return ratio === null ? '' : ` (${ratio.toFixed(2)}×)`;
}

function mark(check: TargetCheck): string {
  if (check.met === null) return '?';
  return check.met ? '✓' : '✗';
}

/** The verdicts of the targets that apply, e.g. `offload ✓ · stalls ✓ · startup ✗ · p95 ✓`. */
export function targetsCell(line: LabReportLine, targets: LabTargets): string {
  const parts: string[] = [];
  if (targets.offload.factor !== null) parts.push(`offload ${mark(targets.offload)}`);
  parts.push(`stalls ${mark(targets.stalls)}`);
  parts.push(`startup ${mark(targets.startupMedian)}`);
  parts.push(`p95 ${mark(targets.startupP95)}`);
  if (line.network === 'clean' || line.network === 'slow-cpu') {
    parts.push(`CPU ${mark(targets.cpu)}`);
    parts.push(`heap ${mark(targets.heap)}`);
  }
  if (line.problems > 0) parts.push(`${line.problems} problem(s)`);
  return parts.join(' · ');
}

function offloadCell(line: LabReportLine, targets: LabTargets): string {
  const origin = fixed(line.originOffload, 3);
  return targets.offload.basis === 'offloadExcludingTurn'
    ? `${origin} (${fixed(line.offloadExcludingTurn, 3)})`
    : origin;
}

function ratioCell(targets: LabTargets): string {
  const { ratioToIdeal, factor } = targets.offload;
  return `${fixed(ratioToIdeal, 2)} (${factor === null ? 'none' : `≥ ${factor.toFixed(2)}`})`;
}

function heapCell(line: LabReportLine, targets: LabTargets): string {
  const mib = (bytes: number | null): string => fixed(bytes === null ? null : bytes / MIB, 1);
  const extra = targets.heap.extraBytes;
  const delta =
    extra === null ? '' : ` (${extra >= 0 ? '+' : '−'}${(Math.abs(extra) / MIB).toFixed(1)})`;
  return `${pair(mib(line.heapBytesMax), mib(line.baselineHeapBytesMax))}${delta}`;
}

function megabytes(bytes: number | null): string {
  if (bytes === null) return DASH;
  return bytes === 0 ? '0' : `${(bytes / 1_000_000).toFixed(2)} MB`;
}

function rowLabel(record: LabMatrixRecord): string[] {
  const { row } = record;
  return [
    row.scenario,
    row.mode === 'vod' ? 'VOD' : 'live',
    row.engine === 'shaka' ? 'Shaka (DASH)' : 'hls.js',
    `${row.seconds} s`,
  ];
}

/** The table cells of one record (a failed or skipped row: its labels and status only). */
export function tableCells(record: LabMatrixRecord): string[] {
  const labels = rowLabel(record);
  if (record.status !== 'ok' || record.report === null) {
    const blanks = COLUMNS.slice(labels.length, -1).map(() => DASH);
    return [...labels, ...blanks, record.status === 'skipped' ? 'skipped' : '**failed**'];
  }
  const line = readReportLine(record.report);
  const targets = evaluateLabTargets(line);
  return [
    ...labels,
    offloadCell(line, targets),
    fixed(line.idealOffload, 3),
    ratioCell(targets),
    pair(whole(line.stalls), whole(line.baselineStalls)),
    pair(whole(line.stallMsPerViewerHour), whole(line.baselineStallMsPerViewerHour)),
    pair(whole(line.startupMsMedian), whole(line.baselineStartupMsMedian)) +
      times(targets.startupMedian.ratio),
    pair(whole(line.startupMsP95), whole(line.baselineStartupMsP95)) +
      times(targets.startupP95.ratio),
    pair(whole(line.cpuMsPerPlayedMinute), whole(line.baselineCpuMsPerPlayedMinute)) +
      times(targets.cpu.ratio),
    heapCell(line, targets),
    megabytes(line.turnRelayedBytes),
    targetsCell(line, targets),
  ];
}

/** Sort key of a record: matrix order (scenario, engine, long sessions first, live first). */
function orderOf(record: LabMatrixRecord): number[] {
  const { row } = record;
  return [
    NETWORK_SCENARIOS.indexOf(row.scenario),
    row.engine === 'shaka' ? 1 : 0,
    -row.seconds,
    row.mode === 'vod' ? 1 : 0,
  ];
}

function compareOrder(a: LabMatrixRecord, b: LabMatrixRecord): number {
  const left = orderOf(a);
  const right = orderOf(b);
  for (let index = 0; index < left.length; index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function range(values: readonly number[], digits: number): string {
  if (values.length === 0) return DASH;
  const low = Math.min(...values).toFixed(digits);
  const high = Math.max(...values).toFixed(digits);
  return low === high ? low : `${low}–${high}`;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The line above the table: when, on what, at which commit, with how many viewers. */
export function headerLine(records: readonly LabMatrixRecord[]): string {
  const ran = records.filter((record) => record.status !== 'skipped');
  if (ran.length === 0) return 'No row of the matrix has run yet.';
  const dates = distinct(ran.map((record) => record.startedAt.slice(0, 10))).sort();
  const machines = distinct(
    ran.map((record) => `${record.machine.cpuModel}, ${record.machine.cores} cores`),
  );
  const commits = distinct(
    ran.map(
      (record) =>
        `${record.gitCommit?.slice(0, 7) ?? 'unknown commit'}${record.gitDirty === true ? ' (with local changes)' : ''}`,
    ),
  );
  const viewers = distinct(
    ran.map((record) => `${record.row.peers} Chromium + ${record.row.virtualPeers} virtual`),
  );
  const seeds = distinct(ran.map((record) => String(record.row.seed)));
  const loads = ran.flatMap((record) => record.machine.loadAverageBefore.slice(0, 1));
  const dateText = dates.length === 1 ? dates[0] : `${dates[0]} to ${dates[dates.length - 1]}`;
  return (
    `Measured ${dateText} on ${machines.join('; ')}; 1-minute load average ` +
    `${range(loads, 1)} as rows started; ${viewers.join(' or ')} viewers per arm, seed ` +
    `${seeds.join(', ')}; commit ${commits.join(', ')}.`
  );
}

function markdownRow(cells: readonly string[], widths: readonly number[]): string {
  return `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
}

/**
 * README's table for `records` (a matrix JSONL file's, in any order, reruns included): the header
 * line, the table in matrix order, a legend, and why rows failed or were skipped.
 */
export function renderLabTable(records: readonly LabMatrixRecord[]): string {
  const chosen = latestRecordPerRow(records).sort(compareOrder);
  const rows = chosen.map(tableCells);
  const header = [...COLUMNS];
  const widths = header.map((title, index) =>
    Math.max(title.length, 3, ...rows.map((cells) => (cells[index] ?? '').length)),
  );
  const lines = [
    headerLine(chosen),
    '',
    markdownRow(header, widths),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map((cells) => markdownRow(cells, widths)),
    '',
    'Offload: 1 − origin bytes / bytes played in the P2P arm; in parentheses for nat and mixed, ' +
      'counting TURN-relayed P2P bytes as origin bytes (the target reads that one). Targets: ' +
      'offload ≥ 0.90 × ideal (clean, lossy), 0.85 × (nat, uplink, churn), 0.80 × (mixed), none ' +
      'for slow-cpu; stalls, stall time per viewer-hour and viewers that never started ≤ plain; ' +
      `startup median ≤ ${LAB_STARTUP_MEDIAN_FACTOR}× and p95 ≤ ${LAB_STARTUP_P95_FACTOR}× plain; ` +
      `clean and slow-cpu: CPU per played minute ≤ ${LAB_CPU_FACTOR}× plain and heap ≤ plain + ` +
      `${LAB_HEAP_HEADROOM_BYTES / MIB} MiB. ✓ met, ✗ missed, ? not measured.`,
  ];
  const notes = chosen.filter((record) => record.status !== 'ok');
  if (notes.length > 0) {
    lines.push('');
    for (const record of notes) {
      lines.push(
        `- ${rowLabel(record).join(' ')}: ${record.status}: ${record.error ?? 'no reason recorded'}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
