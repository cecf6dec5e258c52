import { P2PMediaLoaderError } from '../../../core/errors.js';
import { TrustedHashes, type TrustedSegment } from '../../../core/engine/trusted-hashes.js';
import type { HashManifest } from '../../../core/p2p/integrity/hash-manifest.js';

const DIGEST = new Uint8Array(32).fill(7);

function manifestListing(urls: readonly string[], live = false): HashManifest {
  return {
    digestFor: (segment) => (urls.includes(segment.url) ? DIGEST : undefined),
    size: urls.length,
    live,
    format: 'p2p-media-loader-hashes',
  };
}

function segment(n: number, isLive: boolean): TrustedSegment {
  return { url: `https://cdn.test/live/seg${n}.ts`, isLive, refreshIntervalMs: 4000 };
}

/** A TrustedHashes whose loads the test answers one by one, on a hand-moved clock. */
function harness() {
  let nowMs = 0;
  const loads: {
    resolve: (manifest: HashManifest) => void;
    reject: (error: unknown) => void;
    signal: AbortSignal;
  }[] = [];
  const errors: P2PMediaLoaderError[] = [];
  const hashes = new TrustedHashes({
    strict: true,
    now: () => nowMs,
    load: (signal) =>
      new Promise<HashManifest>((resolve, reject) => {
        loads.push({ resolve, reject, signal });
      }),
    onError: (error) => errors.push(error),
  });
  return {
    hashes,
    loads,
    errors,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

const never = new AbortController().signal;

describe('TrustedHashes', () => {
  it('loads nothing until a delivery asks, then loads once for concurrent lookups', async () => {
    const { hashes, loads } = harness();
    expect(hashes.current(segment(1, false))).toBeUndefined();
    expect(loads).toHaveLength(0);
    const first = hashes.lookup(segment(1, false), never);
    const second = hashes.lookup(segment(2, false), never);
    expect(loads).toHaveLength(1);
    loads[0]?.resolve(manifestListing([segment(1, false).url]));
    await expect(first).resolves.toEqual({ kind: 'listed', digest: DIGEST });
    await expect(second).resolves.toEqual({ kind: 'unlisted' });
  });

  it('never refreshes a VOD manifest for a segment it does not list', async () => {
    const { hashes, loads, advance } = harness();
    const lookup = hashes.lookup(segment(1, false), never);
    loads[0]?.resolve(manifestListing([]));
    await lookup;
    advance(600_000);
    expect(hashes.current(segment(1, false))).toEqual({ kind: 'unlisted' });
    await hashes.lookup(segment(1, false), never);
    expect(loads).toHaveLength(1);
  });

  it('refreshes a live manifest at most once per segment duration, only for unlisted segments', async () => {
    const { hashes, loads, advance } = harness();
    const first = hashes.lookup(segment(1, true), never);
    loads[0]?.resolve(manifestListing([segment(1, true).url], true));
    await first;
    // Listed segments never cause a refresh.
    advance(10_000);
    expect(hashes.current(segment(1, true))).toEqual({ kind: 'listed', digest: DIGEST });
    // A new segment is unknown: one refresh.
    expect(hashes.current(segment(2, true))).toBeUndefined();
    const refresh = hashes.lookup(segment(2, true), never);
    expect(loads).toHaveLength(2);
    loads[1]?.resolve(manifestListing([segment(1, true).url], true));
    await expect(refresh).resolves.toEqual({ kind: 'unlisted' });
    // Still not listed: no new load within the segment duration (4 s), however often asked.
    for (let i = 0; i < 10; i++) {
      advance(300);
      expect(hashes.current(segment(2, true))).toEqual({ kind: 'unlisted' });
      await hashes.lookup(segment(2, true), never);
    }
    expect(loads).toHaveLength(2);
    advance(1000);
    expect(hashes.current(segment(2, true))).toBeUndefined();
    void hashes.lookup(segment(2, true), never);
    expect(loads).toHaveLength(3);
    expect(hashes.loads).toBe(3);
  });

  it('reports a failed load, keeps the hash unavailable, and backs off before trying again', async () => {
    const { hashes, loads, errors, advance } = harness();
    const first = hashes.lookup(segment(1, false), never);
    loads[0]?.reject(new P2PMediaLoaderError('http-status', 'HTTP 404', { status: 404 }));
    await expect(first).resolves.toEqual({ kind: 'unavailable' });
    expect(errors.map((error) => error.code)).toEqual(['http-status']);
    advance(4000);
    const second = hashes.lookup(segment(1, false), never);
    expect(loads).toHaveLength(2);
    loads[1]?.reject(new Error('bad json'));
    await expect(second).resolves.toEqual({ kind: 'unavailable' });
    expect(errors[1]?.code).toBe('integrity-manifest');
    // Second failure: twice the wait.
    advance(4000);
    expect(hashes.current(segment(1, false))).toEqual({ kind: 'unavailable' });
    advance(4000);
    expect(hashes.current(segment(1, false))).toBeUndefined();
  });

  it('keeps the manifest it has when a refresh fails', async () => {
    const { hashes, loads, advance } = harness();
    const first = hashes.lookup(segment(1, true), never);
    loads[0]?.resolve(manifestListing([segment(1, true).url], true));
    await first;
    advance(5000);
    const refresh = hashes.lookup(segment(2, true), never);
    loads[1]?.reject(new P2PMediaLoaderError('integrity-manifest', 'bad signature'));
    await expect(refresh).resolves.toEqual({ kind: 'unlisted' });
    expect(hashes.current(segment(1, true))).toEqual({ kind: 'listed', digest: DIGEST });
  });

  it('stops waiting when the caller aborts, without cancelling the shared load', async () => {
    const { hashes, loads } = harness();
    const caller = new AbortController();
    const waiting = hashes.lookup(segment(1, false), caller.signal);
    caller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
    expect(loads[0]?.signal.aborted).toBe(false);
  });

  it('destroy() aborts the load in flight and reports nothing', async () => {
    const { hashes, loads, errors } = harness();
    const waiting = hashes.lookup(segment(1, false), never);
    hashes.destroy();
    expect(loads[0]?.signal.aborted).toBe(true);
    loads[0]?.reject(new P2PMediaLoaderError('aborted', 'aborted'));
    await expect(waiting).resolves.toEqual({ kind: 'unavailable' });
    expect(errors).toEqual([]);
    expect(hashes.current(segment(1, false))).toEqual({ kind: 'unavailable' });
  });
});
