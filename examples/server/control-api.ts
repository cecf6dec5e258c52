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
 */
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

/** The control API route under `pathPrefix` (default `/__control`). */
export function createControlRoute(targets: ControlApiTargets, pathPrefix = '/__control'): Route {
  return {
    pathPrefix,
    methods: ['GET', 'POST', 'DELETE'],
    instrumented: false,
    handle: async (request) => {
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
