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
  /** Every wait for a refresh, in ms; each ends when the test calls its `end` (the clock moves). */
  const waits: { ms: number; end: () => void }[] = [];
  const hashes = new TrustedHashes({
    strict: true,
    now: () => nowMs,
    wait: (ms) =>
      new Promise<void>((resolve) => {
        waits.push({
          ms,
          end: () => {
            nowMs += ms;
            resolve();
          },
        });
      }),
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
    waits,
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
    const { hashes, loads, waits, advance } = harness();
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
    // Still not listed, but a live manifest grows: the hash stays pending (not unlisted, which in
    // strict mode would send the segment to the origin), and lookups wait for the next refresh,
    // due one segment duration (4 s) after the last: no new load before, however often asked.
    advance(300);
    expect(hashes.current(segment(2, true))).toBeUndefined();
    const lookups = [1, 2, 3].map(() => hashes.lookup(segment(2, true), never));
    expect(loads).toHaveLength(2);
    expect(waits.map((wait) => wait.ms)).toEqual([3700, 3700, 3700]);
    for (const wait of waits) wait.end();
    await Promise.resolve();
    await Promise.resolve();
    // One refresh for all of them, which lists the segment now.
    expect(loads).toHaveLength(3);
    loads[2]?.resolve(
      manifestListing(
        [1, 2].map((n) => segment(n, true).url),
        true,
      ),
    );
    for (const lookup of lookups)
      await expect(lookup).resolves.toEqual({ kind: 'listed', digest: DIGEST });
    expect(hashes.loads).toBe(3);
  });

  it('refreshes at once (after a 1 s floor) for a live segment first asked about after the last load', async () => {
    const { hashes, loads, waits, advance } = harness();
    const first = hashes.lookup(segment(1, true), never);
    loads[0]?.resolve(manifestListing([segment(1, true).url], true));
    await first;
    // Segment 2 appears 1.5 s later, within the 4 s segment duration: the manifest loaded before
    // anyone knew of it cannot list it, so the next load is due now, with no wait.
    advance(1500);
    const second = hashes.lookup(segment(2, true), never);
    expect(waits).toEqual([]);
    expect(loads).toHaveLength(2);
    loads[1]?.resolve(
      manifestListing(
        [1, 2].map((n) => segment(n, true).url),
        true,
      ),
    );
    await expect(second).resolves.toEqual({ kind: 'listed', digest: DIGEST });
    // Segment 3 asked 0.4 s after that load began: it waits only for the 1 s floor.
    advance(400);
    const third = hashes.lookup(segment(3, true), never);
    expect(waits.map((wait) => wait.ms)).toEqual([600]);
    waits[0]?.end();
    await Promise.resolve();
    await Promise.resolve();
    expect(loads).toHaveLength(3);
    loads[2]?.resolve(
      manifestListing(
        [1, 2, 3].map((n) => segment(n, true).url),
        true,
      ),
    );
    await expect(third).resolves.toEqual({ kind: 'listed', digest: DIGEST });
  });

  it('a wait that a timer ends a millisecond early still finds the refresh due', async () => {
    const { hashes, loads, waits, advance } = harness();
    const first = hashes.lookup(segment(1, true), never);
    loads[0]?.resolve(manifestListing([], true));
    await first;
    advance(300);
    const waiting = hashes.lookup(segment(1, true), never);
    expect(waits.map((wait) => wait.ms)).toEqual([3700]);
    // The timer fires 1 ms early (the harness's `end` moves the clock by the full wait; take 1 ms back).
    waits[0]?.end();
    advance(-1);
    for (let turn = 0; turn < 5; turn++) await Promise.resolve();
    expect(loads).toHaveLength(2);
    loads[1]?.resolve(manifestListing([segment(1, true).url], true));
    await expect(waiting).resolves.toEqual({ kind: 'listed', digest: DIGEST });
  });

  it('a live segment a refreshing manifest never lists costs each lookup one refresh wait at most', async () => {
    const { hashes, loads, waits } = harness();
    const first = hashes.lookup(segment(1, true), never);
    loads[0]?.resolve(manifestListing([], true));
    await expect(first).resolves.toEqual({ kind: 'unlisted' });
    const second = hashes.lookup(segment(1, true), never);
    expect(waits.map((wait) => wait.ms)).toEqual([4000]);
    waits[0]?.end();
    await Promise.resolve();
    await Promise.resolve();
    loads[1]?.resolve(manifestListing([], true));
    // The lookup ends with what the refresh said; the caller (a delivery) then counts the hash as
    // unknown instead of waiting again.
    await expect(second).resolves.toEqual({ kind: 'unlisted' });
    expect(waits).toHaveLength(1);
  });

  it('a wait for the next refresh (the default timer) ends when the caller aborts', async () => {
    const real = new TrustedHashes({
      strict: true,
      load: () => Promise.resolve(manifestListing([], true)),
      onError: () => undefined,
    });
    await real.lookup(segment(1, true), never);
    const controller = new AbortController();
    const realWait = real.lookup(segment(1, true), controller.signal);
    controller.abort();
    await expect(realWait).rejects.toMatchObject({ code: 'aborted' });
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
