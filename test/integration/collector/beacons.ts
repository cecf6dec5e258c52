/** Beacon bodies for collector tests (schema v2 unless asked otherwise). */

/** A v2 beacon as a player sends it, with overrides. */
export function beaconBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 2,
    id: 'viewer-a',
    swarm: 'live/demo',
    engine: 'hlsjs',
    t: 30_000,
    http: 1000,
    p2p: 3000,
    up: 2000,
    peers: 2,
    seg: { http: 1, p2p: 3, cache: 0 },
    stalls: 1,
    stallMs: 800,
    startMs: 900,
    ...overrides,
  };
}

/** POSTs a body as `navigator.sendBeacon` does with a string. */
export function postBeacon(
  url: string,
  body: string | Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
  });
}
