/**
 * The SQLite store on a real file: batches become minute buckets per swarm, engine and player, a
 * file written before buckets had a player is upgraded with its rows kept, a restart
 * (closing and reopening the file) keeps every stored bucket and each viewer's totals (no double
 * counting after the restart), range queries sum buckets, and retention deletes old ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BeaconPlayer, CollectorBeacon } from '../../../collector/beacon/beacon-schema.js';
import { rowsBeforePlayer, schemaBeforePlayer } from '../../integration/collector/old-schema.js';
import { SqliteStore } from '../../../collector/store/sqlite-store.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'p2pml-collector-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function beacon(
  id: string,
  tMs: number,
  httpBytes: number,
  p2pBytes: number,
  swarm = 's1',
  player: BeaconPlayer = 'videojs',
): CollectorBeacon {
  return {
    v: 2,
    id,
    swarm,
    engine: 'hlsjs',
    player,
    tMs,
    httpBytes,
    p2pBytes,
    uploadBytes: 0,
    peers: 1,
    segments: { http: 0, p2p: 0, cache: 0 },
    stalls: 0,
    stallMs: 0,
    startupMs: 900,
  };
}

describe('SqliteStore', () => {
  it('keeps every bucket and viewer state across a restart', async () => {
    const file = path.join(dir, 'collector.sqlite');
    const store = new SqliteStore(file);
    await store.apply([
      { beacon: beacon('a', 30_000, 100, 900), atMs: T0 + 1000 },
      { beacon: beacon('b', 30_000, 500, 0, 's2'), atMs: T0 + 2000 },
      { beacon: beacon('a', 60_000, 200, 1900), atMs: T0 + 61_000 },
    ]);
    const before = await store.buckets({ fromMs: 0, toMs: T0 * 2 });
    expect(
      before.map((b) => [
        b.minuteMs - T0,
        b.swarm,
        b.counts.httpBytes,
        b.counts.p2pBytes,
        b.counts.viewers,
      ]),
    ).toEqual([
      [0, 's1', 100, 900, 1],
      [0, 's2', 500, 0, 1],
      [60_000, 's1', 100, 1000, 1],
    ]);
    await store.close();

    const reopened = new SqliteStore(file);
    expect(await reopened.buckets({ fromMs: 0, toMs: T0 * 2 })).toEqual(before);
    // Viewer a's totals survived: its next beacon adds only its delta.
    await reopened.apply([{ beacon: beacon('a', 90_000, 250, 2900), atMs: T0 + 62_000 }]);
    const [, , minute1] = await reopened.buckets({ fromMs: 0, toMs: T0 * 2 });
    expect(minute1?.counts).toMatchObject({
      httpBytes: 150,
      p2pBytes: 2000,
      beacons: 2,
      viewers: 1,
    });
    const series = await reopened.series({ fromMs: T0, toMs: T0 + 3_600_000, stepMs: 3_600_000 });
    expect(series).toHaveLength(1);
    expect(series[0]?.counts).toMatchObject({ httpBytes: 750, p2pBytes: 2900, startups: 2 });
    expect(series[0]?.peakViewers).toBe(2);
    const swarms = await reopened.swarms({ fromMs: T0, toMs: T0 + 3_600_000 }, 10);
    expect(swarms.map((s) => [s.swarm, s.counts.p2pBytes, s.activeMinutes])).toEqual([
      ['s1', 2900, 2],
      ['s2', 0, 1],
    ]);
    expect(await reopened.prune(T0 + 60_000)).toBe(2);
    expect(await reopened.buckets({ fromMs: 0, toMs: T0 * 2 })).toHaveLength(1);
    await reopened.close();
  });

  it('keeps one bucket per player of the same minute, swarm and engine', async () => {
    const store = new SqliteStore(path.join(dir, 'players.sqlite'));
    await store.apply([
      { beacon: beacon('a', 30_000, 100, 900, 's1', 'videojs'), atMs: T0 + 1000 },
      { beacon: beacon('b', 30_000, 300, 0, 's1', 'clappr'), atMs: T0 + 2000 },
      { beacon: beacon('c', 30_000, 50, 50, 's1', 'videojs'), atMs: T0 + 3000 },
      { beacon: beacon('d', 30_000, 10, 0, 's1', 'unknown'), atMs: T0 + 4000 },
    ]);
    const buckets = await store.buckets({ fromMs: T0, toMs: T0 + 60_000 });
    expect(buckets.map((b) => [b.player, b.counts.httpBytes, b.counts.viewers])).toEqual([
      ['clappr', 300, 1],
      ['unknown', 10, 1],
      ['videojs', 150, 2],
    ]);
    const players = await store.players({ fromMs: T0, toMs: T0 + 60_000 });
    expect(players.map((p) => [p.player, p.counts.p2pBytes, p.peakViewers])).toEqual([
      ['videojs', 950, 2],
      ['clappr', 0, 1],
      ['unknown', 0, 1],
    ]);
    await store.close();
  });

  it('upgrades a file written before buckets had a player, keeping rows and viewer totals', async () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new Database(file);
    for (const sql of schemaBeforePlayer('sqlite')) old.exec(sql);
    for (const { sql, values } of rowsBeforePlayer('sqlite', T0)) old.prepare(sql).run(...values);
    old.close();

    const store = new SqliteStore(file);
    const buckets = await store.buckets({ fromMs: T0, toMs: T0 + 60_000 });
    expect(
      buckets.map((b) => [b.swarm, b.engine, b.player, b.counts.httpBytes, b.counts.p2pBytes]),
    ).toEqual([
      ['s1', 'hlsjs', 'unknown', 100, 900],
      ['s2', 'shaka', 'unknown', 500, 0],
    ]);
    // Viewer a's totals survived the upgrade: its next beacon adds only its delta, now per player.
    await store.apply([
      { beacon: beacon('a', 60_000, 150, 1000, 's1', 'jwplayer'), atMs: T0 + 61_000 },
    ]);
    const [next] = await store.buckets({ fromMs: T0 + 60_000, toMs: T0 + 120_000 });
    expect(next).toMatchObject({ swarm: 's1', player: 'jwplayer' });
    expect(next?.counts).toMatchObject({ httpBytes: 50, p2pBytes: 100, viewers: 1 });
    await store.close();
    // Opening the upgraded file again changes nothing.
    const again = new SqliteStore(file);
    expect(await again.buckets({ fromMs: 0, toMs: T0 * 2 })).toHaveLength(3);
    await again.close();
  });
});
