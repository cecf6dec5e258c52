/**
 * The test page test/browser/pages/shaka.html, seen from the tests: its URL, what its harness
 * (shaka-harness.js) records beyond the hls.js harness's shape, and waits on it. The harness
 * exposes the same `window.__harness` API as the hls.js page, so the waits of hlsjs-page.ts apply.
 */
import type { Page } from 'playwright-core';
import type { EngineConfig } from '../../core/engine/config.js';
import {
  readSnapshot,
  waitForHashes,
  waitForPlayed,
  type HarnessLoad,
  type HarnessSegment,
  type HarnessSnapshot,
} from './hlsjs-page.js';

/**
 * A segment request Shaka started (see HarnessLoad). `sn` is `initSegment` or `media` (Shaka names
 * no sequence numbers), `type` is Shaka's stream type (`video`, `audio`).
 */
export interface ShakaHarnessLoad extends Omit<HarnessLoad, 'sn'> {
  readonly sn: 'initSegment' | 'media';
  /**
   * End of this stream type's own buffered range around the playhead when the load started, s
   * (`bufferedEnd` is the media element's: the lagging type's).
   */
  readonly typeBufferedEnd?: number;
}

/** A segment response handed to Shaka. */
export interface ShakaHarnessSegment extends Omit<HarnessSegment, 'sn'> {
  /** `initSegment` or `media`. */
  readonly sn: 'initSegment' | 'media';
  /** `http`, `p2p` or `cache` (served by the engine) or `shaka` (Shaka's own HTTP plugin). */
  readonly source: 'http' | 'p2p' | 'cache' | 'shaka';
  /** Shaka requested it for a segment reference (false: HLS probes, SegmentBase index ranges). */
  readonly withReference: boolean;
  /** Shaka's AdvancedRequestType (0 init segment, 1 media segment). */
  readonly advancedType?: number;
}

/** What the Shaka harness's `snapshot()` returns. */
export interface ShakaHarnessSnapshot extends Omit<HarnessSnapshot, 'segments' | 'loads'> {
  readonly segments: readonly ShakaHarnessSegment[];
  readonly loads: readonly ShakaHarnessLoad[];
  /** Bytes of origin media files (names not starting with `init`) Shaka fetched itself. */
  readonly delegatedMediaBytes: number;
}

/** What the Shaka test page plays and how. */
export interface ShakaPageOptions {
  /** Manifest URL (MPD or HLS playlist). */
  readonly src: string;
  /** 'p2p' (default): through the Shaka adapter (dist/umd bundle); 'none': plain Shaka. */
  readonly engine?: 'p2p' | 'none';
  /** Engine configuration (JSON-serialisable keys only). */
  readonly p2p?: Partial<Omit<EngineConfig, 'httpRequestHook'>>;
  /** Shaka player configuration (JSON-serialisable). */
  readonly shaka?: Record<string, unknown>;
}

/** URL of the Shaka test page on `originUrl`. */
export function shakaPageUrl(originUrl: string, options: ShakaPageOptions): string {
  const url = new URL('/test-pages/shaka.html', originUrl);
  url.searchParams.set('src', options.src);
  url.searchParams.set('engine', options.engine ?? 'p2p');
  if (options.p2p !== undefined) url.searchParams.set('p2p', JSON.stringify(options.p2p));
  if (options.shaka !== undefined) url.searchParams.set('shaka', JSON.stringify(options.shaka));
  return url.toString();
}

/** The Shaka harness's snapshot. */
export async function readShakaSnapshot(page: Page): Promise<ShakaHarnessSnapshot> {
  return (await readSnapshot(page)) as unknown as ShakaHarnessSnapshot;
}

/** Waits until `seconds` were played (fails early on setup or fatal errors); see hlsjs-page.ts. */
export async function waitForShakaPlayed(
  page: Page,
  seconds: number,
  timeoutMs: number,
): Promise<ShakaHarnessSnapshot> {
  return (await waitForPlayed(page, seconds, timeoutMs)) as unknown as ShakaHarnessSnapshot;
}

/** Waits until every digest is computed. */
export async function waitForShakaHashes(page: Page): Promise<ShakaHarnessSnapshot> {
  return (await waitForHashes(page)) as unknown as ShakaHarnessSnapshot;
}

/** Plays the variant of `height` from now on, with ABR off. */
export async function selectHeight(page: Page, height: number): Promise<boolean> {
  return page.evaluate(
    (wanted) =>
      (window.__harness as unknown as { selectHeight(h: number): boolean }).selectHeight(wanted),
    height,
  );
}
