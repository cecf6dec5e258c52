/**
 * The PostgreSQL store against a real server (`P2PML_TEST_POSTGRES_URL`, which scripts/test.sh sets
 * after starting a throwaway cluster on a unix socket): two collectors share one database as behind
 * a load balancer, a viewer's beacons alternate between them and its deltas stay exact, and a new
 * collector on the same database sees every bucket; buckets are kept per player, and a table
 * written before buckets had a player is upgraded with its rows kept. Skipped, with the reason
 * printed, without it.
 */
import pg from 'pg';
import { startCollector, PostgresStore, type Collector } from '../../../collector/index.js';
import { beaconBody, postBeacon } from './beacons.js';
import { rowsBeforePlayer, schemaBeforePlayer } from './old-schema.js';

const url = process.env.P2PML_TEST_POSTGRES_URL;
if (!url)
  console.log(
    'postgres test skipped: P2PML_TEST_POSTGRES_URL is not set (scripts/test.sh sets it as root)',
  );
const maybe = url ? it : it.skip;

const collectors: Collector[] = [];
afterEach(async () => {
  for (const collector of collectors.splice(0)) await collector.stop();
});

maybe(
  'two collectors on one database count a viewer exactly and a third sees every bucket',
  async () => {
    const databaseUrl = url ?? '';
    // A clean slate: the tables may hold an earlier run's rows.
    await (await PostgresStore.open(databaseUrl)).close();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query('TRUNCATE p2pml_buckets, p2pml_viewers');
    await admin.end();

    const start = async (): Promise<Collector> => {
      const collector = await startCollector({ port: 0, db: databaseUrl, flushIntervalMs: 100 });
      collectors.push(collector);
      return collector;
    };
    const [a, b] = [await start(), await start()];
    // The load balancer sends viewer x's beacons to a, b, a in turn.
    const totals = [
      [30_000, 1000, 2000],
      [60_000, 1500, 6000],
      [90_000, 1600, 9000],
    ];
    for (const [index, [t, http, p2p]] of totals.entries()) {
      const target = index % 2 === 0 ? a : b;
      expect(
        (await postBeacon(target.beaconUrl, beaconBody({ id: 'x', t, http, p2p }))).status,
      ).toBe(204);
      await target.flush();
    }
    await postBeacon(
      b.beaconUrl,
      beaconBody({ id: 'y', swarm: 'vod/other', t: 30_000, http: 700, p2p: 0 }),
    );
    await b.flush();

    const range = { fromMs: 0, toMs: Date.now() + 120_000 };
    const stored = await a.store.buckets(range);
    const sum = (key: 'httpBytes' | 'p2pBytes' | 'beacons') =>
      stored.reduce((total, bucket) => total + bucket.counts[key], 0);
    expect({ http: sum('httpBytes'), p2p: sum('p2pBytes'), beacons: sum('beacons') }).toEqual({
      http: 2300,
      p2p: 9000,
      beacons: 4,
    });

    for (const collector of collectors.splice(0)) await collector.stop();
    const c = await start();
    expect(await c.store.buckets(range)).toEqual(stored);
    const swarms = (await (await fetch(`${c.url}/api/swarms?range=hour`)).json()) as {
      swarms: { swarm: string; p2pBytes: number }[];
    };
    expect(swarms.swarms.map((s) => [s.swarm, s.p2pBytes])).toEqual([
      ['live/demo', 9000],
      ['vod/other', 0],
    ]);
  },
);

maybe(
  'keeps buckets per player and upgrades tables written before buckets had a player',
  async () => {
    const databaseUrl = url ?? '';
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query('DROP TABLE IF EXISTS p2pml_buckets, p2pml_viewers');
      for (const sql of schemaBeforePlayer('postgres')) await admin.query(sql);
      const minuteMs = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
      for (const { sql, values } of rowsBeforePlayer('postgres', minuteMs)) {
        await admin.query(sql, [...values]);
      }
      // Two stores opening the old tables at once: the advisory lock lets one of them upgrade.
      const [store, other] = await Promise.all([
        PostgresStore.open(databaseUrl),
        PostgresStore.open(databaseUrl),
      ]);
      await other.close();
      try {
        const range = { fromMs: minuteMs, toMs: minuteMs + 60_000 };
        const old = await store.buckets(range);
        expect(
          old.map((b) => [b.swarm, b.engine, b.player, b.counts.httpBytes, b.counts.p2pBytes]),
        ).toEqual([
          ['s1', 'hlsjs', 'unknown', 100, 900],
          ['s2', 'shaka', 'unknown', 500, 0],
        ]);
        const atMs = minuteMs + 60_000;
        const sent = (id: string, player: string, tMs: number, httpBytes: number) => ({
          beacon: {
            v: 2 as const,
            id,
            swarm: 's1',
            engine: 'hlsjs' as const,
            player: player as 'videojs',
            tMs,
            httpBytes,
            p2pBytes: 0,
            uploadBytes: 0,
            peers: 0,
            segments: { http: 0, p2p: 0, cache: 0 },
            stalls: 0,
            stallMs: 0,
            startupMs: undefined,
          },
          atMs,
        });
        // Viewer a's totals from before the upgrade still hold: only its 50 new bytes count.
        await store.apply([
          sent('a', 'flowplayer', 60_000, 150),
          sent('b', 'mediaelement', 30_000, 70),
          sent('c', 'flowplayer', 30_000, 30),
        ]);
        const next = await store.buckets({ fromMs: atMs, toMs: atMs + 60_000 });
        expect(next.map((b) => [b.player, b.counts.httpBytes, b.counts.viewers])).toEqual([
          ['flowplayer', 80, 2],
          ['mediaelement', 70, 1],
        ]);
        const players = await store.players({ fromMs: minuteMs, toMs: atMs + 60_000 });
        expect(players.map((p) => [p.player, p.counts.httpBytes]).sort()).toEqual([
          ['flowplayer', 80],
          ['mediaelement', 70],
          ['unknown', 600],
        ]);
      } finally {
        await store.close();
      }
    } finally {
      await admin.end();
    }
  },
);
