/**
 * The origin's routing table: each route owns a URL path prefix. Adding an endpoint (live DASH,
 * a `/beacon` stats collector, ...) is adding one {@link Route} to the table in origin.ts.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Reply } from './reply.js';

/** A request as routes see it. */
export interface OriginRequest {
  /** Upper-case HTTP method (`HEAD` is given to routes that accept `GET`). */
  readonly method: string;
  /** URL path, still percent-encoded, without query string. */
  readonly path: string;
  /** Path after the route's prefix, starting with `/` (or empty when the path is the prefix). */
  readonly subPath: string;
  /** Parsed query string. */
  readonly query: URLSearchParams;
  /** Request headers. */
  readonly headers: IncomingHttpHeaders;
  /** The raw request, for routes that read a body. */
  readonly incoming: IncomingMessage;
}

/** One entry of the routing table. */
export interface Route {
  /** Path prefix without trailing slash (`/vod`); matches the prefix itself and paths below it. */
  readonly pathPrefix: string;
  /** Accepted methods; `GET` implies `HEAD`. */
  readonly methods: readonly string[];
  /**
   * True for traffic a player generates (media, playlists, pages): recorded by the counters and
   * subject to fault injection. False for the test-control API, which must stay reliable.
   */
  readonly instrumented: boolean;
  /** Builds the reply. May throw: the origin answers 500. */
  handle(request: OriginRequest): Promise<Reply>;
}

/** Does `route` own `path` (on a path-segment boundary, so `/dist` does not own `/distx`)? */
function owns(route: Route, path: string): boolean {
  return path === route.pathPrefix || path.startsWith(`${route.pathPrefix}/`);
}

/** The route with the longest prefix owning `path`, or `undefined`. */
export function findRoute(routes: readonly Route[], path: string): Route | undefined {
  let best: Route | undefined;
  for (const route of routes) {
    if (
      owns(route, path) &&
      (best === undefined || route.pathPrefix.length > best.pathPrefix.length)
    ) {
      best = route;
    }
  }
  return best;
}

/** True when `route` accepts `method` (HEAD is accepted wherever GET is). */
export function acceptsMethod(route: Route, method: string): boolean {
  return route.methods.includes(method) || (method === 'HEAD' && route.methods.includes('GET'));
}
