/**
 * The PostgreSQL store against a real server (`P2PML_TEST_POSTGRES_URL`, which scripts/test.sh sets
 * after starting a throwaway cluster on a unix socket): two collectors share one database as behind
 * a load balancer, a viewer's beacons alternate between them and its deltas stay exact, and a new
 * collector on the same database sees every bucket. Skipped, with the reason printed, without it.
 */
import pg from 'pg';
import { startCollector, PostgresStore, type Collector } from '../../../collector/index.js';
import { beaconBody, postBeacon } from './beacons.js';

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
