/**
 * The store for several collectors behind a load balancer: PostgreSQL (`pg`). Each batch is one
 * transaction that first locks the rows of the batch's viewers (inserting empty ones for new
 * viewers, in sorted id order so two collectors never deadlock), so a viewer whose beacons reach
 * different collectors still gets exact deltas. Deadlocks and serialization failures are retried.
 */
import pg from 'pg';
import { BUCKET_PLAYERS } from '../beacon/beacon-schema.js';
import { P2PMediaLoaderError } from '../../core/errors.js';
import type { BeaconContribution, ViewerState } from '../ingest/viewer-delta.js';
import { toSafeTotal } from '../ingest/safe-sum.js';
import { applyBatch, viewerIdsOf } from './batch-apply.js';
import {
  COUNTER_COLUMNS,
  countsFromRow,
  countsToValues,
  VIEWER_COLUMNS,
  viewerFromRow,
  viewerToValues,
} from './columns.js';
import {
  bucketsSql,
  BUCKET_KEY_COLUMNS,
  placeholders,
  seriesSql,
  swarmsSql,
  upsertBucketSql,
  upsertViewerSql,
} from './queries.js';
import { bucketFromRow, playerFromRow, swarmFromRow } from './sqlite-store.js';
import { migratePostgres } from './schema-migration.js';
import type {
  CollectorStore,
  PlayerRow,
  ReceivedBeacon,
  SeriesQuery,
  SeriesRow,
  StoredBucket,
  SwarmRow,
  TimeRange,
} from './store.js';

type Row = Record<string, unknown>;

/** Rows per multi-row INSERT (PostgreSQL allows 65535 parameters per statement). */
const ROWS_PER_STATEMENT = 1000;
/** Attempts of a batch that hit a deadlock or serialization failure. */
const MAX_ATTEMPTS = 3;
const RETRYABLE = new Set(['40P01', '40001']);

/** `INSERT ... VALUES (...), (...)` from a one-row upsert statement. */
function multiRow(sql: string, columns: number, rows: number): string {
  const values = Array.from(
    { length: rows },
    (_, row) => `(${placeholders('postgres', columns, row * columns + 1)})`,
  ).join(', ');
  return sql.replace(/VALUES \([^)]*\)/, `VALUES ${values}`);
}

async function writeRows(
  client: pg.PoolClient,
  sql: string,
  columns: number,
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await client.query(multiRow(sql, columns, chunk.length), chunk.flat());
  }
}

/** PostgreSQL store; create with {@link PostgresStore.open}. */
export class PostgresStore implements CollectorStore {
  readonly kind = 'postgres';
  private closed = false;

  private constructor(private readonly pool: pg.Pool) {}

  /**
   * Connects, creates the tables when missing.
   * @param url - `postgres://user:password@host:port/database` (or `?host=/socket/dir`)
   * @throws P2PMediaLoaderError `config-invalid` when the server cannot be reached
   */
  static async open(url: string): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // An idle client losing its connection must not crash the collector.
    pool.on('error', () => undefined);
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new P2PMediaLoaderError(
        'config-invalid',
        `cannot use PostgreSQL database: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    return new PostgresStore(pool);
  }

  async apply(batch: readonly ReceivedBeacon[]): Promise<readonly BeaconContribution[]> {
    this.assertOpen();
    if (batch.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyOnce(batch);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code))
          throw error;
      }
    }
  }

  async series(query: SeriesQuery): Promise<readonly SeriesRow[]> {
    this.assertOpen();
    const parameters: unknown[] = [query.stepMs, query.fromMs, query.toMs];
    if (query.swarm !== undefined) parameters.push(query.swarm);
    const { rows } = await this.pool.query<Row>(
      seriesSql('postgres', query.swarm !== undefined),
      parameters,
    );
    return rows.map((row) => ({
      tMs: Number(row['t_ms']),
      counts: countsFromRow(row),
      peakViewers: toSafeTotal(row['peak_viewers']),
    }));
  }

  async swarms(range: TimeRange, limit: number): Promise<readonly SwarmRow[]> {
    this.assertOpen();
    const { rows } = await this.pool.query<Row>(swarmsSql('postgres'), [
      range.fromMs,
      range.toMs,
      limit,
    ]);
    return rows.map(swarmFromRow);
  }

  async buckets(range: TimeRange): Promise<readonly StoredBucket[]> {
    this.assertOpen();
    const { rows } = await this.pool.query<Row>(bucketsSql('postgres'), [range.fromMs, range.toMs]);
    return rows.map(bucketFromRow);
  }

  async players(range: TimeRange): Promise<readonly PlayerRow[]> {
    this.assertOpen();
    const { rows } = await this.pool.query<Row>(swarmsSql('postgres', 'player'), [
      range.fromMs,
      range.toMs,
      BUCKET_PLAYERS.length,
    ]);
    return rows.map(playerFromRow);
  }

  async prune(beforeMs: number): Promise<number> {
    this.assertOpen();
    await this.pool.query('DELETE FROM p2pml_viewers WHERE seen_at_ms < $1 AND seen_at_ms > 0', [
      beforeMs,
    ]);
    const result = await this.pool.query('DELETE FROM p2pml_buckets WHERE minute_ms < $1', [
      beforeMs,
    ]);
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async applyOnce(
    batch: readonly ReceivedBeacon[],
  ): Promise<readonly BeaconContribution[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const ids = viewerIdsOf(batch);
      // Empty rows for new viewers, so every viewer of the batch has a row to lock.
      const blank = VIEWER_COLUMNS.map((column) =>
        column.endsWith('swarm')
          ? ''
          : column.endsWith('engine')
            ? 'native'
            : column.endsWith('player')
              ? 'unknown'
              : 0,
      );
      await writeRows(
        client,
        `INSERT INTO p2pml_viewers (${VIEWER_COLUMNS.join(', ')}) VALUES (${placeholders('postgres', VIEWER_COLUMNS.length)}) ON CONFLICT (id) DO NOTHING`,
        VIEWER_COLUMNS.length,
        ids.map((id) => [id, ...blank.slice(1)]),
      );
      const { rows } = await client.query<Row>(
        'SELECT * FROM p2pml_viewers WHERE id = ANY($1) ORDER BY id FOR UPDATE',
        [ids],
      );
      const previous = new Map<string, ViewerState>();
      for (const row of rows) {
        const state = viewerFromRow(row);
        // A blank row (seen_at_ms 0) is a viewer never seen: no previous totals.
        if (state.seenAtMs > 0) previous.set(state.id, state);
      }
      const writes = applyBatch(batch, previous);
      await writeRows(
        client,
        upsertViewerSql('postgres'),
        VIEWER_COLUMNS.length,
        writes.viewers.map(viewerToValues),
      );
      await writeRows(
        client,
        upsertBucketSql('postgres'),
        BUCKET_KEY_COLUMNS.length + COUNTER_COLUMNS.length,
        writes.buckets.map(({ key, counts }) => [
          key.minuteMs,
          key.swarm,
          key.engine,
          key.player,
          ...countsToValues(counts),
        ]),
      );
      await client.query('COMMIT');
      return writes.contributions;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new P2PMediaLoaderError('destroyed', 'the collector store is closed');
  }
}
