/**
 * `npm run bench:collector`: how many beacons a second one collector process ingests with SQLite.
 * Starts the built collector CLI (`dist/esm/collector/cli.js`, one Node process: one core) on
 * loopback with a temporary database, sends beacons at a fixed rate from this process over
 * keep-alive connections, then reports the achieved rate, request latency percentiles (p50, p99,
 * max), the collector's CPU use (from /proc), batch write times, and checks that the database holds
 * every accepted beacon. Bounded: `--rate` (default 2000/s) for `--seconds` (default 10, at most
 * 60); stops early if the collector falls behind by more than two seconds of load.
 *
 * usage: npm run bench:collector [-- --rate N --seconds S]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT_DIR, 'dist/esm/collector/cli.js');
const VIEWERS = 5000;
const CLIENT_ADDRESSES = 1000;
const MAX_SECONDS = 60;

function option(name: string, fallback: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new Error(`--${name} must be a number in (0, ${max}]`);
  }
  return value;
}

/** CPU time of a process so far, seconds (Linux /proc; undefined elsewhere). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const rate = option('rate', 2000, 20_000);
  const seconds = option('seconds', 10, MAX_SECONDS);
  if (!existsSync(CLI)) throw new Error('build first: npm run build:esm');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'p2pml-bench-collector-'));
  const dbFile = path.join(dir, 'bench.sqlite');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    [CLI, '--port', String(port), '--host', '127.0.0.1', '--db', dbFile, '--trust-proxy'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    if (!line.toString().includes('collector:'))
      throw new Error(`collector did not start: ${line.toString()}`);
    const agent = new Agent({ keepAlive: true, maxSockets: 128 });
    const totals = new Map<string, { t: number; http: number; p2p: number }>();
    const latenciesMs: number[] = [];
    const statuses = new Map<number, number>();
    let inFlight = 0;
    let sent = 0;

    const send = (index: number): void => {
      const id = `viewer-${index % VIEWERS}`;
      const previous = totals.get(id) ?? { t: 0, http: 0, p2p: 0 };
      const next = {
        t: previous.t + 30_000,
        http: previous.http + 400_000,
        p2p: previous.p2p + 1_200_000,
      };
      totals.set(id, next);
      const body = JSON.stringify({
        v: 2,
        id,
        swarm: `https://cdn.example/live/channel-${index % 20}/master.m3u8`,
        engine: index % 3 === 0 ? 'shaka' : 'hlsjs',
        t: next.t,
        http: next.http,
        p2p: next.p2p,
        up: next.p2p,
        peers: 4,
        seg: { http: 10, p2p: 30, cache: 0 },
        stalls: 0,
        stallMs: 0,
        startMs: 800,
      });
      const startedAt = performance.now();
      inFlight++;
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port,
          path: '/beacon',
          method: 'POST',
          headers: {
            'Content-Type': 'text/plain;charset=UTF-8',
            'Content-Length': Buffer.byteLength(body),
            'X-Forwarded-For': `10.0.${(index % CLIENT_ADDRESSES) >> 8}.${index % 256}`,
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            inFlight--;
            latenciesMs.push(performance.now() - startedAt);
            statuses.set(
              response.statusCode ?? 0,
              (statuses.get(response.statusCode ?? 0) ?? 0) + 1,
            );
          });
        },
      );
      req.on('error', () => {
        inFlight--;
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
      });
      req.end(body);
    };

    const pid = child.pid ?? 0;
    const cpuBefore = cpuSeconds(pid);
    const startedAt = performance.now();
    const total = Math.round(rate * seconds);
    const tickMs = 10;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * rate));
        // Falling behind by more than two seconds of load: the collector cannot keep up; stop.
        if (inFlight > rate * 2) {
          clearInterval(timer);
          resolve();
          return;
        }
        while (sent < due) send(sent++);
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, tickMs);
    });
    while (inFlight > 0 && performance.now() - startedAt < (seconds + 10) * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsedS = (performance.now() - startedAt) / 1000;
    const cpuAfter = cpuSeconds(pid);
    // Let the last batch be written, then read the write times.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    agent.destroy();
    child.kill('SIGTERM');
    await once(child, 'exit');

    const db = new Database(dbFile, { readonly: true });
    const stored = db.prepare('SELECT TOTAL(beacons) AS beacons FROM p2pml_buckets').get() as {
      beacons: number;
    };
    db.close();
    const sorted = [...latenciesMs].sort((a, b) => a - b);
    const accepted = statuses.get(204) ?? 0;
    const writeSum = Number(/p2pml_collector_write_seconds_sum (\S+)/.exec(metrics)?.[1] ?? NaN);
    const writeCount = Number(
      /p2pml_collector_write_seconds_count (\S+)/.exec(metrics)?.[1] ?? NaN,
    );
    const cpu =
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : (cpuAfter - cpuBefore) / elapsedS;
    console.log(
      `beacons sent:      ${sent} in ${elapsedS.toFixed(2)} s (target ${rate}/s for ${seconds} s)`,
    );
    console.log(
      `accepted (204):    ${accepted}; other statuses: ${JSON.stringify(Object.fromEntries([...statuses].filter(([s]) => s !== 204)))}`,
    );
    console.log(`ingest rate:       ${(accepted / elapsedS).toFixed(0)} beacons/s`);
    console.log(
      `request latency:   p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(2)} ms`,
    );
    console.log(
      `collector CPU:     ${cpu === undefined ? 'n/a' : `${(cpu * 100).toFixed(0)} % of one core`}`,
    );
    if (cpu !== undefined && accepted > 0) {
      // CPU time per beacon bounds what one core can ingest, whatever the load generator manages.
      const cpuPerBeaconMs = (cpu * elapsedS * 1000) / accepted;
      console.log(
        `CPU per beacon:    ${(cpuPerBeaconMs * 1000).toFixed(0)} µs (one core: ~${(1000 / cpuPerBeaconMs).toFixed(0)} beacons/s)`,
      );
    }
    console.log(
      `load average:      ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${os.cpus().length} cores`,
    );
    console.log(
      `batch writes:      ${writeCount} transactions, mean ${((writeSum / writeCount) * 1000).toFixed(1)} ms`,
    );
    console.log(
      `stored beacons:    ${stored.beacons} (${stored.beacons === accepted ? 'all accepted beacons stored' : 'MISMATCH'})`,
    );
    if (stored.beacons !== accepted || accepted < sent) process.exitCode = 1;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
