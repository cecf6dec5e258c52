/**
 * Lets the real hls.js run its playlist loading in Node for the adapter's tests. hls.js reads three
 * browser globals Node 20 lacks: `self` (its global object), `self.location.href` (base for relative
 * source URLs) and `navigator` (user-agent checks). Media playback itself (MSE) cannot run in Node;
 * that is covered by the Chromium tests.
 */
export function installHlsGlobals(baseUrl: string): void {
  const global = globalThis as Record<string, unknown>;
  global.self = globalThis;
  global.location = { href: `${baseUrl}/` };
  if (!('navigator' in globalThis)) global.navigator = { userAgent: 'node', onLine: true };
}
