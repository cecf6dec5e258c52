/**
 * The test and demo origin: serves the generated streams as VOD (`/vod/...`) and as simulated live
 * streams (`/live/<session>/...`), static files (demo pages, bundles), and a control API
 * (`/__control/...`) to read per-request byte counters and inject faults. Node `http` only.
 *
 * Every instrumented request goes through one pipeline: record -> maybe fault (delay, status,
 * stall) -> route -> write, so routes only say what to answer.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { BeaconStore, createBeaconRoutes } from './beacon-route.js';
import { systemClock, type Clock } from './clock.js';
import { createControlRoute } from './control-api.js';
import { OriginCounters, type RequestTracker } from './counters.js';
import { FaultInjector, type InjectedFault } from './faults.js';
import { renderDashLiveManifest } from './dash-live-manifest.js';
import { createLiveRoute, renderHlsLiveManifest } from './live-route.js';
import { LiveSessions } from './live-sessions.js';
import { emptyReply, textReply, type Reply } from './reply.js';
import { writeReply } from './response-writer.js';
import { acceptsMethod, findRoute, type Route } from './routes.js';
import { createStaticRoute } from './static-route.js';
import { createVodRoute } from './vod-route.js';

/** Settings of {@link startOrigin}. */
export interface OriginOptions {
  /** TCP port; default 0 = a random free port (read it from `OriginServer.url`). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Root of the generated streams (examples/media/streams). */
  mediaDir: string;
  /** URL prefix -> directory, e.g. `{ '/dist': 'dist', '/examples': 'examples' }`. */
  staticDirs?: Record<string, string>;
  /** Segments listed by live media playlists; default 6. */
  liveSegmentsInWindow?: number;
  /**
   * Time source in ms (default `Date.now`). Live windows advance with it and counter timestamps
   * come from it, so tests can move a live stream forward without sleeping.
   */
  clock?: Clock;
  /** Extra routes (e.g. a test endpoint); a longer prefix wins over the built-in routes. */
  routes?: readonly Route[];
  /**
   * Stats collector (`p2p-media-loader-collector`) that valid beacons are forwarded to, e.g.
   * `http://127.0.0.1:8090`; `/stats` then redirects to its dashboard. Default: none.
   */
  beaconCollectorUrl?: string;
}

/** A running origin. */
export interface OriginServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  /** Per-request records and media byte totals. */
  readonly counters: OriginCounters;
  /** Active fault rules. */
  readonly faults: FaultInjector;
  /** Stops listening, closes every connection (stalled ones too) and releases all timers. */
  stop(): Promise<void>;
}

/** Headers on every reply: players run on other origins, and nothing may be cached between runs. */
const ORIGIN_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges, Content-Type',
  'Cache-Control': 'no-store',
};

const DEFAULT_SEGMENTS_IN_WINDOW = 6;

/** Resolves true after `delayMs`, or false as soon as the response closes (client gone, stop). */
function waitUnlessClosed(delayMs: number, response: ServerResponse): Promise<boolean> {
  if (response.closed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(true);
    }, delayMs);
    response.once('close', onClose);
  });
}

function preflightReply(request: IncomingMessage): Reply {
  return emptyReply(204, {
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': request.headers['access-control-request-headers'] ?? 'Range',
    'Access-Control-Max-Age': '600',
  });
}

function faultReply(fault: InjectedFault & { status: number }): Reply {
  return textReply(fault.status, `Injected fault ${fault.id}\n`);
}

/** Builds the routing table from the options. */
function buildRoutes(
  options: OriginOptions,
  targets: {
    counters: OriginCounters;
    faults: FaultInjector;
    sessions: LiveSessions;
    beacons: BeaconStore;
  },
): Route[] {
  const staticRoutes = Object.entries(options.staticDirs ?? {}).map(([prefix, directory]) =>
    createStaticRoute(prefix, path.resolve(directory)),
  );
  return [
    createVodRoute(path.resolve(options.mediaDir)),
    createLiveRoute({
      mediaDir: path.resolve(options.mediaDir),
      sessions: targets.sessions,
      segmentsInWindow: options.liveSegmentsInWindow ?? DEFAULT_SEGMENTS_IN_WINDOW,
      renderers: { '.m3u8': renderHlsLiveManifest, '.mpd': renderDashLiveManifest },
    }),
    createControlRoute(targets),
    ...createBeaconRoutes(targets.beacons, options.beaconCollectorUrl),
    ...staticRoutes,
    ...(options.routes ?? []),
  ];
}

/**
 * Starts an origin and resolves once it listens.
 * @throws RangeError when `liveSegmentsInWindow` is not a positive integer; listen errors
 *   (e.g. EADDRINUSE) reject the promise
 */
export async function startOrigin(options: OriginOptions): Promise<OriginServer> {
  const windowSize = options.liveSegmentsInWindow ?? DEFAULT_SEGMENTS_IN_WINDOW;
  if (!Number.isInteger(windowSize) || windowSize < 1) {
    throw new RangeError(`liveSegmentsInWindow must be a positive integer, got ${windowSize}`);
  }
  const clock = options.clock ?? systemClock;
  const counters = new OriginCounters(clock);
  const faults = new FaultInjector();
  const routes = buildRoutes(options, {
    counters,
    faults,
    sessions: new LiveSessions(clock),
    beacons: new BeaconStore(clock),
  });

  /** Answers one request; never rejects. */
  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(ORIGIN_HEADERS)) response.setHeader(name, value);
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = findRoute(routes, url.pathname);
    let tracker: RequestTracker | undefined;
    try {
      if (method === 'OPTIONS') {
        await writeReply(response, preflightReply(request), {
          headOnly: false,
          onBytesWritten: noop,
        });
        return;
      }
      let fault: InjectedFault | undefined;
      if (route?.instrumented !== false) {
        const rangeHeader = request.headers.range;
        const activeTracker = counters.begin({
          method,
          path: url.pathname,
          ...(rangeHeader === undefined ? {} : { rangeHeader }),
        });
        tracker = activeTracker;
        response.once('close', () => {
          activeTracker.end(!response.writableFinished);
        });
        fault = faults.take(url.pathname);
        if (fault !== undefined) activeTracker.markFault(fault.id);
      }
      if (fault?.delayMs !== undefined && !(await waitUnlessClosed(fault.delayMs, response))) {
        return;
      }
      let reply: Reply;
      if (fault?.status !== undefined) reply = faultReply({ ...fault, status: fault.status });
      else if (route === undefined) reply = textReply(404, 'Not found\n');
      else if (!acceptsMethod(route, method)) {
        reply = {
          ...textReply(405, 'Method not allowed\n'),
          headers: { Allow: route.methods.join(', ') },
        };
      } else {
        reply = await route.handle({
          method,
          path: url.pathname,
          subPath: url.pathname.slice(route.pathPrefix.length),
          query: url.searchParams,
          headers: request.headers,
          incoming: request,
        });
      }
      tracker?.respond(reply.status, reply.isMedia === true);
      await writeReply(response, reply, {
        headOnly: method === 'HEAD',
        ...(fault?.stallAfterBytes === undefined ? {} : { stallAfterBytes: fault.stallAfterBytes }),
        onBytesWritten: (byteCount) => tracker?.addBytes(byteCount),
      });
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      tracker?.respond(500, false);
      await writeReply(response, textReply(500, `Origin error: ${message}\n`), {
        headOnly: false,
        onBytesWritten: (byteCount) => tracker?.addBytes(byteCount),
      }).catch(() => response.destroy());
    }
  }

  const server = http.createServer((request, response) => void serve(request, response));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    counters,
    faults,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        // Keep-alive and stalled connections would hold close() open: end them now.
        for (const socket of sockets) socket.destroy();
      }).then(() => {
        counters.destroy();
      });
      return stopped;
    },
  };
}

function noop(): void {
  // Control replies are not counted.
}
