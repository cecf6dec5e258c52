/**
 * `npm run simulate`: runs the swarm simulator's two arms (P2P, and the same viewers without it)
 * and prints the summary (simulation-report.ts), one JSON line with `--json`.
 *
 * Each arm runs in a child process of its own (this script with `--arm p2p|off`): the arms are
 * independent simulations, so on a machine with two cores they take the time of the longer one,
 * and each gets a heap of its own. A child prints its {@link ArmSummary} as one JSON line on
 * stdout and its progress on stderr. The engine's settings are checked by the engine itself: a bad
 * `--engine-config` fails every viewer of the P2P arm with the engine's own error.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSimulation } from './run-simulation.js';
import { parseSimulateArgs, SIMULATE_USAGE, type SimulateOptions } from './simulate-options.js';
import {
  armSummary,
  renderCharts,
  summarize,
  summaryText,
  type ArmSummary,
} from './simulation-report.js';

/** The internal flag a child process is started with: which arm it runs. */
const ARM_FLAG = '--arm';

async function runArm(options: SimulateOptions, p2p: boolean): Promise<ArmSummary> {
  const label = p2p ? 'P2P' : 'P2P off';
  const run = await runSimulation({
    viewers: options.viewers,
    mode: options.mode,
    seconds: options.seconds,
    seed: options.seed,
    p2p,
    profile: options.profile,
    scale: options.scale,
    engineConfig: options.engineConfig,
    ...(options.tickIntervalMs === undefined ? {} : { tickIntervalMs: options.tickIntervalMs }),
    ...(options.timeupdateIntervalMs === undefined
      ? {}
      : { timeupdateIntervalMs: options.timeupdateIntervalMs }),
    onProgress: (simulatedMs, present) => {
      process.stderr.write(
        `${label}: ${Math.round(simulatedMs / 1000)} / ${options.seconds} s simulated, ${present} viewers present\n`,
      );
    },
  });
  return armSummary(run);
}

/** Runs one arm in a child process and resolves with its summary. */
function runArmProcess(
  argv: readonly string[],
  arm: 'p2p' | 'off',
  quiet: boolean,
): Promise<ArmSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...argv, ARM_FLAG, arm],
      { stdio: ['ignore', 'pipe', quiet ? 'ignore' : 'inherit'] },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`the ${arm} arm exited with ${signal ?? `code ${code}`}`));
        return;
      }
      try {
        resolve(JSON.parse(line) as ArmSummary);
      } catch (error) {
        reject(new Error(`the ${arm} arm printed no summary`, { cause: error }));
      }
    });
  });
}

/** Splits off the internal `--arm` flag. */
function armOf(argv: readonly string[]): { arm: 'p2p' | 'off' | undefined; rest: string[] } {
  const index = argv.indexOf(ARM_FLAG);
  if (index < 0) return { arm: undefined, rest: [...argv] };
  const value = argv[index + 1];
  const rest = [...argv.slice(0, index), ...argv.slice(index + 2)];
  return { arm: value === 'p2p' || value === 'off' ? value : undefined, rest };
}

async function main(): Promise<number> {
  const { arm, rest } = armOf(process.argv.slice(2));
  const command = parseSimulateArgs(rest);
  if (command.kind === 'help') {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  if (command.kind === 'error') {
    console.error(`${command.message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  const { options } = command;
  if (arm !== undefined) {
    console.log(JSON.stringify(await runArm(options, arm === 'p2p')));
    return 0;
  }
  const startedAtMs = Date.now();
  const [p2p, baseline] = await Promise.all([
    runArmProcess(rest, 'p2p', options.json),
    options.p2pOnly ? undefined : runArmProcess(rest, 'off', options.json),
  ]);
  const summary = summarize(p2p, baseline ?? p2p, Date.now() - startedAtMs);
  if (options.json) console.log(JSON.stringify(summary));
  else console.log(summaryText(summary));
  if (summary.callbackErrors > 0) {
    console.error(
      `first callback error: ${p2p.firstCallbackError ?? baseline?.firstCallbackError}`,
    );
  }
  if (options.outDir !== undefined) {
    await mkdir(options.outDir, { recursive: true });
    const stem = `sim-${options.mode}-${options.viewers}-${options.profile}-seed${options.seed}`;
    const charts = renderCharts(p2p, baseline ?? p2p);
    await writeFile(path.join(options.outDir, `${stem}-bytes.svg`), charts.bytes);
    await writeFile(path.join(options.outDir, `${stem}-audience.svg`), charts.audience);
    await writeFile(
      path.join(options.outDir, `${stem}.json`),
      JSON.stringify(summary, null, 2) + '\n',
    );
  }
  return summary.callbackErrors > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
