/**
 * The default store: one SQLite file (better-sqlite3). Write-ahead log, one transaction per batch:
 * a crash (even `kill -9` mid-write) loses at most the batch being written, and every committed
 * bucket is there after a restart. `synchronous = NORMAL` in WAL mode keeps commits consistent
 * across crashes of the process; only a power loss may drop the last commits.
 */
import Database from 'better-sqlite3';
import { P2PMediaLoaderError } from '../../core/errors.js';
import type { BeaconContribution, ViewerState } from '../ingest/viewer-delta.js';
import { migrateSqlite } from './schema-migration.js';
import { applyBatch } from './batch-apply.js';
import { countsFromRow, countsToValues, viewerFromRow, viewerToValues } from './columns.js';
import { bucketsSql, seriesSql, swarmsSql, upsertBucketSql, upsertViewerSql } from './queries.js';
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
import { toSafeTotal } from '../ingest/safe-sum.js';
import { BUCKET_PLAYERS, type BeaconEngine, type BeaconPlayer } from '../beacon/beacon-schema.js';

type Row = Record<string, unknown>;

/** SQLite store over `file` (created when missing). */
export class SqliteStore implements CollectorStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements: {
    readonly viewer: Database.Statement;
    readonly upsertViewer: Database.Statement;
    readonly upsertBucket: Database.Statement;
    readonly series: Database.Statement;
    readonly seriesOfSwarm: Database.Statement;
    readonly swarms: Database.Statement;
    readonly players: Database.Statement;
    readonly buckets: Database.Statement;
    readonly pruneBuckets: Database.Statement;
    readonly pruneViewers: Database.Statement;
  };
  private readonly writeBatch: (batch: readonly ReceivedBeacon[]) => BeaconContribution[];
  private closed = false;

  /**
   * @param file - database file path (`:memory:` for a throwaway store)
   * @throws P2PMediaLoaderError `config-invalid` when the file cannot be opened as a database
   */
  constructor(file: string) {
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      migrateSqlite(this.db);
    } catch (error) {
      throw new P2PMediaLoaderError('config-invalid', `cannot open SQLite database ${file}`, {
        cause: error,
      });
    }
    const db = this.db;
    this.statements = {
      viewer: db.prepare('SELECT * FROM p2pml_viewers WHERE id = ?'),
      upsertViewer: db.prepare(upsertViewerSql('sqlite')),
      upsertBucket: db.prepare(upsertBucketSql('sqlite')),
      series: db.prepare(seriesSql('sqlite', false)),
      seriesOfSwarm: db.prepare(seriesSql('sqlite', true)),
      swarms: db.prepare(swarmsSql('sqlite')),
      players: db.prepare(swarmsSql('sqlite', 'player')),
      buckets: db.prepare(bucketsSql('sqlite')),
      pruneBuckets: db.prepare('DELETE FROM p2pml_buckets WHERE minute_ms < ?'),
      pruneViewers: db.prepare('DELETE FROM p2pml_viewers WHERE seen_at_ms < ?'),
    };
    this.writeBatch = db.transaction((batch: readonly ReceivedBeacon[]) => {
      const previous = new Map<string, ViewerState>();
      for (const { beacon } of batch) {
        if (previous.has(beacon.id)) continue;
        const row = this.statements.viewer.get(beacon.id) as Row | undefined;
        if (row) previous.set(beacon.id, viewerFromRow(row));
      }
      const writes = applyBatch(batch, previous);
      for (const state of writes.viewers) this.statements.upsertViewer.run(viewerToValues(state));
      for (const { key, counts } of writes.buckets) {
        this.statements.upsertBucket.run(
          key.minuteMs,
          key.swarm,
          key.engine,
          key.player,
          ...countsToValues(counts),
        );
      }
      return [...writes.contributions];
    });
  }

  apply(batch: readonly ReceivedBeacon[]): Promise<readonly BeaconContribution[]> {
    this.assertOpen();
    return Promise.resolve(batch.length === 0 ? [] : this.writeBatch(batch));
  }

  series(query: SeriesQuery): Promise<readonly SeriesRow[]> {
    this.assertOpen();
    const rows = (
      query.swarm === undefined
        ? this.statements.series.all(query.stepMs, query.stepMs, query.fromMs, query.toMs)
        : this.statements.seriesOfSwarm.all(
            query.stepMs,
            query.stepMs,
            query.fromMs,
            query.toMs,
            query.swarm,
          )
    ) as Row[];
    return Promise.resolve(
      rows.map((row) => ({
        tMs: Number(row['t_ms']),
        counts: countsFromRow(row),
        peakViewers: toSafeTotal(row['peak_viewers']),
      })),
    );
  }

  swarms(range: TimeRange, limit: number): Promise<readonly SwarmRow[]> {
    this.assertOpen();
    const rows = this.statements.swarms.all(range.fromMs, range.toMs, limit) as Row[];
    return Promise.resolve(rows.map(swarmFromRow));
  }

  players(range: TimeRange): Promise<readonly PlayerRow[]> {
    this.assertOpen();
    const rows = this.statements.players.all(
      range.fromMs,
      range.toMs,
      BUCKET_PLAYERS.length,
    ) as Row[];
    return Promise.resolve(rows.map(playerFromRow));
  }

  buckets(range: TimeRange): Promise<readonly StoredBucket[]> {
    this.assertOpen();
    const rows = this.statements.buckets.all(range.fromMs, range.toMs) as Row[];
    return Promise.resolve(rows.map(bucketFromRow));
  }

  prune(beforeMs: number): Promise<number> {
    this.assertOpen();
    const deleted = this.db.transaction(() => {
      this.statements.pruneViewers.run(beforeMs);
      return this.statements.pruneBuckets.run(beforeMs).changes;
    })();
    return Promise.resolve(deleted);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new P2PMediaLoaderError('destroyed', 'the collector store is closed');
  }
}

/** A `swarms` query row. */
export function swarmFromRow(row: Row): SwarmRow {
  return {
    swarm: String(row['swarm']),
    counts: countsFromRow(row),
    peakViewers: toSafeTotal(row['peak_viewers']),
    activeMinutes: toSafeTotal(row['active_minutes']),
  };
}

/** A `players` query row. */
export function playerFromRow(row: Row): PlayerRow {
  return {
    player: String(row['player']) as BeaconPlayer,
    counts: countsFromRow(row),
    peakViewers: toSafeTotal(row['peak_viewers']),
    activeMinutes: toSafeTotal(row['active_minutes']),
  };
}

/** A `buckets` query row. */
export function bucketFromRow(row: Row): StoredBucket {
  return {
    minuteMs: Number(row['minute_ms']),
    swarm: String(row['swarm']),
    engine: String(row['engine']) as BeaconEngine,
    player: String(row['player']) as BeaconPlayer,
    counts: countsFromRow(row),
  };
}
