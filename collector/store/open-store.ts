/** Opens the store a `--db` value names: a PostgreSQL URL, else a SQLite file path. */
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { CollectorStore } from './store.js';

/** Whether `db` is a PostgreSQL connection URL. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * @param db - `postgres://…`/`postgresql://…`, or a file path for SQLite (created when missing)
 * @throws P2PMediaLoaderError `config-invalid` when the database cannot be opened
 */
export async function openStore(db: string): Promise<CollectorStore> {
  return isPostgresUrl(db) ? PostgresStore.open(db) : new SqliteStore(db);
}
