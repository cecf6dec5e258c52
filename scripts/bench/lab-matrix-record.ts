/**
 * The network-lab matrix's output file: one JSON line per row that ran (or was skipped), appended as
 * the row finishes, so a crash or Ctrl-C loses at most the row that was running. A line carries the
 * bench's own JSON line (`report`) with where and how it was measured: the command, start time,
 * wall time, git commit and the machine (cores, CPU model, load average before and after).
 *
 * Reading is tolerant: a line torn by a crash, or anything that is not a matrix record, is skipped
 * and counted, never fatal, since the file is the only copy of hours of measurements.
 */
import type { LabRow } from './lab-matrix-plan.js';

/** How a row ended. */
export type LabRowStatus =
  /** The bench printed its JSON line and exited 0. */
  | 'ok'
  /** The bench failed (exit code, no JSON line, or could not start); see `error`. */
  | 'failed'
  /** Not run: the bench refuses the row (e.g. Shaka without a virtual Shaka model); see `error`. */
  | 'skipped';

/** The machine a row ran on. */
export interface LabMachine {
  /** Logical CPUs. */
  readonly cores: number;
  readonly cpuModel: string;
  /** 1, 5 and 15 minute load averages when the row started. */
  readonly loadAverageBefore: readonly number[];
  /** ... and when it ended. */
  readonly loadAverageAfter: readonly number[];
}

/** One line of the matrix's JSONL file. */
export interface LabMatrixRecord {
  /** Always `'lab-matrix-row'`: tells records from other JSON lines. */
  readonly kind: 'lab-matrix-row';
  readonly row: LabRow;
  readonly status: LabRowStatus;
  /** Why a row failed or was skipped; null when ok. */
  readonly error: string | null;
  /** The bench's command line (argv, from the repository root). */
  readonly command: readonly string[];
  /** Where the bench wrote its chart, diagnostics and log. */
  readonly outDir: string;
  /** ISO time the row started. */
  readonly startedAt: string;
  readonly wallSeconds: number;
  /** The bench's exit code; null when it did not run or was killed by a signal. */
  readonly exitCode: number | null;
  /** `git rev-parse HEAD` of the working tree measured, or null outside git. */
  readonly gitCommit: string | null;
  /** True when the working tree differed from that commit. */
  readonly gitDirty: boolean | null;
  readonly machine: LabMachine;
  /** The bench's JSON line (scenario-report.ts, network-report.ts); null when it printed none. */
  readonly report: Readonly<Record<string, unknown>> | null;
}

/** Records read from a JSONL file, and how many lines were not records. */
export interface ReadRecords {
  readonly records: LabMatrixRecord[];
  readonly unreadableLines: number;
}

function isRecord(value: unknown): value is LabMatrixRecord {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { kind?: unknown; row?: unknown; status?: unknown };
  const row = candidate.row as { id?: unknown } | null | undefined;
  return (
    candidate.kind === 'lab-matrix-row' &&
    typeof row === 'object' &&
    row !== null &&
    typeof row.id === 'string' &&
    (candidate.status === 'ok' || candidate.status === 'failed' || candidate.status === 'skipped')
  );
}

/** Parses a matrix JSONL file's text (empty and unreadable lines skipped). */
export function parseRecords(text: string): ReadRecords {
  const records: LabMatrixRecord[] = [];
  let unreadableLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      unreadableLines += 1;
      continue;
    }
    if (isRecord(value)) records.push(value);
    else unreadableLines += 1;
  }
  return { records, unreadableLines };
}

/** One record as a line of the file (with its newline). */
export function formatRecord(record: LabMatrixRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Ids of rows that need not run again (`--resume`): those with a result. Failed rows run again;
 * skipped ones too, since the bench may accept them by now.
 */
export function completedRowIds(records: readonly LabMatrixRecord[]): Set<string> {
  return new Set(records.filter((record) => record.status === 'ok').map((record) => record.row.id));
}

/**
 * The record that stands for each row: its last ok one, else its last one of any status (a row run
 * again after a failure shows the new result). In first-appearance order.
 */
export function latestRecordPerRow(records: readonly LabMatrixRecord[]): LabMatrixRecord[] {
  const chosen = new Map<string, LabMatrixRecord>();
  for (const record of records) {
    const previous = chosen.get(record.row.id);
    if (previous === undefined || record.status === 'ok' || previous.status !== 'ok') {
      chosen.set(record.row.id, record);
    }
  }
  return [...chosen.values()];
}

/**
 * The bench's JSON line in its stdout: the last line that parses as a JSON object (progress goes to
 * stderr, but a build step may print to stdout first). Undefined when there is none.
 */
export function benchLineOf(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.split('\n').reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return value as Record<string, unknown>;
      }
    } catch {
      // not the report line; keep looking
    }
  }
  return undefined;
}
