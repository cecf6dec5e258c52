/**
 * The stats-beacon collector of the example origin (docs/STATS-BEACON.md): players configured with
 * `statsBeacon: { url: '<origin>/beacon' }` POST a small JSON payload every interval; the origin
 * keeps each viewer's latest one for two minutes and sums them per swarm.
 *
 * - `POST /beacon` with a `StatsBeaconPayload` -> 204; 400 (invalid, or a field beyond the
 *   collector's caps), 413 (too large), 415 (not text/plain or application/json), 429 (more than
 *   the collector's per-address rate: 20 a second on average, bursts of 100).
 * - `GET /stats.json` -> {@link BeaconSummary}.
 * - `GET /stats` -> the same as a small HTML page that refreshes itself every 5 s.
 *
 * With a collector URL (`npm start` runs `p2p-media-loader-collector` next to the origin), valid
 * beacons are also forwarded to it, with the viewer's address in `X-Forwarded-For` for its rate
 * limit, and `/stats` redirects to its dashboard.
 */
import { parseBeacon } from '../../collector/beacon/beacon-schema.js';
import { RateLimiter } from '../../collector/http/rate-limiter.js';
import { addSaturating } from '../../collector/ingest/safe-sum.js';
import type { StatsBeaconPayload } from '../../plugins/shared/contract.js';
import type { Clock } from './clock.js';
import { emptyReply, jsonReply, textReply, type Reply } from './reply.js';
import { readBodyText, RequestBodyTooLargeError } from './request-body.js';
import type { OriginRequest, Route } from './routes.js';

/** A viewer that sent nothing for this long has left (four missed beacons at the 30 s default). */
export const BEACON_EXPIRY_MS = 120_000;
/** Largest body accepted: a payload is ~250 bytes; the swarm id is the only free-length field. */
export const BEACON_MAX_BYTES = 4096;
/** Viewers remembered at most; beyond it the least recently heard one is forgotten. */
const MAX_VIEWERS = 10_000;

/** Totals of a group of viewers (one swarm, or all). */
export interface BeaconTotals {
  /** Viewers heard from in the last {@link BEACON_EXPIRY_MS}. */
  readonly viewers: number;
  /** HTTP bytes downloaded (sum of the viewers' latest totals). */
  readonly httpBytes: number;
  /** P2P bytes downloaded. */
  readonly p2pBytes: number;
  /** Bytes uploaded to peers. */
  readonly uploadBytes: number;
  /** `p2pBytes / (httpBytes + p2pBytes)`, 0 when nothing was downloaded: the CDN offload. */
  readonly offloadRatio: number;
  /** Sum of the viewers' connected peers (a connection between two viewers counts twice). */
  readonly peers: number;
  /** Playback stalls. */
  readonly stalls: number;
  /** Viewers by playback engine. */
  readonly engines: Readonly<Record<StatsBeaconPayload['engine'], number>>;
}

/** `GET /stats.json`. */
export interface BeaconSummary {
  /** When the summary was made (origin clock), ms since the epoch. */
  readonly atMs: number;
  /** Reports older than this were dropped, ms. */
  readonly expiryMs: number;
  /** Number of viewers (all swarms). */
  readonly viewers: number;
  /** Every viewer together. */
  readonly totals: BeaconTotals;
  /** One entry per swarm id (`''`: viewers without a source yet), most viewers first. */
  readonly swarms: readonly (BeaconTotals & { readonly swarm: string })[];
}

/** Why a body is not a valid payload. */
export class BeaconPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BeaconPayloadError';
  }
}

/**
 * Parses and checks a beacon body against schema version 1 or 2 with the collector's validator
 * (collector/beacon/beacon-schema.ts): every field present, no other field, each counter within
 * the collector's caps ({@link BEACON_LIMITS}), so one origin and one collector refuse the same
 * bodies.
 * @throws BeaconPayloadError naming the first wrong field
 */
export function parseBeaconPayload(text: string): StatsBeaconPayload {
  const result = parseBeacon(text);
  if (!result.ok) throw new BeaconPayloadError(result.message);
  return JSON.parse(text) as StatsBeaconPayload;
}

/** The latest payload of each viewer, for {@link BEACON_EXPIRY_MS}. */
export class BeaconStore {
  /** Insertion order is "least recently heard first" (a viewer is re-inserted on each report). */
  private readonly latest = new Map<string, { payload: StatsBeaconPayload; atMs: number }>();

  /** @param clock - time source (the origin's, so tests can move it) */
  constructor(private readonly clock: Clock) {}

  /** Keeps `payload` as its viewer's latest report. */
  record(payload: StatsBeaconPayload): void {
    this.prune();
    this.latest.delete(payload.id);
    this.latest.set(payload.id, { payload, atMs: this.clock() });
    if (this.latest.size > MAX_VIEWERS) {
      const oldest = this.latest.keys().next().value;
      if (oldest !== undefined) this.latest.delete(oldest);
    }
  }

  /** Sums of the viewers heard from recently, overall and per swarm. */
  summary(): BeaconSummary {
    this.prune();
    const payloads = [...this.latest.values()].map((entry) => entry.payload);
    const bySwarm = new Map<string, StatsBeaconPayload[]>();
    for (const payload of payloads) {
      const group = bySwarm.get(payload.swarm) ?? [];
      group.push(payload);
      bySwarm.set(payload.swarm, group);
    }
    const swarms = [...bySwarm.entries()]
      .map(([swarm, group]) => ({ swarm, ...totalsOf(group) }))
      .sort((a, b) => b.viewers - a.viewers || a.swarm.localeCompare(b.swarm));
    return {
      atMs: this.clock(),
      expiryMs: BEACON_EXPIRY_MS,
      viewers: payloads.length,
      totals: totalsOf(payloads),
      swarms,
    };
  }

  private prune(): void {
    const oldestKept = this.clock() - BEACON_EXPIRY_MS;
    for (const [id, entry] of this.latest) {
      // Oldest first: the first fresh entry ends the scan.
      if (entry.atMs >= oldestKept) break;
      this.latest.delete(id);
    }
  }
}

function totalsOf(payloads: readonly StatsBeaconPayload[]): BeaconTotals {
  let httpBytes = 0;
  let p2pBytes = 0;
  let uploadBytes = 0;
  let peers = 0;
  let stalls = 0;
  const engines = { hlsjs: 0, shaka: 0, native: 0 };
  for (const payload of payloads) {
    // Each field is capped by the validator, but 10,000 viewers' caps could still pass 2^53.
    httpBytes = addSaturating(httpBytes, payload.http);
    p2pBytes = addSaturating(p2pBytes, payload.p2p);
    uploadBytes = addSaturating(uploadBytes, payload.up);
    peers = addSaturating(peers, payload.peers);
    stalls = addSaturating(stalls, payload.stalls);
    engines[payload.engine] += 1;
  }
  const downloaded = httpBytes + p2pBytes;
  return {
    viewers: payloads.length,
    httpBytes,
    p2pBytes,
    uploadBytes,
    offloadRatio: downloaded === 0 ? 0 : p2pBytes / downloaded,
    peers,
    stalls,
    engines,
  };
}

/** `sendBeacon` sends strings as text/plain; fetch-based senders may say application/json. */
function acceptedContentType(header: string | undefined): boolean {
  if (header === undefined) return true;
  const type = header.split(';')[0]?.trim().toLowerCase();
  return type === 'text/plain' || type === 'application/json' || type === '';
}

/** Forwards a valid beacon body to the collector; a collector that is down loses the report. */
function forwardBeacon(collectorUrl: string, request: OriginRequest, body: string): void {
  const address = request.incoming.socket.remoteAddress ?? '';
  void fetch(`${collectorUrl}/beacon`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'X-Forwarded-For': address },
    signal: AbortSignal.timeout(5000),
  })
    .then((response) => response.body?.cancel())
    .catch(() => undefined);
}

async function receiveBeacon(
  request: OriginRequest,
  store: BeaconStore,
  limiter: RateLimiter,
  collectorUrl: string | undefined,
): Promise<Reply> {
  // Per client address, like the collector: a page (or a script) flooding the origin with beacons
  // is told to slow down before its bodies are read.
  if (!limiter.take(request.incoming.socket.remoteAddress ?? '')) {
    return textReply(429, 'Too many stats beacons from this address\n');
  }
  if (!acceptedContentType(request.headers['content-type'])) {
    return textReply(415, 'Content-Type must be text/plain or application/json\n');
  }
  let payload: StatsBeaconPayload;
  let body: string;
  try {
    body = await readBodyText(request.incoming, BEACON_MAX_BYTES);
    payload = parseBeaconPayload(body);
  } catch (error) {
    if (error instanceof RequestBodyTooLargeError) return textReply(413, `${error.message}\n`);
    if (error instanceof BeaconPayloadError) {
      return textReply(400, `Invalid stats beacon: ${error.message}\n`);
    }
    throw error;
  }
  store.record(payload);
  if (collectorUrl !== undefined) forwardBeacon(collectorUrl, request, body);
  return emptyReply(204);
}

const html = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

/** The summary as a page (swarm ids come from viewers: every one is escaped). */
export function renderBeaconPage(summary: BeaconSummary): string {
  const row = (label: string, totals: BeaconTotals): string =>
    `<tr><th scope="row">${label}</th><td>${totals.viewers}</td><td>${mib(totals.httpBytes)}</td>` +
    `<td>${mib(totals.p2pBytes)}</td><td>${mib(totals.uploadBytes)}</td>` +
    `<td>${(totals.offloadRatio * 100).toFixed(1)} %</td><td>${totals.peers}</td><td>${totals.stalls}</td></tr>`;
  const rows = summary.swarms.map((swarm) =>
    row(swarm.swarm === '' ? '<i>no source yet</i>' : html(swarm.swarm), swarm),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>P2P swarm stats</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}th[scope=row]{text-align:left;max-width:40em;overflow-wrap:anywhere}</style>
</head><body><h1>P2P swarm stats</h1>
<p>${summary.viewers} viewer(s) reported in the last ${summary.expiryMs / 1000} s. Refreshes every 5 s; JSON: <a href="/stats.json">/stats.json</a>.</p>
<table><thead><tr><th scope="col">Swarm</th><th scope="col">Viewers</th><th scope="col">HTTP</th><th scope="col">P2P</th>
<th scope="col">Uploaded</th><th scope="col">Offload</th><th scope="col">Peers</th><th scope="col">Stalls</th></tr></thead>
<tbody>${rows.join('\n')}</tbody><tfoot>${row('All swarms', summary.totals)}</tfoot></table>
</body></html>
`;
}

const notFound = (): Reply => textReply(404, 'Not found\n');

/**
 * The routes of the collector, sharing `store`: `/beacon` (POST), `/stats.json` and `/stats`
 * (GET). Not instrumented: reports are neither media traffic for the byte counters nor targets
 * for fault injection.
 */
export function createBeaconRoutes(store: BeaconStore, collectorUrl?: string): Route[] {
  const limiter = new RateLimiter();
  return [
    {
      pathPrefix: '/beacon',
      methods: ['POST'],
      instrumented: false,
      handle: (request) =>
        request.subPath === ''
          ? receiveBeacon(request, store, limiter, collectorUrl)
          : Promise.resolve(notFound()),
    },
    {
      pathPrefix: '/stats.json',
      methods: ['GET'],
      instrumented: false,
      handle: (request) =>
        Promise.resolve(request.subPath === '' ? jsonReply(200, store.summary()) : notFound()),
    },
    {
      pathPrefix: '/stats',
      methods: ['GET'],
      instrumented: false,
      handle: (request) =>
        Promise.resolve(
          request.subPath !== ''
            ? notFound()
            : collectorUrl !== undefined
              ? emptyReply(302, { Location: `${collectorUrl}/` })
              : textReply(200, renderBeaconPage(store.summary()), 'text/html; charset=utf-8'),
        ),
    },
  ];
}
