/**
 * README's network-lab table (scripts/bench/lab-matrix-table.ts): the header with machine and date,
 * both arms per row in matrix order, TURN columns under nat and mixed, a verdict per target, and the
 * rows that failed or were skipped.
 */
import {
  planLabRows,
  parseLabMatrixArgs,
  type LabRow,
} from '../../../scripts/bench/lab-matrix-plan.js';
import type { LabMatrixRecord } from '../../../scripts/bench/lab-matrix-record.js';
import { headerLine, renderLabTable, tableCells } from '../../../scripts/bench/lab-matrix-table.js';

const options = parseLabMatrixArgs([]);
if (options === undefined) throw new Error('--help');
const rows = planLabRows(options);

function row(id: string): LabRow {
  const found = rows.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no row ${id}`);
  return found;
}

function report(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    originOffload: 0.9,
    idealOffload: 0.9667,
    stalls: 0,
    baselineStalls: 1,
    stallMsPerViewerHour: 0,
    baselineStallMsPerViewerHour: 120,
    notStarted: 0,
    baselineNotStarted: 0,
    startupMsMedian: 520,
    baselineStartupMsMedian: 500,
    startupMsP95: 1400,
    baselineStartupMsP95: 1000,
    cpuMsPerPlayedMinute: 1200,
    baselineCpuMsPerPlayedMinute: 1000,
    heapBytesMax: 50 * 1024 * 1024,
    baselineHeapBytesMax: 30 * 1024 * 1024,
    turnRelayedBytes: 0,
    offloadExcludingTurn: 0.9,
    problems: [],
    ...overrides,
  };
}

function record(
  target: LabRow,
  status: LabMatrixRecord['status'],
  bench: Record<string, unknown> | null,
  extra: Partial<LabMatrixRecord> = {},
): LabMatrixRecord {
  return {
    kind: 'lab-matrix-row',
    row: target,
    status,
    error:
      status === 'ok'
        ? null
        : 'needs virtual Shaka viewers: --virtual-peers needs an hls.js stream',
    command: [],
    outDir: 'out',
    startedAt: '2026-12-07T08:00:00.000Z',
    wallSeconds: 640,
    exitCode: status === 'ok' ? 0 : null,
    gitCommit: 'a564678aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    gitDirty: false,
    machine: {
      cores: 2,
      cpuModel: 'Test CPU @ 2.0GHz',
      loadAverageBefore: [3.9, 4, 4],
      loadAverageAfter: [5, 5, 5],
    },
    report: bench,
    ...extra,
  };
}

const clean = record(row('clean-live-hlsjs-180s-6c24v-seed1'), 'ok', report({ network: 'clean' }));
const nat = record(
  row('nat-vod-hlsjs-180s-6c24v-seed1'),
  'ok',
  report({
    network: 'nat',
    originOffload: 0.9,
    offloadExcludingTurn: 0.8,
    turnRelayedBytes: 12_340_000,
  }),
  {
    startedAt: '2026-12-08T01:00:00.000Z',
    machine: {
      cores: 2,
      cpuModel: 'Test CPU @ 2.0GHz',
      loadAverageBefore: [8.2, 6, 5],
      loadAverageAfter: [5, 5, 5],
    },
  },
);
const shaka = record(row('clean-live-shaka-180s-6c24v-seed1'), 'skipped', null);

describe('tableCells', () => {
  it('gives both arms of every figure and a verdict per target of a clean row', () => {
    const cells = tableCells(clean);
    expect(cells.slice(0, 4)).toEqual(['clean', 'live', 'hls.js', '180 s']);
    expect(cells).toEqual(
      expect.arrayContaining([
        '0.900',
        '0.967',
        '0.93 (≥ 0.90)',
        '0 / 1',
        '0 / 120',
        '520 / 500 (1.04×)',
        '1400 / 1000 (1.40×)',
        '1200 / 1000 (1.20×)',
        '50.0 / 30.0 (+20.0)',
        '0',
      ]),
    );
    expect(cells[cells.length - 1]).toBe(
      'offload ✓ · stalls ✓ · startup ✓ · p95 ✗ · CPU ✓ · heap ✓',
    );
  });

  it('shows the offload excluding TURN and the relayed bytes under nat, judged on the former', () => {
    const cells = tableCells(nat);
    expect(cells).toEqual(expect.arrayContaining(['0.900 (0.800)', '0.83 (≥ 0.85)', '12.34 MB']));
    expect(cells[cells.length - 1]).toMatch(/^offload ✗ · stalls ✓ · startup ✓ · p95 ✗$/);
  });

  it('leaves a skipped or failed row empty but for its labels and status', () => {
    const cells = tableCells(shaka);
    expect(cells.slice(0, 4)).toEqual(['clean', 'live', 'Shaka (DASH)', '180 s']);
    expect(cells.slice(4, -1).every((cell) => cell === '–')).toBe(true);
    expect(cells[cells.length - 1]).toBe('skipped');
  });
});

describe('renderLabTable', () => {
  it('renders a markdown table in matrix order with a header line, legend and why rows are missing', () => {
    const text = renderLabTable([nat, shaka, clean]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Measured 2026-12-07 to 2026-12-08 on Test CPU @ 2.0GHz, 2 cores; 1-minute load average ' +
        '3.9–8.2 as rows started; 6 Chromium + 24 virtual viewers per arm, seed 1; commit a564678.',
    );
    const tableRows = lines.filter((line) => line.startsWith('| '));
    expect(tableRows).toHaveLength(5); // header, rule, clean hls.js, clean Shaka, nat
    expect(tableRows[1]).toMatch(/^\| -+ \| -+ \|/);
    expect(tableRows.slice(2).map((line) => line.split('|')[3]?.trim())).toEqual([
      'hls.js',
      'Shaka (DASH)',
      'hls.js',
    ]);
    const columns = new Set(tableRows.map((line) => line.split('|').length));
    expect(columns.size).toBe(1);
    expect(text).toContain('✓ met, ✗ missed, ? not measured');
    expect(text).toContain(
      '- clean live Shaka (DASH) 180 s: skipped: needs virtual Shaka viewers: --virtual-peers needs an hls.js stream',
    );
  });

  it('shows the newest result of a row run twice', () => {
    const older = record(
      row('clean-live-hlsjs-180s-6c24v-seed1'),
      'ok',
      report({ network: 'clean', originOffload: 0.5 }),
    );
    const text = renderLabTable([older, clean]);
    expect(text).toContain('| 0.900 ');
    expect(text).not.toContain('| 0.500 ');
  });

  it('says so when nothing has run', () => {
    expect(headerLine([shaka])).toBe('No row of the matrix has run yet.');
  });
});
