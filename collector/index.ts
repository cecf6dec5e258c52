/**
 * `p2p-media-loader/collector`: the stats collector (Node only): receives the players' stats
 * beacons, stores minute buckets in SQLite or PostgreSQL, serves a dashboard and Prometheus metrics.
 */
export {
  startCollector,
  DEFAULT_COLLECTOR_DB,
  DEFAULT_COLLECTOR_PORT,
  DEFAULT_RETENTION_DAYS,
  type Collector,
  type CollectorOptions,
} from './http/collector-server.js';
export {
  parseBeacon,
  isBeaconContentType,
  BEACON_LIMITS,
  BEACON_MAX_BYTES,
  BEACON_ENGINES,
  BEACON_PLAYERS,
  type BeaconEngine,
  type BeaconPlayer,
  type BeaconParseResult,
  type BeaconRefusal,
  type CollectorBeacon,
} from './beacon/beacon-schema.js';
export { COLLECTOR_METRIC_NAMES, type BeaconResult } from './metrics/collector-metrics.js';
export { openStore, isPostgresUrl } from './store/open-store.js';
export { SqliteStore } from './store/sqlite-store.js';
export { PostgresStore } from './store/postgres-store.js';
export type {
  CollectorStore,
  PlayerRow,
  ReceivedBeacon,
  SeriesQuery,
  SeriesRow,
  StoredBucket,
  SwarmRow,
  TimeRange,
} from './store/store.js';
export {
  RANGES,
  type PlayerFigures,
  type RangeName,
  type SeriesPoint,
  type SwarmFigures,
} from './store/series.js';
export type { RateLimiterOptions } from './http/rate-limiter.js';
export {
  parseCollectorCliArgs,
  COLLECTOR_CLI_USAGE,
  type CollectorCliCommand,
} from './cli-args.js';
