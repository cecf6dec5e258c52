/**
 * An embedded WebTorrent tracker for development, tests and small deployments: WebSocket announces
 * only (browsers cannot use UDP or HTTP trackers for WebRTC signalling), plus a JSON `/stats` page
 * and Prometheus `/metrics` on the same port. Built on bittorrent-tracker's server, with every
 * message checked first (message-guard.ts); Node only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import Server, { type WsSocket } from 'bittorrent-tracker/server';

import { P2PMediaLoaderError } from '../core/errors.js';
import { guardConnections } from './message-guard.js';
import {
  DEFAULT_ANNOUNCE_BURST,
  DEFAULT_ANNOUNCES_PER_SECOND,
  DEFAULT_MAX_INFO_HASHES_PER_SOCKET,
  DEFAULT_MAX_SOCKETS_PER_IP,
} from './socket-policy.js';
import { TrackerMetrics } from './tracker-metrics.js';
import { summarizeSwarms, type TrackerStats } from './tracker-stats.js';

/** Options of {@link startTrackerServer}. */
export interface TrackerServerOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to listen on. Default '127.0.0.1' (use '0.0.0.0' to serve other machines). */
  host?: string;
  /**
   * Every this many ms each WebSocket is pinged; one that has not answered the previous ping is
   * closed, which removes its peers from their swarms. Without it, a viewer whose network vanished
   * (no TCP close) would be offered to others until the swarm entry expires (20 min). Default 30000.
   */
  heartbeatIntervalMs?: number;
  /**
   * Open WebSockets allowed per remote address; 0 turns the cap off. Behind a reverse proxy every
   * connection comes from the proxy's address: raise the cap or turn it off there. Default 20
   * ({@link DEFAULT_MAX_SOCKETS_PER_IP}).
   */
  maxSocketsPerIp?: number;
  /** Swarms one WebSocket may be in at once. Default 50 ({@link DEFAULT_MAX_INFO_HASHES_PER_SOCKET}). */
  maxInfoHashesPerSocket?: number;
  /**
   * Messages (announces, answers, scrapes) per second one WebSocket may send, sustained; beyond
   * it messages are refused with reason `rate-limited`. Default 10 ({@link DEFAULT_ANNOUNCES_PER_SECOND}).
   */
  announcesPerSecond?: number;
  /** Messages one WebSocket may send at once before the rate applies. Default 50. */
  announceBurst?: number;
  /**
   * Also export prom-client's default process metrics (CPU, memory, event loop, GC) at `/metrics`.
   * They install process-wide observers, so the default is false; the CLI turns them on.
   */
  processMetrics?: boolean;
  /**
   * Called with problems the tracker noticed but survived (socket errors, answers to unknown peers,
   * server errors after start-up). Refused messages are counted, not reported here. Default: ignored.
   */
  onWarning?: (error: Error) => void;
}

/** A running tracker. */
export interface TrackerServer {
  /** Announce URL, e.g. `ws://127.0.0.1:8000` (wildcard hosts are replaced by loopback). */
  readonly url: string;
  /** Stats URL, e.g. `http://127.0.0.1:8000/stats`; answers JSON {@link TrackerStats}. */
  readonly statsUrl: string;
  /** Prometheus URL, e.g. `http://127.0.0.1:8000/metrics` (text exposition format 0.0.4). */
  readonly metricsUrl: string;
  /** The port actually bound. */
  readonly port: number;
  /** A snapshot of swarms and peers, computed now. */
  stats(): TrackerStats;
  /** Closes every WebSocket, the HTTP server and the timers. Resolves when all are closed. */
  stop(): Promise<void>;
}

// WebSocket clients are told a fifth of this server option: 60 s. Our own clients schedule
// announces themselves; this only guides other WebTorrent clients.
const SERVER_ANNOUNCE_INTERVAL_MS = 5 * 60_000;
// Largest announce we accept: five offers with full ICE candidate lists stay far below this, while the
// ws default (100 MiB) would let one client make the tracker buffer huge messages. ws closes a socket
// that sends a larger frame with code 1009 (counted as refusal `message-too-large`).
const MAX_MESSAGE_BYTES = 256 * 1024;
const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;

/**
 * Starts a WebSocket tracker on `host:port`.
 *
 * @throws the listen error (e.g. `EADDRINUSE`) when the port cannot be bound
 * @throws P2PMediaLoaderError `config-invalid` when a limit option is not an integer in range
 */
export async function startTrackerServer(
  options: TrackerServerOptions = {},
): Promise<TrackerServer> {
  const host = options.host ?? '127.0.0.1';
  const onWarning = options.onWarning ?? (() => undefined);
  const limits = {
    maxSocketsPerIp: limit(options, 'maxSocketsPerIp', DEFAULT_MAX_SOCKETS_PER_IP, 0),
    maxInfoHashesPerSocket: limit(
      options,
      'maxInfoHashesPerSocket',
      DEFAULT_MAX_INFO_HASHES_PER_SOCKET,
      1,
    ),
    announcesPerSecond: limit(options, 'announcesPerSecond', DEFAULT_ANNOUNCES_PER_SECOND, 1),
    announceBurst: limit(options, 'announceBurst', DEFAULT_ANNOUNCE_BURST, 1),
  };
  const server = new Server({
    interval: SERVER_ANNOUNCE_INTERVAL_MS,
    http: false,
    udp: false,
    stats: false,
    ws: { maxPayload: MAX_MESSAGE_BYTES },
  });
  const http = server.http;
  const ws = server.ws;
  if (!http || !ws) throw new Error('bittorrent-tracker did not create its WebSocket server');

  // Open sockets and whether each answered the last heartbeat ping.
  const sockets = new Map<WsSocket, boolean>();
  ws.on('connection', (socket) => {
    sockets.set(socket, true);
    socket.on('pong', () => sockets.set(socket, true));
    socket.on('close', () => sockets.delete(socket));
  });

  const metrics = new TrackerMetrics(() => {
    const { swarms, peers } = summarizeSwarms(server.torrents);
    return { connections: sockets.size, swarms, peers };
  }, options.processMetrics ?? false);
  guardConnections(ws, limits, metrics, onWarning);

  let startedAtMs = Date.now();
  const stats = (): TrackerStats => ({
    ...summarizeSwarms(server.torrents),
    connections: sockets.size,
    uptimeMs: Date.now() - startedAtMs,
    ...metrics.counts(),
  });

  let url = '';
  // Registered synchronously, before the package's own fallback handler (added on the next tick),
  // which skips requests whose response has been sent.
  http.on('request', (request: IncomingMessage, response: ServerResponse) => {
    respondToHttp(request, response, url, stats, metrics);
  });

  // One listener for the server's whole life: a listen error arrives twice (the WebSocket server
  // re-emits the HTTP server's errors), and an 'error' without a listener would crash the process.
  let failStartup: ((error: Error) => void) | undefined;
  server.on('error', (error: Error) => {
    if (failStartup) failStartup(error);
    else onWarning(error);
  });
  server.on('warning', onWarning);
  await new Promise<void>((resolve, reject) => {
    failStartup = (error) => {
      failStartup = undefined;
      server.close();
      reject(error);
    };
    server.listen(options.port ?? 0, host, () => {
      failStartup = undefined;
      resolve();
    });
  });
  startedAtMs = Date.now();

  const port = (http.address() as AddressInfo).port;
  const urlHost = connectableHost(host);
  url = `ws://${urlHost}:${port}`;
  const statsUrl = `http://${urlHost}:${port}/stats`;
  const metricsUrl = `http://${urlHost}:${port}/metrics`;

  const heartbeat = setInterval(() => {
    for (const [socket, answered] of sockets) {
      if (!answered) {
        terminate(socket);
        continue;
      }
      sockets.set(socket, false);
      try {
        socket.ping();
      } catch {
        terminate(socket);
      }
    }
    pruneEmptySwarms(server.torrents);
  }, options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);

  let stopped: Promise<void> | undefined;
  return {
    url,
    statsUrl,
    metricsUrl,
    port,
    stats,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        // Closes the WebSocket server and the HTTP server; the callback waits for every connection.
        server.close(() => {
          resolve();
        });
        for (const socket of sockets.keys()) terminate(socket);
        sockets.clear();
        http.closeAllConnections();
      });
      return stopped;
    },
  };
}

function terminate(socket: { terminate(): void }): void {
  try {
    socket.terminate();
  } catch {
    // Already closed.
  }
}

/** The host part of a URL that reaches a server listening on `host` from this machine. */
function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * bittorrent-tracker never forgets a swarm, so a long-running tracker of live streams (a new swarm per
 * stream and session) would grow without bound.
 */
function pruneEmptySwarms(swarms: Server['torrents']): void {
  for (const [infoHash, swarm] of Object.entries(swarms)) {
    if (!swarm) continue;
    const hasLivePeer = [...swarm.peers.keys].some((id) => swarm.peers.peek(id) !== undefined);
    if (!hasLivePeer) Reflect.deleteProperty(swarms, infoHash);
  }
}

/** A limit option (or its default) as an integer of at least `min`. */
function limit(
  options: TrackerServerOptions,
  name: 'maxSocketsPerIp' | 'maxInfoHashesPerSocket' | 'announcesPerSecond' | 'announceBurst',
  fallback: number,
  min: number,
): number {
  const value = options[name] ?? fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new P2PMediaLoaderError(
      'config-invalid',
      `startTrackerServer: ${name} must be an integer of at least ${min}, got ${String(value)}`,
    );
  }
  return value;
}

function respondToHttp(
  request: IncomingMessage,
  response: ServerResponse,
  announceUrl: string,
  stats: () => TrackerStats,
  metrics: TrackerMetrics,
): void {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === '/stats' || path === '/stats.json') {
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      // So that a demo page on another origin can show the tracker's numbers.
      'Access-Control-Allow-Origin': '*',
    });
    response.end(JSON.stringify(stats()));
    return;
  }
  if (path === '/metrics') {
    // Headers go out now: bittorrent-tracker's fallback handler, next in line, answers 404 to any
    // request whose headers are not sent by the time it runs.
    response.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
    metrics.render().then(
      (text) => response.end(text),
      () => response.end('# metrics unavailable\n'),
    );
    return;
  }
  if (path === '/') {
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(
      `p2p-media-loader tracker\nannounce: ${announceUrl}\nstats: /stats\nmetrics: /metrics\n`,
    );
    return;
  }
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
}
