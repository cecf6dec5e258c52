/**
 * `/__control/*`: the test-control API, for tests and pages that drive the origin over HTTP
 * (browser tests cannot call the in-process objects).
 *
 * - `GET /__control/counters?prefix=/live/abc/&settleMs=500` -> `{ mediaBytes, requests }`;
 *   `settleMs` first waits (at most that long) for in-flight requests under the prefix to finish.
 * - `DELETE /__control/counters` -> 204, forgets all records.
 * - `GET /__control/faults` -> `{ faults: FaultRule[] }`.
 * - `POST /__control/faults` with a JSON {@link FaultSpec} -> 201 `{ id }` (400 when invalid).
 * - `DELETE /__control/faults` -> 204, removes all rules; `DELETE /__control/faults/<id>` one rule.
 *
 * Control requests are neither counted nor subject to faults.
 *
 * Why the API refuses cross-site requests (CSRF): the origin answers every path with
 * `Access-Control-Allow-Origin: *` and grants every preflight, because players run on other origins.
 * Without a guard, any web page the developer visits while the demo runs could inject faults into
 * (or reset the counters of) the origin on 127.0.0.1: a plain `<form method=post>` or a
 * `fetch(..., { mode: 'no-cors' })` with a `text/plain` body is a "simple" request that the browser
 * sends without asking anyone. So a control request is accepted only when
 * - its `Sec-Fetch-Site` header, if any, is `same-origin` or `none` (browsers set it on every
 *   request, and a page cannot forge it);
 * - its `Origin` header, if any, names this very host (browsers send `Origin` on every POST and on
 *   cross-origin requests; a page cannot forge it either);
 * - its `Host` is an IP literal or `localhost`, so a DNS-rebinding page (whose Origin and Host both
 *   name the attacker's domain that now resolves to 127.0.0.1) does not count as same-origin;
 * - a POST body is declared `application/json`: that content type is never "simple", so a
 *   cross-origin page cannot even send it without a preflight, and form encodings are refused.
 * Clients outside a browser (tests, curl) send neither `Origin` nor `Sec-Fetch-Site` and pass:
 * they are not a page acting on someone's behalf.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { OriginCounters } from './counters.js';
import { FaultSpecError, type FaultInjector } from './faults.js';
import { emptyReply, jsonReply, textReply, type Reply } from './reply.js';
import { readBodyText, RequestBodyTooLargeError } from './request-body.js';
import type { OriginRequest, Route } from './routes.js';

/** Longest wait a `settleMs` query may ask for. */
const MAX_SETTLE_MS = 30_000;

/** What the control API controls. */
export interface ControlApiTargets {
  readonly counters: OriginCounters;
  readonly faults: FaultInjector;
}

type ControlHandler = (request: OriginRequest, targets: ControlApiTargets) => Promise<Reply>;

async function getCounters(
  request: OriginRequest,
  { counters }: ControlApiTargets,
): Promise<Reply> {
  const prefix = request.query.get('prefix') ?? undefined;
  const settleMs = Number(request.query.get('settleMs') ?? '0');
  if (Number.isFinite(settleMs) && settleMs > 0) {
    await counters.settled(
      prefix === undefined ? {} : { pathPrefix: prefix },
      Math.min(settleMs, MAX_SETTLE_MS),
    );
  }
  const filter = prefix === undefined ? {} : { pathPrefix: prefix };
  return jsonReply(200, {
    mediaBytes: counters.mediaBytes(prefix),
    requests: counters.requests(filter),
  });
}

async function addFault(request: OriginRequest, { faults }: ControlApiTargets): Promise<Reply> {
  let spec: unknown;
  try {
    spec = JSON.parse(await readBodyText(request.incoming));
  } catch (error) {
    if (error instanceof RequestBodyTooLargeError) return textReply(413, `${error.message}\n`);
    return textReply(400, 'Body must be a JSON fault spec\n');
  }
  try {
    return jsonReply(201, { id: faults.add(spec as Parameters<FaultInjector['add']>[0]) });
  } catch (error) {
    if (error instanceof FaultSpecError) return textReply(400, `${error.message}\n`);
    throw error;
  }
}

/** `Sec-Fetch-Site` values of requests a page on another site cannot have made. */
const SAME_SITE_FETCH_SITES: ReadonlySet<string> = new Set(['same-origin', 'none']);

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Is `host` (a `Host` header, `name[:port]`) an IP literal or `localhost`? */
function isAddressHost(url: URL): boolean {
  const bare = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return bare === 'localhost' || isIP(bare) !== 0;
}

/** `value` parsed as an absolute URL, or `undefined`. */
function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Why a control request must be refused (see the file comment), as a 403/415 reply, or
 * `undefined` when it may proceed. Pure function of the method and headers.
 */
export function refuseCrossSiteControl(
  method: string,
  headers: IncomingHttpHeaders,
): Reply | undefined {
  const hostHeader = firstHeader(headers.host);
  const host = hostHeader === undefined ? undefined : parseUrl(`http://${hostHeader}`);
  if (host === undefined || !isAddressHost(host)) {
    return textReply(403, 'Control API: Host must be an IP address or localhost\n');
  }
  const fetchSite = firstHeader(headers['sec-fetch-site']);
  if (fetchSite !== undefined && !SAME_SITE_FETCH_SITES.has(fetchSite.toLowerCase())) {
    return textReply(403, 'Control API: cross-site requests are refused\n');
  }
  const origin = firstHeader(headers.origin);
  if (origin !== undefined) {
    const originUrl = parseUrl(origin);
    if (originUrl?.protocol !== 'http:' || originUrl.host !== host.host) {
      return textReply(403, 'Control API: cross-origin requests are refused\n');
    }
  }
  if (method === 'POST') {
    const mediaType = firstHeader(headers['content-type'])?.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      return textReply(415, 'Control API: POST bodies must be Content-Type application/json\n');
    }
  }
  return undefined;
}

/** Handlers by `METHOD subPath`. */
const HANDLERS: Readonly<Record<string, ControlHandler>> = {
  'GET /counters': getCounters,
  'DELETE /counters': (_request, { counters }) => {
    counters.reset();
    return Promise.resolve(emptyReply(204));
  },
  'GET /faults': (_request, { faults }) =>
    Promise.resolve(jsonReply(200, { faults: faults.list() })),
  'POST /faults': addFault,
  'DELETE /faults': (_request, { faults }) => {
    faults.clear();
    return Promise.resolve(emptyReply(204));
  },
};

/**
 * The control API route under `pathPrefix` (default `/__control`); refuses cross-site requests
 * with 403 and non-JSON POSTs with 415 ({@link refuseCrossSiteControl}).
 */
export function createControlRoute(targets: ControlApiTargets, pathPrefix = '/__control'): Route {
  return {
    pathPrefix,
    methods: ['GET', 'POST', 'DELETE'],
    instrumented: false,
    handle: async (request) => {
      const refusal = refuseCrossSiteControl(request.method, request.headers);
      if (refusal !== undefined) return refusal;
      const faultId = /^\/faults\/([^/]+)$/.exec(request.subPath)?.[1];
      if (request.method === 'DELETE' && faultId !== undefined) {
        return targets.faults.remove(decodeURIComponent(faultId))
          ? emptyReply(204)
          : textReply(404, 'No such fault\n');
      }
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      const handler = HANDLERS[`${method} ${request.subPath}`];
      if (handler === undefined) return textReply(404, 'Unknown control endpoint\n');
      return handler(request, targets);
    },
  };
}
