/**
 * Reads Jest `--json` results files (one per Jest run of scripts/test.sh) and prints each test
 * file's status and duration, then the start of every failure's message (a CI log often keeps only
 * its tail, where Jest's own report of a failure early in a long run is cut), then the one line
 * `npm test` ends with:
 * `tests: N passed, N failed` (plus `, N skipped` when some were skipped). Exits 1 when any test
 * failed, any test file could not run, or a results file is missing (that run crashed).
 *
 * usage: tsx scripts/test-summary.ts RESULTS_JSON...
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The fields of Jest's aggregated results this summary uses. */
interface JestResults {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly numTodoTests: number;
  readonly numFailedTestSuites: number;
  readonly numRuntimeErrorTestSuites: number;
  readonly success: boolean;
  readonly testResults: readonly {
    readonly name: string;
    readonly status: string;
    readonly startTime: number;
    readonly endTime: number;
    /** Why the file failed as a whole (e.g. a hook threw), when it did. */
    readonly message?: string;
    readonly assertionResults?: readonly {
      readonly fullName: string;
      readonly status: string;
      readonly failureMessages?: readonly string[];
    }[];
  }[];
}

/** Lines of each failure message repeated in the summary. */
const FAILURE_LINES = 14;
/** Failures repeated in the summary at most (the rest are only counted). */
const MAX_FAILURES_SHOWN = 10;

/** Totals over every results file. */
interface Totals {
  /** Each failure as `file › test` and the start of its message. */
  failures: string[];
  passed: number;
  failed: number;
  skipped: number;
  filesNotRun: number;
  ok: boolean;
}

function readResults(resultsPath: string): JestResults | undefined {
  try {
    return JSON.parse(readFileSync(resultsPath, 'utf8')) as JestResults;
  } catch (error) {
    console.error(`test-summary: cannot read ${resultsPath}: ${String(error)}`);
    return undefined;
  }
}

/** `title` and the first {@link FAILURE_LINES} non-empty lines of `messages`, colours removed. */
function failureText(title: string, messages: readonly string[]): string {
  const lines = messages
    .join('\n')
    // eslint-disable-next-line no-control-regex -- Jest colours its messages with ANSI escapes
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, FAILURE_LINES);
  return [`● ${title}`, ...lines.map((line) => `    ${line}`)].join('\n');
}

function addResults(totals: Totals, results: JestResults): void {
  for (const file of results.testResults) {
    const seconds = ((file.endTime - file.startTime) / 1000).toFixed(1);
    const name = path.relative(process.cwd(), file.name);
    console.log(`  ${file.status.padEnd(6)} ${seconds.padStart(6)} s  ${name}`);
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failed) {
      totals.failures.push(failureText(`${name} › ${test.fullName}`, test.failureMessages ?? []));
    }
    if (failed.length === 0 && file.status === 'failed' && file.message) {
      totals.failures.push(failureText(name, [file.message]));
    }
  }
  totals.passed += results.numPassedTests;
  totals.failed += results.numFailedTests;
  totals.skipped += results.numPendingTests + results.numTodoTests;
  totals.filesNotRun += results.numRuntimeErrorTestSuites;
  if (!results.success || results.numFailedTests > 0 || results.numFailedTestSuites > 0) {
    totals.ok = false;
  }
}

function main(resultsPaths: readonly string[]): number {
  if (resultsPaths.length === 0) {
    console.error('usage: test-summary.ts RESULTS_JSON...');
    return 2;
  }
  const totals: Totals = {
    failures: [],
    passed: 0,
    failed: 0,
    skipped: 0,
    filesNotRun: 0,
    ok: true,
  };
  for (const resultsPath of resultsPaths) {
    const results = readResults(resultsPath);
    if (results === undefined) totals.ok = false;
    else addResults(totals, results);
  }
  if (totals.failures.length > 0) {
    console.log(
      `\nfailures (${totals.failures.length}; each message's start, Jest's report above):`,
    );
    for (const failure of totals.failures.slice(0, MAX_FAILURES_SHOWN)) console.log(failure);
    const more = totals.failures.length - MAX_FAILURES_SHOWN;
    if (more > 0) console.log(`… and ${more} more`);
  }
  if (totals.filesNotRun > 0) console.log(`test files that could not run: ${totals.filesNotRun}`);
  const skippedText = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed${skippedText}`);
  return totals.ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
