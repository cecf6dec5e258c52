/**
 * The test page test/browser/pages/hlsjs.html, seen from the tests: how to build its URL and the
 * shape of what its harness (hlsjs-harness.js) exposes, plus waits on it. The page runs the UMD
 * bundles exactly as script-tag users load them.
 */
import type { Page } from 'playwright-core';
import type { EngineConfig } from '../../core/engine/config.js';
import type { EngineStats } from '../../core/model/stats.js';

/** A fragment load hls.js started (through whichever fragment loader is configured). */
export interface HarnessLoad {
  readonly url: string;
  /** Byte range [start, end) for EXT-X-BYTERANGE segments. */
  readonly rangeStart?: number;
  readonly rangeEnd?: number;
  /** Media sequence number, or 'initSegment'. */
  readonly sn: number | 'initSegment';
  /** 'main' | 'audio' | 'subtitle'. */
  readonly type: string;
  readonly level: number;
  readonly startedAtMs: number;
  /** 'pending' | 'success' | 'aborted' | 'error <code>'. */
  readonly outcome: string;
  /** When the outcome was reached; undefined while pending. */
  readonly endedAtMs?: number;
  /** Start of the fragment on the media timeline, s (undefined for init segments). */
  readonly fragStart?: number;
  /** `video.currentTime` when the load started, s. */
  readonly playhead?: number;
  /** End of the buffered range holding the playhead when the load started, s (none: undefined). */
  readonly bufferedEnd?: number;
}

/** A fragment delivered to hls.js, with the SHA-256 of its bytes. */
export interface HarnessSegment {
  readonly url: string;
  readonly rangeStart?: number;
  readonly rangeEnd?: number;
  readonly sn: number | 'initSegment';
  readonly type: string;
  readonly level: number;
  readonly byteLength: number;
  /** Hex digest; undefined while being computed. */
  readonly sha256?: string;
}

/** An hls.js ERROR event. */
export interface HarnessError {
  readonly type: string;
  readonly details: string;
  readonly fatal: boolean;
  readonly message?: string;
  readonly url?: string;
}

/** Startup timing, `performance.now()` ms of the page. */
export interface HarnessStartup {
  /** When the harness started, before loading any player or engine script. */
  readonly startedAtMs: number;
  /** Every player script is loaded (hls.js by the page, the P2P bundle by the harness). */
  readonly scriptsLoadedAtMs?: number;
  /** The player (and the P2P adapter, when used) exists. */
  readonly playerCreatedAtMs?: number;
  /** hls.js parsed the manifest. */
  readonly manifestParsedAtMs?: number;
  /** The first media segment (not an init segment) reached hls.js. */
  readonly firstSegmentAtMs?: number;
  /** The first `playing` event; undefined until playback starts. */
  readonly playingAtMs?: number;
}

/** One entry of the harness's timeline: an engine event (with its payload) or a level switch. */
export interface HarnessTraceEntry {
  /** `performance.now()` ms. */
  readonly atMs: number;
  /** Engine event name (`segment-loaded`, `peer-connected`, ...) or `level-switching`. */
  readonly event: string;
  /** The event's payload fields (errors reduced to `'<code>: <message>'`). */
  readonly [field: string]: unknown;
}

/** What `window.__harness.sample()` returns: a small summary for frequent polling. */
export interface HarnessSample {
  readonly playedSeconds: number;
  readonly currentTime: number;
  readonly stalls: { readonly count: number; readonly totalMs: number };
  readonly startup: HarnessStartup;
  /** Bytes of media segments (init segments excluded) delivered to the player. */
  readonly mediaBytes: number;
  /** Media segments delivered to the player. */
  readonly mediaSegments: number;
  /** Number of fatal hls.js errors. */
  readonly fatalErrors: number;
  readonly setupError?: string;
  readonly engineStats?: EngineStats;
}

/** What `window.__harness.snapshot()` returns. */
export interface HarnessSnapshot {
  /** The player was created and the source set. */
  readonly ready: boolean;
  /** Why the page could not start (script load failure, ...). */
  readonly setupError?: string;
  /** Seconds of media played (sum of `video.played` ranges): grows only while playing. */
  readonly playedSeconds: number;
  readonly currentTime: number;
  /** `waiting` events during playback (not seeking), and their total duration so far. */
  readonly stalls: { readonly count: number; readonly totalMs: number };
  readonly fatalErrors: readonly HarnessError[];
  readonly errors: readonly HarnessError[];
  readonly loads: readonly HarnessLoad[];
  readonly segments: readonly HarnessSegment[];
  /** Digests still being computed. */
  readonly hashesPending: number;
  /** The engine's stats (undefined with `engine: 'none'`). */
  readonly engineStats?: EngineStats;
  readonly startup: HarnessStartup;
  /** Engine events and level switches, oldest first (empty with `engine: 'none'` but for levels). */
  readonly trace: readonly HarnessTraceEntry[];
}

/** The object the harness puts on `window`. */
export interface HarnessApi {
  snapshot(): HarnessSnapshot;
  sample(): HarnessSample;
  seek(seconds: number): void;
  destroy(): void;
}

declare global {
  interface Window {
    __harness?: HarnessApi;
  }
}

/** What the test page plays and how. */
export interface HlsjsPageOptions {
  /** Manifest URL. */
  readonly src: string;
  /** 'p2p' (default): through the engine's hls.js adapter (dist/umd bundle); 'none': plain hls.js. */
  readonly engine?: 'p2p' | 'none';
  /** Engine configuration (JSON-serialisable keys only). */
  readonly p2p?: Partial<Omit<EngineConfig, 'httpRequestHook'>>;
  /** Extra hls.js configuration (JSON-serialisable keys only). */
  readonly hls?: Record<string, unknown>;
  /** Highest level index hls.js's ABR may choose (`hls.autoLevelCapping`); default: no cap. */
  readonly capLevel?: number;
}

/** URL of the test page on `originUrl` (the origin serves it under /test-pages). */
export function hlsjsPageUrl(originUrl: string, options: HlsjsPageOptions): string {
  const url = new URL('/test-pages/hlsjs.html', originUrl);
  url.searchParams.set('src', options.src);
  url.searchParams.set('engine', options.engine ?? 'p2p');
  if (options.p2p !== undefined) url.searchParams.set('p2p', JSON.stringify(options.p2p));
  if (options.hls !== undefined) url.searchParams.set('hls', JSON.stringify(options.hls));
  if (options.capLevel !== undefined) url.searchParams.set('capLevel', String(options.capLevel));
  return url.toString();
}

/** The harness's current snapshot. */
export async function readSnapshot(page: Page): Promise<HarnessSnapshot> {
  const snapshot = await page.evaluate(() => window.__harness?.snapshot());
  if (snapshot === undefined) throw new Error('the test page has no harness (did it load?)');
  return snapshot;
}

/** The harness's current summary (see {@link HarnessSample}). */
export async function readSample(page: Page): Promise<HarnessSample> {
  const sample = await page.evaluate(() => window.__harness?.sample());
  if (sample === undefined) throw new Error('the test page has no harness (did it load?)');
  return sample;
}

/** Formats a snapshot's problems for failure messages. */
export function describeProblems(snapshot: HarnessSnapshot): string {
  const lines: string[] = [];
  if (snapshot.setupError !== undefined) lines.push(`setup error: ${snapshot.setupError}`);
  for (const error of snapshot.fatalErrors) {
    lines.push(`fatal ${error.type}/${error.details}: ${error.message ?? ''} ${error.url ?? ''}`);
  }
  return lines.join('\n');
}

/**
 * Waits until the page has played `seconds` of media, or fails as soon as the page reports a setup
 * error or a fatal hls.js error (with those errors in the message), or after `timeoutMs`.
 */
export async function waitForPlayed(
  page: Page,
  seconds: number,
  timeoutMs: number,
): Promise<HarnessSnapshot> {
  try {
    await page.waitForFunction(
      (target) => {
        const snapshot = window.__harness?.snapshot();
        if (snapshot === undefined) return false;
        const failed = snapshot.setupError !== undefined || snapshot.fatalErrors.length > 0;
        return failed || snapshot.playedSeconds >= target;
      },
      seconds,
      { timeout: timeoutMs, polling: 250 },
    );
  } catch (error) {
    const snapshot = await readSnapshot(page).catch(() => undefined);
    const state =
      snapshot === undefined
        ? 'no harness'
        : `played ${snapshot.playedSeconds.toFixed(1)} s, ${snapshot.segments.length} segments, ` +
          `errors: ${JSON.stringify(snapshot.errors.slice(-5))}`;
    throw new Error(`playback did not reach ${seconds} s (${state}): ${String(error)}`, {
      cause: error,
    });
  }
  const snapshot = await readSnapshot(page);
  const problems = describeProblems(snapshot);
  if (problems !== '') throw new Error(`the page failed:\n${problems}`);
  return snapshot;
}

/** Waits until every delivered segment's digest is computed and returns the snapshot. */
export async function waitForHashes(page: Page, timeoutMs = 10_000): Promise<HarnessSnapshot> {
  await page.waitForFunction(() => window.__harness?.snapshot().hashesPending === 0, undefined, {
    timeout: timeoutMs,
    polling: 100,
  });
  return readSnapshot(page);
}
