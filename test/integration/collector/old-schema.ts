/**
 * The tables as collectors wrote them before buckets were kept per player (bucket key: minute,
 * swarm, engine; no `counted_player` in viewer state), for the migration tests of both stores.
 * Written out here, not derived from today's schema, so a later schema change cannot hide a break.
 */
import { COUNTER_COLUMNS } from '../../../collector/store/columns.js';

/** `CREATE TABLE` statements of the schema before `player`. */
export function schemaBeforePlayer(dialect: 'sqlite' | 'postgres'): string[] {
  const int = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const withoutRowId = dialect === 'sqlite' ? ' WITHOUT ROWID' : '';
  const counters = COUNTER_COLUMNS.map((column) => `${column} ${int} NOT NULL DEFAULT 0`).join(
    ', ',
  );
  const viewerNumbers = [
    't_ms',
    'http_bytes',
    'p2p_bytes',
    'upload_bytes',
    'seg_http',
    'seg_p2p',
    'seg_cache',
    'stalls',
    'stall_ms',
    'counted_minute_ms',
  ];
  return [
    `CREATE TABLE p2pml_buckets (minute_ms ${int} NOT NULL, swarm TEXT NOT NULL, engine TEXT NOT NULL, ${counters}, PRIMARY KEY (minute_ms, swarm, engine))${withoutRowId}`,
    `CREATE TABLE p2pml_viewers (id TEXT PRIMARY KEY, ${viewerNumbers.map((c) => `${c} ${int} NOT NULL`).join(', ')}, counted_swarm TEXT NOT NULL, counted_engine TEXT NOT NULL, startup_swarm TEXT NOT NULL, startup_ms ${int} NOT NULL, seen_at_ms ${int} NOT NULL)${withoutRowId}`,
    'CREATE INDEX p2pml_viewers_seen ON p2pml_viewers (seen_at_ms)',
  ];
}

/**
 * Rows an old collector stored: two buckets of minute `minuteMs` (swarm `s1`, hlsjs: 100 HTTP and
 * 900 P2P bytes, one viewer; swarm `s2`, shaka: 500 HTTP bytes) and viewer `a`'s totals (t 30 s,
 * 100 HTTP, 900 P2P bytes), counted in the first bucket.
 */
export function rowsBeforePlayer(
  dialect: 'sqlite' | 'postgres',
  minuteMs: number,
): { readonly sql: string; readonly values: readonly (string | number)[] }[] {
  const p = (n: number): string => (dialect === 'sqlite' ? '?' : `$${n}`);
  const bucket = `INSERT INTO p2pml_buckets (minute_ms, swarm, engine, beacons, viewers, http_bytes, p2p_bytes) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)})`;
  return [
    { sql: bucket, values: [minuteMs, 's1', 'hlsjs', 1, 1, 100, 900] },
    { sql: bucket, values: [minuteMs, 's2', 'shaka', 1, 1, 500, 0] },
    {
      sql: `INSERT INTO p2pml_viewers (id, t_ms, http_bytes, p2p_bytes, upload_bytes, seg_http, seg_p2p, seg_cache, stalls, stall_ms, counted_minute_ms, counted_swarm, counted_engine, startup_swarm, startup_ms, seen_at_ms) VALUES (${[...Array(16).keys()].map((i) => p(i + 1)).join(', ')})`,
      values: [
        'a',
        30_000,
        100,
        900,
        0,
        0,
        0,
        0,
        0,
        0,
        minuteMs,
        's1',
        'hlsjs',
        '',
        -1,
        minuteMs + 1000,
      ],
    },
  ];
}
