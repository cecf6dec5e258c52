/**
 * The simulator's origin/CDN: the same streams as the network lab's origin (examples/server,
 * serving what examples/media/generate.sh makes), built in memory, with no ffmpeg and no disk, and
 * served through each viewer's simulated access link (viewer-link.ts) on the simulation's clock.
 *
 * Content, as generate.sh's `hls-ts` stream: a master playlist over three renditions (144p 200,
 * 240p 400, 360p 800 kbit/s of video, each with the 64 kbit/s AAC track muxed in), 2 s MPEG-TS
 * segments, 240 s of VOD. Segment sizes are the rendition's bitrate × 2 s / 8 × `scale`, ±10 % per
 * segment (a deterministic variation, as an encoder's VBV allows), rounded to whole 188-byte TS
 * packets; the bytes are `syntheticTsSegment` (a sync byte every 188 bytes, so the engine's
 * container check accepts them), distinct per rendition and segment. BANDWIDTH and
 * AVERAGE-BANDWIDTH are measured from the (scaled) sizes, as generate.sh measures them.
 *
 * URLs, as on the lab's origin: `/vod/<stream>/...` is the VOD; `/live/<session>/<stream>/...` is
 * the VOD looped into a live stream by the origin's own functions (computeLiveWindow and
 * renderLivePlaylist of examples/server/live-playlist.ts), with the lab's window of 6 segments; a
 * live segment URL names the VOD file it replays, so the same URL comes back every 240 s. Every
 * live session shares one start time (`sessionStartMs`).
 *
 * Timing: a request reaches the origin after the viewer's and the origin's one-way delays; the
 * origin answers at once (a CDN edge with the content: no origin queueing); the answer is booked on
 * the viewer's link (`ViewerLink.receive` from the origin's endless uplink), its headers arrive
 * when its first byte can, and its body in 64 KiB chunks spread evenly until the last byte's time.
 * An aborted download gives back the link time its undelivered bytes had booked when it was the
 * last transfer queued.
 */
import type { MediaPlaylist, MediaPlaylistSegment } from '../../examples/server/hls-playlist.js';
import { computeLiveWindow, renderLivePlaylist } from '../../examples/server/live-playlist.js';
import { contentRange, parseRangeHeader } from '../../examples/server/range-header.js';
import { contentTypeFor } from '../../examples/server/content-types.js';
import { syntheticTsSegment } from '../../test/support/synthetic-segments.js';
import { originEnd, type LinkEnd, type ViewerLink } from './viewer-link.js';

/** Base URL of the simulated origin (never resolved: requests go to {@link SimOrigin.fetchFor}). */
export const SIM_ORIGIN_URL = 'http://origin.sim';
/** The stream served (generate.sh's MPEG-TS HLS stream). */
export const SIM_STREAM = 'hls-ts';
/** The live session viewers join (every session shares one start time). */
export const SIM_LIVE_SESSION = 'sim';
/** Segment duration, seconds (generate.sh `SEGMENT_SEC`). */
export const SIM_SEGMENT_SECONDS = 2;
/** VOD duration, seconds (generate.sh `DURATION_SEC`). */
export const SIM_VOD_SECONDS = 240;
/** Segments a live playlist lists (the lab origin's default, examples/server/origin.ts). */
export const SIM_LIVE_SEGMENTS_IN_WINDOW = 6;
/** Audio muxed into every rendition, kbit/s (generate.sh `AUDIO_KBPS`). */
export const SIM_AUDIO_KBPS = 64;

/** One rendition of the ladder (generate.sh `VIDEO_LADDER`). */
export interface SimRendition {
  /** Directory name in URLs, e.g. `360p`. */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Video bitrate, kbit/s (audio comes on top, {@link SIM_AUDIO_KBPS}). */
  readonly videoKbps: number;
}

/** The lab's ladder. */
export const SIM_LADDER: readonly SimRendition[] = [
  { name: '144p', width: 256, height: 144, videoKbps: 200 },
  { name: '240p', width: 426, height: 240, videoKbps: 400 },
  { name: '360p', width: 640, height: 360, videoKbps: 800 },
];

/** Bytes per body chunk: what a fetch body reader typically hands out at a time. */
export const SIM_CHUNK_BYTES = 64 * 1024;

/** Size of one MPEG-TS packet. */
const TS_PACKET_BYTES = 188;
/** Per-segment size variation: ±10 %. */
const SIZE_VARIATION = 0.1;
/** CODECS of generate.sh's renditions: H.264 Main 3.0 and AAC-LC. */
const CODECS = 'avc1.4d401e,mp4a.40.2';
const FRAME_RATE = 25;
/** Default byte budget of the segment cache (the whole VOD at scale 1 is ~48 MB). */
const DEFAULT_CACHE_BUDGET_BYTES = 64 * 1024 * 1024;

/** Options of {@link SimOrigin}. */
export interface SimOriginOptions {
  /** Which manifest {@link SimOrigin.manifestUrl} names (both are served either way). */
  readonly mode: 'live' | 'vod';
  /** Factor on segment sizes (and so on the advertised bitrates); 1 = real sizes. */
  readonly scale: number;
  /** One-way delay origin/CDN ↔ internet core, ms. Default 5. */
  readonly latencyMs?: number;
  /** Virtual ms (performance.now()) the live session starts. Default 0. */
  readonly sessionStartMs?: number;
  /**
   * Bytes of segments kept generated (least recently used go first; live segments also go once
   * they left the live window). Default 64 MiB.
   */
  readonly cacheBudgetBytes?: number;
}

/** What the origin has served. */
export interface SimOriginStats {
  /** Media segment requests answered (200 or 206). */
  segmentRequests: number;
  /** Media segment bytes sent (an aborted download counts what was delivered). */
  segmentBytes: number;
  /** Master and media playlist requests answered. */
  playlistRequests: number;
  playlistBytes: number;
  /** Requests answered 404/416 (unknown URLs, bad ranges). */
  failedRequests: number;
  /**
   * Segment requests per segment: key `<rendition>/<media sequence>` (VOD: the segment's index),
   * e.g. `360p/42`. Live segments are told apart by media sequence even though their URLs repeat
   * every loop.
   */
  readonly requestsBySegment: Map<string, number>;
}

/** Origin requests per live segment, over segments that have left the live window. */
export interface LiveSegmentRequests {
  /** Media sequence numbers published since the session started and already out of the window. */
  readonly segments: number;
  /** Mean requests per such segment (all renditions summed). */
  readonly meanRequests: number;
  /** Most requests any one of them got (all renditions summed). */
  readonly maxRequests: number;
}

/** A response the origin decided on, before it travels. */
interface Answer {
  readonly status: number;
  readonly body: Uint8Array;
  readonly headers: Record<string, string>;
  /** What to count it as. */
  readonly kind: 'segment' | 'playlist' | 'other';
  /** For segments: the key in {@link SimOriginStats.requestsBySegment}. */
  readonly segmentKey?: string;
}

/** What a URL names: the master, a rendition's playlist, or a rendition's segment. */
interface Target {
  readonly live: boolean;
  /** Ladder index (-1 for the master). */
  readonly level: number;
  /** VOD index of the segment, for segment URLs. */
  readonly segment?: number;
  readonly master?: true;
}

/** The live window of one segment-duration slot, and its rendered playlists. */
interface LiveSlot {
  readonly slot: number;
  /** Positions published on the looped timeline (0..published-1). */
  readonly published: number;
  /** Rendered live playlist per ladder index, made on first request. */
  readonly texts: Map<number, string>;
}

/** A deterministic number in [0, 1) for an integer key (a 32-bit integer hash). */
function unitHash(key: number): number {
  let h = Math.imul(key ^ 0x5bd1e995, 0x27d4eb2d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/** What fetch rejects with on abort: the signal's reason (an AbortError DOMException by default). */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new DOMException('This operation was aborted', 'AbortError');
}

/** The `Range` header of a fetch call, if any. */
function rangeHeaderOf(
  input: string | URL | Request,
  init: RequestInit | undefined,
): string | undefined {
  const headers = new Headers(
    init?.headers ?? (input instanceof Request ? input.headers : undefined),
  );
  return headers.get('range') ?? undefined;
}

function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The simulated origin. */
export class SimOrigin {
  /** The master playlist URL viewers open. */
  readonly manifestUrl: string;
  /** What was served so far. */
  readonly stats: SimOriginStats = {
    segmentRequests: 0,
    segmentBytes: 0,
    playlistRequests: 0,
    playlistBytes: 0,
    failedRequests: 0,
    requestsBySegment: new Map(),
  };
  private readonly scale: number;
  private readonly end: LinkEnd;
  private readonly sessionStartMs: number;
  private readonly cacheBudgetBytes: number;
  /** Segment sizes in bytes, per rendition index then segment index. */
  private readonly sizes: readonly (readonly number[])[];
  /** The VOD media playlist of each rendition. */
  private readonly playlists: readonly MediaPlaylist[];
  private readonly vodTexts: readonly string[];
  private readonly masterText: string;
  /** Generated segments by `<rendition index>/<segment index>`, least recently used first. */
  private readonly cache = new Map<string, Buffer>();
  private cachedBytes = 0;
  private currentSlot: LiveSlot | undefined;

  /** @param options - mode, scale, delays; see {@link SimOriginOptions} */
  constructor(options: SimOriginOptions) {
    if (!(options.scale > 0) || !Number.isFinite(options.scale)) {
      throw new RangeError(`scale must be a positive number, got ${options.scale}`);
    }
    this.scale = options.scale;
    this.end = originEnd(options.latencyMs ?? 5);
    this.sessionStartMs = options.sessionStartMs ?? 0;
    this.cacheBudgetBytes = options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES;
    this.manifestUrl =
      options.mode === 'live'
        ? `${SIM_ORIGIN_URL}/live/${SIM_LIVE_SESSION}/${SIM_STREAM}/master.m3u8`
        : `${SIM_ORIGIN_URL}/vod/${SIM_STREAM}/master.m3u8`;
    const count = Math.round(SIM_VOD_SECONDS / SIM_SEGMENT_SECONDS);
    this.sizes = SIM_LADDER.map((rendition, level) =>
      Array.from({ length: count }, (_, index) => {
        const bits = (rendition.videoKbps + SIM_AUDIO_KBPS) * 1000 * SIM_SEGMENT_SECONDS;
        const variation = 1 + SIZE_VARIATION * (2 * unitHash(level * 1_000_003 + index) - 1);
        const packets = Math.max(
          1,
          Math.round(((bits / 8) * this.scale * variation) / TS_PACKET_BYTES),
        );
        return packets * TS_PACKET_BYTES;
      }),
    );
    this.playlists = SIM_LADDER.map(() => vodPlaylist(count));
    this.vodTexts = this.playlists.map(renderVodPlaylist);
    this.masterText = renderMaster(this.sizes);
  }

  /** Segment sizes in bytes of a rendition (by ladder index), in VOD order. */
  segmentSizes(level: number): readonly number[] {
    return this.sizes[level] ?? [];
  }

  /**
   * `fetch` as the viewer behind `link` sees the origin: answers delayed and paced by the link
   * (see the file's comment), bodies as ReadableStreams in {@link SIM_CHUNK_BYTES} chunks, the
   * request's AbortSignal honoured (rejects, or errors the body, with the signal's reason: an
   * AbortError DOMException by default), 404 for unknown URLs, single `Range`s answered 206.
   * Runs on whatever clock is installed (the virtual one in a simulation, real timers otherwise).
   */
  fetchFor(link: ViewerLink): typeof fetch {
    const serve = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      const range = rangeHeaderOf(input, init);
      return new Promise<Response>((resolve, reject) => {
        if (signal?.aborted) {
          reject(abortError(signal));
          return;
        }
        // The request travels to the origin (a few hundred bytes: propagation only).
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          this.deliver(link, url, range, signal, resolve, reject);
        }, link.latencyMs + this.end.latencyMs);
        const onAbort = (): void => {
          clearTimeout(timer);
          if (signal) reject(abortError(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    };
    return serve;
  }

  /**
   * Origin requests per live media sequence (renditions summed), over the segments published since
   * the session started that have already left the live window at `nowMs` (their requests are
   * over, unless a viewer lags a whole window behind). Default `nowMs`: performance.now().
   */
  liveSegmentRequests(nowMs: number = performance.now()): LiveSegmentRequests {
    const elapsedMs = nowMs - this.sessionStartMs;
    const first = SIM_LIVE_SEGMENTS_IN_WINDOW; // positions 0..window-1 were there at the start
    const published = this.publishedPositions(elapsedMs);
    const lastOut = published - SIM_LIVE_SEGMENTS_IN_WINDOW; // positions below it left the window
    let sum = 0;
    let max = 0;
    let segments = 0;
    for (let position = first; position < lastOut; position++) {
      let requests = 0;
      for (const rendition of SIM_LADDER) {
        requests += this.stats.requestsBySegment.get(`${rendition.name}/${position}`) ?? 0;
      }
      sum += requests;
      max = Math.max(max, requests);
      segments++;
    }
    return { segments, meanRequests: segments > 0 ? sum / segments : 0, maxRequests: max };
  }

  /** Decides the answer when the request reaches the origin, books it on the link, sends it. */
  private deliver(
    link: ViewerLink,
    url: URL,
    range: string | undefined,
    signal: AbortSignal | undefined,
    resolve: (response: Response) => void,
    reject: (error: Error) => void,
  ): void {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const arrivedMs = performance.now();
    const answer = this.answer(url, range, arrivedMs);
    const bytes = answer.body.byteLength;
    const propagationMs = this.end.latencyMs + link.latencyMs;
    const firstByteMs = Math.max(arrivedMs, link.downFreeAtMs) + propagationMs;
    const lastByteMs = Math.max(firstByteMs, link.receive(this.end, bytes, arrivedMs));
    const bookedUntilMs = link.downFreeAtMs;
    const downStartMs = firstByteMs - propagationMs;
    this.count(answer, bytes);

    let sent = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
    let finished = false;
    const stop = (): void => {
      finished = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const unsent = bytes - sent;
      if (unsent <= 0) return;
      // The rest never crosses the link: give its time back if nothing was queued behind it.
      if (link.downFreeAtMs === bookedUntilMs) {
        link.downFreeAtMs = Math.max(performance.now(), downStartMs);
      }
      link.bytesDown -= unsent;
      if (answer.kind === 'segment') this.stats.segmentBytes -= unsent;
      else if (answer.kind === 'playlist') this.stats.playlistBytes -= unsent;
    };
    const onAbort = (): void => {
      if (finished) return;
      if (!signal) return;
      const reason = abortError(signal);
      if (stream) stream.error(reason);
      else reject(reason);
      stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    /** Time the first `count` bytes have arrived: linear between first and last byte. */
    const arrivalOf = (count: number): number =>
      bytes === 0 ? lastByteMs : firstByteMs + ((lastByteMs - firstByteMs) * count) / bytes;
    const pump = (): void => {
      timer = undefined;
      if (finished || !stream) return;
      const now = performance.now();
      while (sent < bytes && arrivalOf(Math.min(bytes, sent + SIM_CHUNK_BYTES)) <= now) {
        const end = Math.min(bytes, sent + SIM_CHUNK_BYTES);
        // A copy: the cached segment is shared by every viewer.
        stream.enqueue(answer.body.slice(sent, end));
        sent = end;
      }
      if (sent >= bytes) {
        stream.close();
        stop();
        return;
      }
      const dueMs = arrivalOf(Math.min(bytes, sent + SIM_CHUNK_BYTES));
      timer = setTimeout(pump, Math.max(0, dueMs - now));
    };

    timer = setTimeout(
      () => {
        timer = undefined;
        if (finished) return;
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => {
            stream = controller;
          },
          cancel: () => {
            stop();
          },
        });
        resolve(new Response(body, { status: answer.status, headers: answer.headers }));
        pump();
      },
      Math.max(0, firstByteMs - arrivedMs),
    );
  }

  /** Counts a request as the origin answers it. */
  private count(answer: Answer, bytes: number): void {
    const stats = this.stats;
    if (answer.kind === 'playlist') {
      stats.playlistRequests++;
      stats.playlistBytes += bytes;
      return;
    }
    if (answer.kind !== 'segment') {
      stats.failedRequests++;
      return;
    }
    stats.segmentRequests++;
    stats.segmentBytes += bytes;
    const key = answer.segmentKey;
    if (key !== undefined) {
      stats.requestsBySegment.set(key, (stats.requestsBySegment.get(key) ?? 0) + 1);
    }
  }

  /** `<rendition>/<media sequence or VOD index>` of a segment request at `nowMs`. */
  private segmentKey(target: Target, segment: number, nowMs: number): string {
    const rendition = SIM_LADDER[target.level]?.name ?? '';
    if (!target.live) return `${rendition}/${segment}`;
    // The URL repeats every loop: it is the most recent publication of that VOD segment.
    const count = this.sizes[0]?.length ?? 1;
    const newest = this.publishedPositions(nowMs - this.sessionStartMs) - 1;
    const position = newest - ((((newest - segment) % count) + count) % count);
    return `${rendition}/${position}`;
  }

  /** Segments published (positions 0..n-1 on the looped timeline) after `elapsedMs` of the session. */
  private publishedPositions(elapsedMs: number): number {
    return this.liveSlot(elapsedMs).published;
  }

  /**
   * The live window after `elapsedMs`, memoised per segment-duration slot: every segment lasts
   * exactly {@link SIM_SEGMENT_SECONDS}, so the window (computed by the origin's own
   * computeLiveWindow) changes only when a slot ends, while every viewer reloads it.
   */
  private liveSlot(elapsedMs: number): LiveSlot {
    const slot = Math.floor(Math.max(0, elapsedMs) / (SIM_SEGMENT_SECONDS * 1000));
    if (this.currentSlot?.slot === slot) return this.currentSlot;
    const playlist = this.playlists[0] as MediaPlaylist;
    const window = computeLiveWindow(playlist, elapsedMs, {
      segmentsInWindow: SIM_LIVE_SEGMENTS_IN_WINDOW,
    });
    const published = window.mediaSequence - playlist.mediaSequence + window.segments.length;
    const computed: LiveSlot = { slot, published, texts: new Map() };
    // liveSegmentRequests() may ask about another moment: only the current slot is kept.
    if (slot >= (this.currentSlot?.slot ?? -1)) this.currentSlot = computed;
    return computed;
  }

  /** The live media playlist of a rendition after `elapsedMs` (the lab origin's rendering). */
  private livePlaylistText(level: number, elapsedMs: number): string {
    const slot = this.liveSlot(elapsedMs);
    let text = slot.texts.get(level);
    if (text === undefined) {
      const window = computeLiveWindow(this.playlists[level] as MediaPlaylist, elapsedMs, {
        segmentsInWindow: SIM_LIVE_SEGMENTS_IN_WINDOW,
      });
      text = renderLivePlaylist(window, {
        sessionStartEpochMs: performance.timeOrigin + this.sessionStartMs,
      });
      slot.texts.set(level, text);
    }
    return text;
  }

  /** What a URL names: the master, a rendition's playlist, or a rendition's segment. */
  private route(url: URL): Target | undefined {
    if (url.origin !== SIM_ORIGIN_URL) return undefined;
    const parts = url.pathname.split('/').filter((part) => part !== '');
    let live: boolean;
    let rest: string[];
    if (parts[0] === 'vod') {
      live = false;
      rest = parts.slice(1);
    } else if (
      parts[0] === 'live' &&
      parts.length > 2 &&
      /^[A-Za-z0-9._~-]{1,128}$/.test(parts[1] ?? '')
    ) {
      live = true;
      rest = parts.slice(2);
    } else {
      return undefined;
    }
    if (rest[0] !== SIM_STREAM) return undefined;
    if (rest.length === 2 && rest[1] === 'master.m3u8') return { live, level: -1, master: true };
    if (rest.length !== 3) return undefined;
    const level = SIM_LADDER.findIndex((rendition) => rendition.name === rest[1]);
    if (level === -1) return undefined;
    if (rest[2] === 'index.m3u8') return { live, level };
    const match = /^seg_(\d{3,})\.ts$/.exec(rest[2] ?? '');
    const index = match ? Number(match[1]) : NaN;
    if (!(index >= 0 && index < (this.sizes[level]?.length ?? 0))) return undefined;
    return { live, level, segment: index };
  }

  /** The origin's answer to `url` at `nowMs`. */
  private answer(url: URL, range: string | undefined, nowMs: number): Answer {
    const target = this.route(url);
    if (!target) return notFound();
    if (target.segment === undefined) {
      const text = target.master
        ? this.masterText
        : target.live
          ? this.livePlaylistText(target.level, nowMs - this.sessionStartMs)
          : (this.vodTexts[target.level] ?? '');
      const body = textBytes(text);
      return {
        status: 200,
        body,
        kind: 'playlist',
        headers: {
          'content-type': contentTypeFor(url.pathname),
          'content-length': String(body.byteLength),
          'cache-control': 'no-cache',
        },
      };
    }
    const data = this.segmentBytes(target.level, target.segment, target.live ? nowMs : undefined);
    const segmentKey = this.segmentKey(target, target.segment, nowMs);
    const headers: Record<string, string> = {
      'content-type': contentTypeFor(url.pathname),
      'accept-ranges': 'bytes',
    };
    const wanted = parseRangeHeader(range, data.byteLength);
    if (wanted.kind === 'unsatisfiable') {
      const body = textBytes('Range not satisfiable\n');
      return {
        status: 416,
        body,
        kind: 'other',
        headers: {
          'content-range': `bytes */${data.byteLength}`,
          'content-length': String(body.byteLength),
        },
      };
    }
    if (wanted.kind === 'partial') {
      const body = data.subarray(wanted.range.start, wanted.range.end);
      return {
        status: 206,
        body,
        kind: 'segment',
        segmentKey,
        headers: {
          ...headers,
          'content-range': contentRange(wanted.range, data.byteLength),
          'content-length': String(body.byteLength),
        },
      };
    }
    return {
      status: 200,
      body: data,
      kind: 'segment',
      segmentKey,
      headers: { ...headers, 'content-length': String(data.byteLength) },
    };
  }

  /**
   * The bytes of a segment, generated on first use and cached within the byte budget; a live
   * request (`liveNowMs`) also drops cached segments that are out of the live window then.
   */
  private segmentBytes(level: number, index: number, liveNowMs: number | undefined): Buffer {
    const key = `${level}/${index}`;
    const cached = this.cache.get(key);
    if (cached) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    if (liveNowMs !== undefined) this.dropOutsideWindow(liveNowMs);
    const size = this.sizes[level]?.[index] ?? TS_PACKET_BYTES;
    const data = syntheticTsSegment(level * 100_000 + index + 1, size / TS_PACKET_BYTES);
    this.cache.set(key, data);
    this.cachedBytes += data.byteLength;
    for (const [oldKey, old] of this.cache) {
      if (this.cachedBytes <= this.cacheBudgetBytes || oldKey === key) break;
      this.cache.delete(oldKey);
      this.cachedBytes -= old.byteLength;
    }
    return data;
  }

  /** Drops cached segments more than a window behind (or ahead of) the live window at `nowMs`. */
  private dropOutsideWindow(nowMs: number): void {
    const count = this.sizes[0]?.length ?? 1;
    const newest = this.publishedPositions(nowMs - this.sessionStartMs) - 1;
    // Keep two windows: viewers a little behind the edge still fetch the older ones.
    const keep = new Set<number>();
    for (let back = 0; back < 2 * SIM_LIVE_SEGMENTS_IN_WINDOW; back++) {
      keep.add((((newest - back) % count) + count) % count);
    }
    for (const [key, data] of this.cache) {
      const index = Number(key.slice(key.indexOf('/') + 1));
      if (keep.has(index)) continue;
      this.cache.delete(key);
      this.cachedBytes -= data.byteLength;
    }
  }
}

function notFound(): Answer {
  const body = textBytes('Not found\n');
  return {
    status: 404,
    body,
    kind: 'other',
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(body.byteLength),
    },
  };
}

/** The VOD media playlist of one rendition, as ffmpeg's HLS muxer writes it for generate.sh. */
function vodPlaylist(count: number): MediaPlaylist {
  const segments: MediaPlaylistSegment[] = Array.from({ length: count }, (_, index) => ({
    uri: `seg_${String(index).padStart(3, '0')}.ts`,
    durationSec: SIM_SEGMENT_SECONDS,
    title: '',
    discontinuity: false,
  }));
  return {
    version: 3,
    targetDurationSec: SIM_SEGMENT_SECONDS,
    mediaSequence: 0,
    discontinuitySequence: 0,
    playlistType: 'VOD',
    independentSegments: false,
    endList: true,
    segments,
  };
}

function renderVodPlaylist(playlist: MediaPlaylist): string {
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${playlist.version}`,
    `#EXT-X-TARGETDURATION:${playlist.targetDurationSec}`,
    `#EXT-X-MEDIA-SEQUENCE:${playlist.mediaSequence}`,
    `#EXT-X-PLAYLIST-TYPE:${playlist.playlistType ?? 'VOD'}`,
  ];
  for (const segment of playlist.segments) {
    lines.push(`#EXTINF:${segment.durationSec.toFixed(6)},${segment.title}`, segment.uri);
  }
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** The master playlist generate.sh writes, BANDWIDTH measured from the segment sizes. */
function renderMaster(sizes: readonly (readonly number[])[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:4', '#EXT-X-INDEPENDENT-SEGMENTS'];
  SIM_LADDER.forEach((rendition, level) => {
    const levelSizes = sizes[level] ?? [];
    const peak = Math.max(...levelSizes.map((bytes) => (bytes * 8) / SIM_SEGMENT_SECONDS));
    const totalBits = levelSizes.reduce((sum, bytes) => sum + bytes * 8, 0);
    const average = totalBits / (levelSizes.length * SIM_SEGMENT_SECONDS);
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.floor(peak)},AVERAGE-BANDWIDTH=${Math.floor(average)},` +
        `RESOLUTION=${rendition.width}x${rendition.height},FRAME-RATE=${FRAME_RATE}.000,` +
        `CODECS="${CODECS}",CLOSED-CAPTIONS=NONE`,
      `${rendition.name}/index.m3u8`,
    );
  });
  return `${lines.join('\n')}\n`;
}
