/**
 * `npm run bench:tracker`: loads a WebTorrent tracker with real WebSocket peers on this machine and
 * prints what it measured (a table, or one JSON object with `--json`). Options: options.ts; the
 * run: run-bench.ts. Exit code 0 when the run completed and the tracker still answered afterwards,
 * 1 otherwise, 2 on a usage error.
 *
 * Start it with `node --import tsx` (as the npm script does), not the tsx CLI: the bench's
 * children get killed by pid when it ends, and the tsx CLI's signal relaying would race that.
 */
import { formatResultTable } from './report.js';
import { parseTrackerBenchArgs, TRACKER_BENCH_USAGE } from './options.js';
import { runTrackerBench } from './run-bench.js';

async function main(): Promise<void> {
  const command = parseTrackerBenchArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    console.log(TRACKER_BENCH_USAGE);
    return;
  }
  if (command.kind === 'error') {
    console.error(`bench:tracker: ${command.message}\n\n${TRACKER_BENCH_USAGE}`);
    process.exitCode = 2;
    return;
  }
  const result = await runTrackerBench(command.options, (line) => {
    console.error(`bench:tracker: ${line}`);
  });
  console.log(command.options.json ? JSON.stringify(result) : formatResultTable(result));
  if (!result.afterwards.answersAnnounce) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`bench:tracker: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
