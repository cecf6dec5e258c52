/**
 * What a swarm's viewers end with, as every player page in test/browser/pages records it (the
 * hls.js, Shaka, Video.js, Clappr, MediaElement, JW Player and Flowplayer harnesses all expose the
 * hls.js harness's snapshot shape), and the byte counts the swarm tests compare: media bytes a
 * player got, bytes from peers, segments delivered from peers, and the origin's count at rest.
 */
import type { EngineStats } from '../../../core/model/stats.js';
import type { Viewer } from '../browser.js';
import type { HarnessSegment, HarnessSnapshot, HarnessStartup } from '../hlsjs-page.js';
import type { HashedSegment } from '../origin-media.js';
import type { Stack } from '../stack.js';
import type { StallEvidence } from '../stall-report.js';
import { waitUntil } from '../wait.js';

/** A delivered segment as every harness records it (Shaka's `sn` is a string, hls.js's a number). */
export type SwarmSegment = Omit<HarnessSegment, 'sn'> & { readonly sn: number | string };

/** A hls.js or Shaka page's snapshot, with segments of either player. */
export type SwarmSnapshot = Omit<HarnessSnapshot, 'segments'> & {
  readonly segments: readonly SwarmSegment[];
};

/**
 * What the shared summaries and expectations read of a viewer's snapshot: the fields every
 * harness has (a Shaka, MediaElement or plugin snapshot is one as it is).
 */
export interface ViewerSnapshot extends StallEvidence {
  /** Why the page could not start. */
  readonly setupError?: string;
  /** Seconds of media played. */
  readonly playedSeconds: number;
  readonly fatalErrors: readonly unknown[];
  /** Every player error, fatal or not (the last few go into summaries). */
  readonly errors: readonly unknown[];
  readonly segments: readonly (HashedSegment & {
    readonly sn: number | string;
    readonly level: number;
    readonly byteLength: number;
  })[];
  /** The engine's (or plugin handle's) stats; undefined without the engine. */
  readonly engineStats?: Pick<
    EngineStats,
    'httpBytes' | 'p2pBytes' | 'uploadBytes' | 'peers' | 'segments'
  >;
  readonly startup?: HarnessStartup;
}

/** True for an init segment (hls.js and Shaka both name it `initSegment`). */
export function isInitSegment(segment: { readonly sn: number | string }): boolean {
  return segment.sn === 'initSegment';
}

/**
 * Bytes of the media segments the player got, init segments left out (as the origin's
 * `mediaBytes` counts them).
 */
export function mediaBytes(snapshot: Pick<ViewerSnapshot, 'segments'>): number {
  return snapshot.segments
    .filter((segment) => !isInitSegment(segment))
    .reduce((sum, segment) => sum + segment.byteLength, 0);
}

/**
 * Bytes the engine handed to the player, from its `segment-loaded` trace: the measure for pages
 * whose player's own loader is out of the harness's reach (JW's provider, MediaElement on DASH).
 */
export function engineDeliveredBytes(snapshot: Pick<ViewerSnapshot, 'trace'>): number {
  return snapshot.trace
    .filter((entry) => entry.event === 'segment-loaded')
    .reduce((sum, entry) => sum + Number(entry.bytes), 0);
}

/** Bytes the viewers' engines received from peers, summed over `snapshots`. */
export function totalP2PBytes(snapshots: readonly Pick<ViewerSnapshot, 'engineStats'>[]): number {
  return snapshots.reduce((sum, snapshot) => sum + (snapshot.engineStats?.p2pBytes ?? 0), 0);
}

/** Segments the viewer's engine delivered from peers (from its `segment-loaded` trace). */
export function p2pDeliveries(snapshot: Pick<ViewerSnapshot, 'trace'>): number {
  return snapshot.trace.filter(
    (entry) => entry.event === 'segment-loaded' && entry['source'] === 'p2p',
  ).length;
}

/** The viewer's console errors and warnings, as `[type] text`. */
export function consoleProblems(viewer: Pick<Viewer, 'consoleMessages'>): string[] {
  return viewer.consoleMessages.filter(
    (line) => line.startsWith('[error]') || line.startsWith('[warning]'),
  );
}

/**
 * Waits until no origin request under `pathPrefix` is in flight (a stopped player's aborted
 * responses end a moment later), so the origin's counters are final; then returns its media bytes
 * there. Bounded by `timeoutMs` (default 10 s).
 */
export async function settledOriginMediaBytes(
  stack: Stack,
  pathPrefix: string,
  timeoutMs = 10_000,
): Promise<number> {
  await waitUntil(() => stack.origin.counters.settled({ pathPrefix }, 100), {
    timeoutMs,
    description: `no origin request under ${pathPrefix} in flight`,
  });
  return stack.origin.counters.mediaBytes(pathPrefix);
}
