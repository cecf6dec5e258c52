/**
 * The collector's HTTP server: `POST /beacon` (validate, rate-limit, queue for storage),
 * `GET /metrics` (Prometheus), the dashboard at `/` with its JSON API under `/api/`, and
 * `GET /healthz`. Beacons are anonymous: the client address only keys the in-memory rate limit.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BEACON_MAX_BYTES, isBeaconContentType, parseBeacon } from '../beacon/beacon-schema.js';
import { loadDashboardAssets } from '../dashboard/assets.js';
import { DASHBOARD_HTML } from '../dashboard/page.js';
import { IngestQueue } from '../ingest/ingest-queue.js';
import { CollectorMetrics, type BeaconResult } from '../metrics/collector-metrics.js';
import { LiveViewers } from '../metrics/live-viewers.js';
import { openStore } from '../store/open-store.js';
import {
  RANGES,
  seriesPoints,
  swarmFigures,
  figuresOf,
  playerFigures,
  type RangeName,
} from '../store/series.js';
import type { CollectorStore } from '../store/store.js';
import { addCounts, emptyCounts } from '../ingest/bucket.js';
import { BearerToken } from './bearer-token.js';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import { readLimitedBody } from './request-body.js';

/** Default port of the collector. */
export const DEFAULT_COLLECTOR_PORT = 8090;
/** Default SQLite file. */
export const DEFAULT_COLLECTOR_DB = 'p2pml-collector.sqlite';
/** Default retention of buckets, days. */
export const DEFAULT_RETENTION_DAYS = 30;
/** Swarms listed by `/api/swarms` at most. */
const MAX_SWARM_ROWS = 500;
/** How often old buckets are deleted, ms. */
const PRUNE_INTERVAL_MS = 10 * 60_000;

/** Options of {@link startCollector}. */
export interface CollectorOptions {
  /** Port; 0 picks a free one. Default {@link DEFAULT_COLLECTOR_PORT}. */
  readonly port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /**
   * Database: a SQLite file path (default {@link DEFAULT_COLLECTOR_DB}) or a `postgres://` URL.
   * Ignored when `store` is given.
   */
  readonly db?: string;
  /** An already open store (tests); the collector closes it on stop. */
  readonly store?: CollectorStore;
  /** Buckets older than this are deleted, days. Default {@link DEFAULT_RETENTION_DAYS}. */
  readonly retentionDays?: number;
  /** Bearer token the dashboard API and `/metrics` require. Default: none (open). */
  readonly token?: string;
  /**
   * Take the client address from the first `X-Forwarded-For` entry (behind a load balancer or
   * proxy you run). Default false: the socket's address.
   */
  readonly trustProxy?: boolean;
  /** Per-client rate limit of beacons. */
  readonly rateLimit?: RateLimiterOptions;
  /** Swarms with their own `swarm` label in `/metrics`. Default 50. */
  readonly maxSwarmLabels?: number;
  /** Longest a beacon waits before it is stored, ms. Default 1000. */
  readonly flushIntervalMs?: number;
  /** Told about batches the database refused (default: ignored). */
  readonly onWarning?: (message: string) => void;
  /** Clock, ms since the epoch (tests). Default `Date.now`. */
  readonly now?: () => number;
}

/** A running collector. */
export interface Collector {
  /** `http://host:port`. */
  readonly url: string;
  /** Where players send beacons: `${url}/beacon`. */
  readonly beaconUrl: string;
  /** The store (tests read it back). */
  readonly store: CollectorStore;
  /** The Prometheus metrics. */
  readonly metrics: CollectorMetrics;
  /** Stores every beacon received so far. */
  flush(): Promise<void>;
  /** Stops listening, stores what waits, closes the database. Idempotent. */
  stop(): Promise<void>;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(bytes.length),
    ...headers,
  });
  response.end(bytes);
}

const sendJson = (response: ServerResponse, value: unknown): void => {
  send(response, 200, JSON.stringify(value), { 'Content-Type': 'application/json; charset=utf-8' });
};

/** CORS for beacons: any page may post (sendBeacon needs none; a fetch fallback with JSON does). */
const BEACON_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '86400',
};

function rangeOf(value: string | null): RangeName | undefined {
  return value === 'hour' || value === 'day' || value === 'week' ? value : undefined;
}

/**
 * Starts a collector and resolves once it listens.
 * @throws P2PMediaLoaderError `config-invalid` when the database cannot be opened; listen errors
 *   (e.g. EADDRINUSE) reject
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const now = options.now ?? Date.now;
  const store = options.store ?? (await openStore(options.db ?? DEFAULT_COLLECTOR_DB));
  const live = new LiveViewers({ now });
  // The metrics read the queue's size, and the queue reports to the metrics: one is set later.
  const queueRef: { queue?: IngestQueue } = {};
  const metrics = new CollectorMetrics(live, () => queueRef.queue?.size ?? 0, {
    now,
    ...(options.maxSwarmLabels === undefined ? {} : { maxSwarms: options.maxSwarmLabels }),
  });
  const activeQueue = new IngestQueue(store, {
    ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
    onWritten: (contributions, durationMs) => {
      metrics.recordWritten(contributions, durationMs);
    },
    onWriteError: (error, beacons) => {
      metrics.recordWriteError();
      options.onWarning?.(`could not store ${beacons} beacon(s): ${String(error)}`);
    },
  });
  queueRef.queue = activeQueue;
  const limiter = new RateLimiter({ now, ...options.rateLimit });
  const token = new BearerToken(options.token);
  const assets = loadDashboardAssets();
  const retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400_000;
  const prune = (): void => {
    store.prune(now() - retentionMs).catch((error: unknown) => {
      options.onWarning?.(`could not delete old buckets: ${String(error)}`);
    });
  };
  prune();
  const pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  const clientOf = (request: IncomingMessage): string => {
    if (options.trustProxy === true) {
      const forwarded = request.headers['x-forwarded-for'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      if (first) return first.slice(0, 64);
    }
    return request.socket.remoteAddress ?? 'unknown';
  };

  async function receiveBeacon(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refuse = (status: number, result: BeaconResult, message: string): void => {
      metrics.countRequest(result);
      send(response, status, `${message}\n`, {
        ...BEACON_CORS,
        ...(status === 413 ? { Connection: 'close' } : {}),
      });
    };
    if (!isBeaconContentType(request.headers['content-type'])) {
      refuse(415, 'unsupported_media_type', 'Content-Type must be text/plain or application/json');
      return;
    }
    if (!limiter.take(clientOf(request))) {
      refuse(429, 'rate_limited', 'Too many beacons from this client');
      return;
    }
    const body = await readLimitedBody(request, BEACON_MAX_BYTES);
    if (body === undefined) {
      refuse(413, 'too_large', `Beacon larger than ${BEACON_MAX_BYTES} bytes`);
      return;
    }
    const parsed = parseBeacon(body);
    if (!parsed.ok) {
      refuse(parsed.status, 'invalid', `Invalid stats beacon: ${parsed.message}`);
      return;
    }
    if (!activeQueue.push({ beacon: parsed.beacon, atMs: now() })) {
      refuse(503, 'overloaded', 'Collector busy, beacon dropped');
      return;
    }
    live.record(parsed.beacon);
    metrics.countRequest('accepted');
    response.writeHead(204, { ...SECURITY_HEADERS, ...BEACON_CORS });
    response.end();
  }

  async function api(path: string, url: URL, response: ServerResponse): Promise<void> {
    const range = rangeOf(url.searchParams.get('range') ?? 'hour');
    if (range === undefined) {
      send(response, 400, 'range: one of hour, day, week\n');
      return;
    }
    const { durationMs, stepMs } = RANGES[range];
    const toMs = Math.floor(now() / stepMs) * stepMs + stepMs;
    const fromMs = toMs - durationMs;
    if (path === '/api/series') {
      const swarm = url.searchParams.get('swarm');
      const rows = await store.series({
        fromMs,
        toMs,
        stepMs,
        ...(swarm === null ? {} : { swarm }),
      });
      const total = rows.reduce((sum, row) => addCounts(sum, row.counts), emptyCounts());
      sendJson(response, {
        range,
        fromMs,
        toMs,
        stepMs,
        points: seriesPoints(rows, stepMs),
        totals: {
          ...figuresOf(total, rows.length * (stepMs / 60_000)),
          peakViewers: rows.reduce((peak, row) => Math.max(peak, row.peakViewers), 0),
        },
      });
      return;
    }
    if (path === '/api/swarms') {
      const rows = await store.swarms({ fromMs, toMs }, MAX_SWARM_ROWS);
      sendJson(response, { range, fromMs, toMs, swarms: swarmFigures(rows) });
      return;
    }
    if (path === '/api/players') {
      const rows = await store.players({ fromMs, toMs });
      sendJson(response, { range, fromMs, toMs, players: playerFigures(rows) });
      return;
    }
    send(response, 404, 'Not found\n');
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://collector');
    const path = url.pathname;
    if (path === '/beacon') {
      if (method === 'POST') return receiveBeacon(request, response);
      if (method === 'OPTIONS') {
        response.writeHead(204, { ...SECURITY_HEADERS, ...BEACON_CORS });
        response.end();
        return;
      }
      send(response, 405, 'Method not allowed\n', { Allow: 'POST, OPTIONS' });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      send(response, 405, 'Method not allowed\n', { Allow: 'GET' });
      return;
    }
    if (path === '/healthz') {
      send(response, 200, 'ok\n');
      return;
    }
    if (path === '/' || path === '/index.html') {
      send(response, 200, DASHBOARD_HTML, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': PAGE_POLICY,
      });
      return;
    }
    const asset = assets.get(path);
    if (asset) {
      send(response, 200, asset.body, {
        'Content-Type': asset.contentType,
        'Cache-Control': 'no-cache',
      });
      return;
    }
    if (path === '/metrics' || path.startsWith('/api/')) {
      if (!token.allows(request.headers.authorization)) {
        send(response, 401, 'Bearer token required\n', { 'WWW-Authenticate': 'Bearer' });
        return;
      }
      if (path === '/metrics') {
        send(response, 200, await metrics.text(), { 'Content-Type': metrics.contentType });
        return;
      }
      await api(path, url, response);
      return;
    }
    send(response, 404, 'Not found\n');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.onWarning?.(`request failed: ${String(error)}`);
      if (!response.headersSent) send(response, 500, 'Internal error\n');
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_COLLECTOR_PORT, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(pruneTimer);
    await activeQueue.destroy();
    await store.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    beaconUrl: `${url}/beacon`,
    store,
    metrics,
    flush: () => activeQueue.flush(),
    stop: () => {
      stopping ??= (async () => {
        clearInterval(pruneTimer);
        await new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
          server.closeAllConnections();
        });
        await activeQueue.destroy();
        await store.close();
      })();
      return stopping;
    },
  };
}
