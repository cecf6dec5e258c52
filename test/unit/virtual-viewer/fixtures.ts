/**
 * What the two virtual-viewer unit tests (virtual-viewer.test.ts for the hls.js model,
 * shaka-viewer.test.ts for the Shaka model) fake alike: the engine's side that only records or
 * answers with idle values (playback reports, stats, destroy), and a segment delivery after a
 * delay on Jest's fake clock that an abort cancels. Each test's fake engine extends
 * {@link FakeEngineBase} with what it records of streams and loads.
 */
import type { LoadedSegment } from '../../../core/engine/engine-api.js';
import { P2PMediaLoaderError } from '../../../core/errors.js';
import type { PlaybackState } from '../../../core/model/segment.js';

/** The engine methods a virtual viewer calls that the tests only record or answer idly. */
export abstract class FakeEngineBase {
  /** Every playback state the viewer reported, in order. */
  readonly playback: PlaybackState[] = [];
  /** Whether the viewer destroyed the engine. */
  destroyed = false;

  /** Records a playback report. */
  setPlayback(state: PlaybackState): void {
    this.playback.push(state);
  }

  /** No HTTP estimate (the adapters then use the player's own). */
  getHttpBandwidthEstimate(): number | undefined {
    return undefined;
  }

  /** Idle counters: nothing loaded, no peers. */
  getStats() {
    return {
      httpBytes: 0,
      p2pBytes: 0,
      uploadBytes: 0,
      p2pRatio: 0,
      segments: { http: 0, p2p: 0, cache: 0 },
      peers: 0,
      storeBytes: 0,
    };
  }

  /** Records the destruction. */
  destroy(): void {
    this.destroyed = true;
  }
}

/**
 * `bytes` zero bytes from "HTTP" after `delayMs`, with timings that start at the call; `settled`
 * runs once, when delivered or when `signal` aborts (which rejects with an `aborted` error).
 */
export function delayedDelivery(
  bytes: number,
  delayMs: number,
  signal: AbortSignal | undefined,
  settled: () => void,
): Promise<LoadedSegment> {
  const startMs = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      settled();
      resolve({
        data: new ArrayBuffer(bytes),
        source: 'http',
        timings: {
          requestStartMs: startMs,
          transferStartMs: startMs,
          firstByteMs: startMs,
          endMs: performance.now(),
        },
      });
    }, delayMs);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      settled();
      reject(new P2PMediaLoaderError('aborted', 'aborted'));
    });
  });
}

/**
 * The `bandwidth` attribute of Representation `id` in an MPD's text, read with a regular expression
 * (independently of the parser under test). The test streams are encoded on each machine, so their
 * bitrates differ by a few bits per second from one machine to another: tests read them from the
 * file instead of writing them down.
 */
export function mpdBandwidth(mpdText: string, id: string): number {
  for (const match of mpdText.matchAll(/<Representation\b[^>]*>/g)) {
    const tag = match[0];
    if (new RegExp(`\\bid="${id}"`).test(tag)) {
      const bandwidth = /\bbandwidth="(\d+)"/.exec(tag)?.[1];
      if (bandwidth !== undefined) return Number(bandwidth);
    }
  }
  throw new Error(`no Representation id="${id}" with a bandwidth in the MPD`);
}
