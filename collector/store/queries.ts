/**
 * SQL shared by the SQLite and PostgreSQL stores, written once for both dialects. The differences:
 * placeholders (`?` / `$n`), the column type of counters, the float-safe sum (`TOTAL` in SQLite,
 * which never raises on overflow; `SUM` in PostgreSQL, which returns an exact numeric) and the
 * saturating minimum (`MIN` / `LEAST`).
 */
import { MAX_TOTAL } from '../ingest/safe-sum.js';
import { COUNTER_COLUMNS, VIEWER_COLUMNS } from './columns.js';

/** SQL dialect. */
export type Dialect = 'sqlite' | 'postgres';

const integer = (dialect: Dialect): string => (dialect === 'sqlite' ? 'INTEGER' : 'BIGINT');
const sum = (dialect: Dialect): string => (dialect === 'sqlite' ? 'TOTAL' : 'SUM');
const least = (dialect: Dialect): string => (dialect === 'sqlite' ? 'MIN' : 'LEAST');

/** Placeholders `?` or `$from..$from+count-1`. */
export function placeholders(dialect: Dialect, count: number, from = 1): string {
  return Array.from({ length: count }, (_, index) =>
    dialect === 'sqlite' ? '?' : `$${from + index}`,
  ).join(', ');
}

/** Creates the tables (idempotent). */
export function schemaSql(dialect: Dialect): string[] {
  const int = integer(dialect);
  const counters = COUNTER_COLUMNS.map((column) => `${column} ${int} NOT NULL DEFAULT 0`).join(
    ', ',
  );
  const withoutRowId = dialect === 'sqlite' ? ' WITHOUT ROWID' : '';
  const viewerColumns = VIEWER_COLUMNS.map((column) =>
    column === 'id'
      ? 'id TEXT PRIMARY KEY'
      : column.endsWith('swarm') || column.endsWith('engine') || column.endsWith('player')
        ? `${column} TEXT NOT NULL`
        : `${column} ${int} NOT NULL`,
  ).join(', ');
  return [
    `CREATE TABLE IF NOT EXISTS p2pml_buckets (minute_ms ${int} NOT NULL, swarm TEXT NOT NULL, engine TEXT NOT NULL, player TEXT NOT NULL DEFAULT 'unknown', ${counters}, PRIMARY KEY (minute_ms, swarm, engine, player))${withoutRowId}`,
    `CREATE TABLE IF NOT EXISTS p2pml_viewers (${viewerColumns})${withoutRowId}`,
    'CREATE INDEX IF NOT EXISTS p2pml_viewers_seen ON p2pml_viewers (seen_at_ms)',
  ];
}

/** Key columns of a bucket, in the order {@link upsertBucketSql} takes them. */
export const BUCKET_KEY_COLUMNS = ['minute_ms', 'swarm', 'engine', 'player'] as const;

/** Adds a bucket's deltas (minute, swarm, engine, player, counters...), saturating at 2^53 - 1. */
export function upsertBucketSql(dialect: Dialect): string {
  const columns = [...BUCKET_KEY_COLUMNS, ...COUNTER_COLUMNS];
  const updates = COUNTER_COLUMNS.map(
    (column) =>
      `${column} = ${least(dialect)}(p2pml_buckets.${column} + excluded.${column}, ${MAX_TOTAL})`,
  ).join(', ');
  return `INSERT INTO p2pml_buckets (${columns.join(', ')}) VALUES (${placeholders(dialect, columns.length)}) ON CONFLICT (${BUCKET_KEY_COLUMNS.join(', ')}) DO UPDATE SET ${updates}`;
}

/** Writes a viewer's state. */
export function upsertViewerSql(dialect: Dialect): string {
  const updates = VIEWER_COLUMNS.filter((column) => column !== 'id')
    .map((column) => `${column} = excluded.${column}`)
    .join(', ');
  return `INSERT INTO p2pml_viewers (${VIEWER_COLUMNS.join(', ')}) VALUES (${placeholders(dialect, VIEWER_COLUMNS.length)}) ON CONFLICT (id) DO UPDATE SET ${updates}`;
}

const minuteSums = (dialect: Dialect): string =>
  COUNTER_COLUMNS.map((column) => `${sum(dialect)}(${column}) AS ${column}`).join(', ');
const outerSums = (dialect: Dialect): string =>
  COUNTER_COLUMNS.map((column) => `${sum(dialect)}(${column}) AS ${column}`).join(', ');

/**
 * Per-step sums and the peak of per-minute viewers. Parameters: step, from, to[, swarm]; SQLite
 * takes the step twice (step, step, from, to[, swarm]): its `?` placeholders are positional.
 */
export function seriesSql(dialect: Dialect, withSwarm: boolean): string {
  const [step, from, to, swarm] =
    dialect === 'sqlite' ? ['?', '?', '?', '?'] : ['$1', '$2', '$3', '$4'];
  const swarmFilter = withSwarm ? ` AND swarm = ${swarm}` : '';
  const stepExpr =
    dialect === 'sqlite'
      ? `(minute_ms / CAST(${step} AS INTEGER)) * CAST(${step} AS INTEGER)`
      : `(minute_ms / ${step}::bigint) * ${step}::bigint`;
  return `SELECT ${stepExpr} AS t_ms, ${outerSums(dialect)}, MAX(viewers) AS peak_viewers FROM (SELECT minute_ms, ${minuteSums(dialect)} FROM p2pml_buckets WHERE minute_ms >= ${from} AND minute_ms < ${to}${swarmFilter} GROUP BY minute_ms) AS minutes GROUP BY t_ms ORDER BY t_ms`;
}

/**
 * Per-swarm (or per-player) sums, peak viewers and active minutes, most P2P bytes first.
 * Parameters: from, to, limit.
 */
export function swarmsSql(dialect: Dialect, by: 'swarm' | 'player' = 'swarm'): string {
  const [from, to, limit] = dialect === 'sqlite' ? ['?', '?', '?'] : ['$1', '$2', '$3'];
  return `SELECT ${by}, ${outerSums(dialect)}, MAX(viewers) AS peak_viewers, COUNT(*) AS active_minutes FROM (SELECT ${by}, minute_ms, ${minuteSums(dialect)} FROM p2pml_buckets WHERE minute_ms >= ${from} AND minute_ms < ${to} GROUP BY ${by}, minute_ms) AS minutes GROUP BY ${by} ORDER BY p2p_bytes DESC, ${by} LIMIT ${limit}`;
}

/** Every bucket of a range. Parameters: from, to. */
export function bucketsSql(dialect: Dialect): string {
  const [from, to] = dialect === 'sqlite' ? ['?', '?'] : ['$1', '$2'];
  const key = BUCKET_KEY_COLUMNS.join(', ');
  return `SELECT ${key}, ${COUNTER_COLUMNS.join(', ')} FROM p2pml_buckets WHERE minute_ms >= ${from} AND minute_ms < ${to} ORDER BY ${key}`;
}
