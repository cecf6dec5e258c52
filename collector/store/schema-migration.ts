/**
 * Upgrades a database written by a collector before buckets were kept per player: the bucket key
 * gains `player` and the viewer state `counted_player`. Rows already stored keep every counter and
 * get player `unknown` (their beacons did not say). Runs before the tables are created, in one
 * transaction, so a crash mid-upgrade leaves the old schema as it was and the next start retries.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { COUNTER_COLUMNS } from './columns.js';
import { schemaSql } from './queries.js';

/** Player of rows stored before beacons named one. */
const UNNAMED = `'unknown'`;
/** Advisory lock key (any constant): collectors starting together upgrade one at a time. */
const POSTGRES_LOCK_KEY = 0x70326d6c;

const copyColumns = ['minute_ms', 'swarm', 'engine', ...COUNTER_COLUMNS].join(', ');

/**
 * Brings a SQLite database to the current schema (creating the tables when missing). The bucket
 * table's primary key changes, which SQLite cannot alter: the old table is renamed, the new one
 * created, the rows copied, the old one dropped.
 */
export function migrateSqlite(db: Database.Database): void {
  const columnsOf = (table: string): string[] =>
    (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map(
      (column) => column.name,
    );
  db.transaction(() => {
    const bucketColumns = columnsOf('p2pml_buckets');
    const oldBuckets = bucketColumns.length > 0 && !bucketColumns.includes('player');
    if (oldBuckets) db.exec('ALTER TABLE p2pml_buckets RENAME TO p2pml_buckets_before_player');
    const viewerColumns = columnsOf('p2pml_viewers');
    if (viewerColumns.length > 0 && !viewerColumns.includes('counted_player')) {
      db.exec(
        `ALTER TABLE p2pml_viewers ADD COLUMN counted_player TEXT NOT NULL DEFAULT ${UNNAMED}`,
      );
    }
    for (const sql of schemaSql('sqlite')) db.exec(sql);
    if (oldBuckets) {
      db.exec(
        `INSERT INTO p2pml_buckets (${copyColumns}, player) SELECT ${copyColumns}, ${UNNAMED} FROM p2pml_buckets_before_player`,
      );
      db.exec('DROP TABLE p2pml_buckets_before_player');
    }
  })();
}

/**
 * Brings a PostgreSQL database to the current schema (creating the tables when missing), under a
 * transaction-scoped advisory lock so several collectors starting at once do it once.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [POSTGRES_LOCK_KEY]);
    const hasColumn = async (table: string, column: string): Promise<boolean | undefined> => {
      const { rows } = await client.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
        [table],
      );
      return rows.length === 0 ? undefined : rows.some((row) => row.column_name === column);
    };
    if ((await hasColumn('p2pml_viewers', 'counted_player')) === false) {
      await client.query(
        `ALTER TABLE p2pml_viewers ADD COLUMN counted_player TEXT NOT NULL DEFAULT ${UNNAMED}`,
      );
    }
    if ((await hasColumn('p2pml_buckets', 'player')) === false) {
      const { rows } = await client.query<{ conname: string }>(
        `SELECT conname FROM pg_constraint WHERE conrelid = 'p2pml_buckets'::regclass AND contype = 'p'`,
      );
      await client.query(
        `ALTER TABLE p2pml_buckets ADD COLUMN player TEXT NOT NULL DEFAULT ${UNNAMED}`,
      );
      for (const { conname } of rows) {
        await client.query(`ALTER TABLE p2pml_buckets DROP CONSTRAINT "${conname}"`);
      }
      await client.query(
        'ALTER TABLE p2pml_buckets ADD PRIMARY KEY (minute_ms, swarm, engine, player)',
      );
    }
    for (const sql of schemaSql('postgres')) await client.query(sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
