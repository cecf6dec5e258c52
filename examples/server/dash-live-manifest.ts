/**
 * Live DASH simulated from a VOD MPD: the MPD becomes dynamic, with an `availabilityStartTime` a
 * full window before the session started (so a viewer can start at once, as with live HLS), a
 * `timeShiftBufferDepth` of the window, and a `minimumUpdatePeriod` of one segment.
 * - `SegmentTemplate` with `@duration` (`$Number$`): unchanged; players compute which numbers exist
 *   from the availability start time and the wall clock.
 * - `SegmentTemplate` with a `SegmentTimeline` (`$Time$`): the timeline lists only the segments
 *   published so far that are still in the window, each as an explicit `<S t d>`.
 * The VOD segment files are served unchanged, so the stream lasts one pass through the VOD.
 * Meant for the MPDs examples/media/generate.sh writes (string rewriting, not a general MPD editor).
 */
import { parseIsoDurationSeconds } from '../../core/dash/mpd-addressing.js';
import type { LiveManifestContext, LiveManifestRenderer } from './live-route.js';

/** Segment duration assumed when the MPD has no `maxSegmentDuration`. */
const FALLBACK_SEGMENT_SECONDS = 2;

/** One `<S>` entry expanded: start and duration in timescale units. */
interface TimelineEntry {
  readonly t: number;
  readonly d: number;
}

function attribute(attributes: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1];
}

/** The entries of a `SegmentTimeline` body (`<S t d r />` elements), expanded. */
export function expandSegmentTimeline(body: string): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let next = 0;
  for (const match of body.matchAll(/<S\b([^>]*)\/?>/g)) {
    const attributes = match[1] ?? '';
    const t = attribute(attributes, 't');
    const d = Number(attribute(attributes, 'd'));
    const r = Number(attribute(attributes, 'r') ?? 0);
    if (!(d > 0)) continue;
    let start = t === undefined ? next : Number(t);
    for (let i = 0; i <= r; i++) {
      entries.push({ t: start, d });
      start += d;
    }
    next = start;
  }
  return entries;
}

function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** The MPD root element's opening tag with live attributes instead of VOD ones. */
function liveRootTag(
  tag: string,
  context: LiveManifestContext,
  windowSeconds: number,
  segmentSeconds: number,
  availabilityStartMs: number,
): string {
  let rewritten = tag
    .replace(/\stype="static"/, ' type="dynamic"')
    .replace(/\smediaPresentationDuration="[^"]*"/, '')
    .replace(
      /\s(availabilityStartTime|publishTime|minimumUpdatePeriod|timeShiftBufferDepth)="[^"]*"/g,
      '',
    );
  const live =
    ` availabilityStartTime="${isoDate(availabilityStartMs)}"` +
    ` publishTime="${isoDate(context.sessionStartMs + context.elapsedMs)}"` +
    ` minimumUpdatePeriod="PT${segmentSeconds}S"` +
    ` timeShiftBufferDepth="PT${windowSeconds}S"`;
  rewritten = rewritten.replace(/\s*>$/, `${live}>`);
  return rewritten;
}

/** Renders the live MPD of the moment from the VOD MPD. */
export const renderDashLiveManifest: LiveManifestRenderer = (context) => {
  const { vodText } = context;
  const rootMatch = /<MPD\b[^>]*>/.exec(vodText);
  if (!rootMatch) return vodText;
  const segmentSeconds =
    parseIsoDurationSeconds(attribute(rootMatch[0], 'maxSegmentDuration') ?? null) ||
    FALLBACK_SEGMENT_SECONDS;
  const windowSeconds = context.segmentsInWindow * segmentSeconds;
  const availabilityStartMs = context.sessionStartMs - windowSeconds * 1000;
  /** Media time published so far, in seconds since the availability start. */
  const publishedSeconds = (context.elapsedMs + windowSeconds * 1000) / 1000;

  let text = vodText.replace(
    rootMatch[0],
    liveRootTag(rootMatch[0], context, windowSeconds, segmentSeconds, availabilityStartMs),
  );
  text = text.replace(
    /(<SegmentTemplate\b([^>]*)>\s*<SegmentTimeline>)([\s\S]*?)(<\/SegmentTimeline>)/g,
    (_whole, open: string, attributes: string, body: string, close: string) => {
      const timescale = Number(attribute(attributes, 'timescale') ?? 1) || 1;
      const offset = Number(attribute(attributes, 'presentationTimeOffset') ?? 0) || 0;
      const available = expandSegmentTimeline(body).filter(
        (entry) => (entry.t - offset + entry.d) / timescale <= publishedSeconds,
      );
      const listed = available.slice(-context.segmentsInWindow);
      const entries = listed.map((entry) => `<S t="${entry.t}" d="${entry.d}" />`).join('');
      return `${open}${entries}${close}`;
    },
  );
  return text;
};
