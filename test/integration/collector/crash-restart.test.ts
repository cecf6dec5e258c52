/**
 * The CLI collector killed with SIGKILL keeps every bucket it had stored: a real
 * `p2p-media-loader-collector` process (SQLite file, write-ahead log) ingests beacons, is killed
 * without warning, and the file opened again holds exactly what its API served before the kill.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../../collector/index.js';
import { waitUntil } from '../../support/wait.js';
import { beaconBody, postBeacon } from './beacons.js';

it('keeps every stored bucket after kill -9', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'p2pml-crash-'));
  const db = path.join(dir, 'c.sqlite');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'collector/cli.ts', '--port', '0', '--db', db],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const url = await waitUntil(() => /beacons:\s+(http:\/\/\S+)\/beacon/.exec(output)?.[1], {
      timeoutMs: 15_000,
      description: 'the collector to print its URL',
      lastSeen: () => output,
    });
    for (let viewer = 0; viewer < 20; viewer++) {
      const body = beaconBody({ id: `v${viewer}`, http: 1000 + viewer, p2p: 5000 + viewer });
      expect((await postBeacon(`${url}/beacon`, body)).status).toBe(204);
    }
    // Stored once the API (which reads the database) shows every byte.
    const expectedP2p = Array.from({ length: 20 }, (_, viewer) => 5000 + viewer).reduce(
      (a, b) => a + b,
    );
    await waitUntil(
      async () => {
        const series = (await (await fetch(`${url}/api/series?range=hour`)).json()) as {
          totals: { p2pBytes: number };
        };
        return series.totals.p2pBytes === expectedP2p;
      },
      { timeoutMs: 5000, description: 'the beacons to be stored' },
    );
    child.kill('SIGKILL');
    await once(child, 'exit');

    const store = new SqliteStore(db);
    const buckets = await store.buckets({ fromMs: 0, toMs: Date.now() + 120_000 });
    await store.close();
    const sum = (key: 'p2pBytes' | 'beacons') =>
      buckets.reduce((total, b) => total + b.counts[key], 0);
    expect({ p2p: sum('p2pBytes'), beacons: sum('beacons') }).toEqual({
      p2p: expectedP2p,
      beacons: 20,
    });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
