/**
 * An embedded WebTorrent tracker for development, tests and small deployments: WebSocket announces
 * only (browsers cannot use UDP or HTTP trackers for WebRTC signalling), plus a JSON `/stats` page on
 * the same port. Built on bittorrent-tracker's server; Node only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import Server, { type WsSocket } from 'bittorrent-tracker/server';

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
  /** Called with problems caused by clients (malformed announces, send failures). Default: ignored. */
  onWarning?: (error: Error) => void;
}

/** A running tracker. */
export interface TrackerServer {
  /** Announce URL, e.g. `ws://127.0.0.1:8000` (wildcard hosts are replaced by loopback). */
  readonly url: string;
  /** Stats URL, e.g. `http://127.0.0.1:8000/stats`; answers JSON {@link TrackerStats}. */
  readonly statsUrl: string;
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
// ws default (100 MiB) would let one client make the tracker buffer huge messages.
const MAX_MESSAGE_BYTES = 256 * 1024;
const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;

/**
 * Starts a WebSocket tracker on `host:port`.
 *
 * @throws the listen error (e.g. `EADDRINUSE`) when the port cannot be bound
 */
export async function startTrackerServer(
  options: TrackerServerOptions = {},
): Promise<TrackerServer> {
  const host = options.host ?? '127.0.0.1';
  const onWarning = options.onWarning ?? (() => undefined);
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

  let startedAtMs = Date.now();
  const stats = (): TrackerStats => ({
    ...summarizeSwarms(server.torrents),
    connections: sockets.size,
    uptimeMs: Date.now() - startedAtMs,
  });

  let url = '';
  // Registered synchronously, before the package's own fallback handler (added on the next tick),
  // which skips requests whose response has been sent.
  http.on('request', (request: IncomingMessage, response: ServerResponse) => {
    respondToHttp(request, response, url, stats);
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

function respondToHttp(
  request: IncomingMessage,
  response: ServerResponse,
  announceUrl: string,
  stats: () => TrackerStats,
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
  if (path === '/') {
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`p2p-media-loader tracker\nannounce: ${announceUrl}\nstats: /stats\n`);
    return;
  }
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
}
