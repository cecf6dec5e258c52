/**
 * The media segments a DASH MPD references, for the generator and the demo origin's live hash
 * manifests: SegmentTemplate (`$Number$` with `@duration`, or a SegmentTimeline with `$Time$` or
 * `$Number$`), SegmentList (SegmentURL, with `@mediaRange`), and SegmentBase (one file per
 * Representation, ranges read from its `sidx`). Each segment carries its media time, so a live
 * window can list only the segments published so far. Keys are the expanded URLs relative to the
 * manifest's folder, as a player builds them.
 *
 * Reads the MPD with regular expressions (no XML library in Node): meant for packager output
 * (ffmpeg, Shaka Packager, GPAC), one Period per MPD is typical; several Periods are supported when
 * each has a `@start`. Initialization segments are left out (they never travel between peers).
 */
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSidx } from './sidx.js';
import { resolveSegmentUri, type ScanResult, type SegmentReference } from './segment-reference.js';

/** Most segments one Representation may expand to (a 24 h stream of 1 s segments is 86 400). */
export const MAX_SEGMENTS_PER_REPRESENTATION = 1_000_000;

/** Parses an ISO 8601 duration (`PT1H2M3.5S`) into seconds; undefined when absent or malformed. */
export function isoDurationSec(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text.trim(),
    );
  if (match === null) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(days) * 86400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) {
    attributes.set(match[1] ?? '', unescapeXml(match[2] ?? ''));
  }
  return attributes;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Elements `<name ...>...</name>` or `<name .../>` directly in `xml` (same-name nesting unsupported). */
function elements(
  xml: string,
  name: string,
): { attributes: Map<string, string>; body: string; whole: string }[] {
  const found = [];
  const pattern = new RegExp(`<${name}\\b([^>]*?)(/>|>([\\s\\S]*?)</${name}\\s*>)`, 'g');
  for (const match of xml.matchAll(pattern)) {
    found.push({ attributes: attributesOf(match[1] ?? ''), body: match[3] ?? '', whole: match[0] });
  }
  return found;
}

function baseUrlOf(body: string): string | undefined {
  const text = /<BaseURL\b[^>]*>([^<]*)<\/BaseURL>/.exec(body)?.[1]?.trim();
  return text === undefined || text === '' ? undefined : unescapeXml(text);
}

/** `SegmentTemplate@media` with the identifiers substituted. */
export function expandTemplate(
  template: string,
  values: { representationId: string; bandwidth?: string; number: number; time: number },
): string {
  return template.replace(
    /\$(RepresentationID|Number|Time|Bandwidth)(?:%0(\d+)d)?\$|\$\$/g,
    (_whole, name: string | undefined, width: string | undefined) => {
      if (name === undefined) return '$';
      const raw =
        name === 'RepresentationID'
          ? values.representationId
          : name === 'Bandwidth'
            ? (values.bandwidth ?? '')
            : String(name === 'Number' ? values.number : values.time);
      return width === undefined ? raw : raw.padStart(Number(width), '0');
    },
  );
}

interface TimelineEntry {
  readonly t: number;
  readonly d: number;
}

function expandTimeline(body: string, endTime: number | undefined): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let next = 0;
  for (const s of elements(body, 'S')) {
    const t = s.attributes.get('t');
    const d = Number(s.attributes.get('d'));
    let r = Number(s.attributes.get('r') ?? 0);
    if (!(d > 0)) continue;
    let start = t === undefined ? next : Number(t);
    if (r < 0) r = endTime === undefined ? 0 : Math.ceil((endTime - start) / d) - 1;
    for (let i = 0; i <= r; i++) {
      entries.push({ t: start, d });
      start += d;
      if (entries.length > MAX_SEGMENTS_PER_REPRESENTATION)
        throw new Error('SegmentTimeline too long');
    }
    next = start;
  }
  return entries;
}

/** Context of one Representation: its merged addressing and where its URLs resolve. */
interface RepresentationContext {
  readonly id: string;
  /** `<Period index>/<id>`, carried by every segment. */
  readonly representation: string;
  readonly bandwidth?: string;
  /** Path the Representation's URLs resolve against (the MPD, or a file inside a BaseURL folder). */
  readonly documentPath: string;
  readonly baseUrl?: string;
  readonly periodStartSec: number;
  readonly periodDurationSec?: number;
  /** Merged SegmentTemplate attributes (AdaptationSet, then Representation) and timeline body. */
  readonly template?: { attributes: Map<string, string>; timeline?: string };
  readonly list?: { attributes: Map<string, string>; body: string };
  readonly base?: Map<string, string>;
}

async function representationSegments(
  context: RepresentationContext,
  manifestDir: string,
  skipped: string[],
): Promise<SegmentReference[]> {
  const resolve = (uri: string) => {
    const resolved = resolveSegmentUri(uri, context.documentPath, manifestDir);
    if (resolved === undefined) skipped.push(uri);
    return resolved;
  };
  const segments: SegmentReference[] = [];
  if (context.template !== undefined) {
    const attributes = context.template.attributes;
    const media = attributes.get('media');
    if (media === undefined) return [];
    const timescale = Number(attributes.get('timescale') ?? 1) || 1;
    const offset = Number(attributes.get('presentationTimeOffset') ?? 0) || 0;
    const startNumber = Number(attributes.get('startNumber') ?? 1);
    const add = (number: number, time: number, duration: number) => {
      const resolved = resolve(
        expandTemplate(media, {
          representationId: context.id,
          ...(context.bandwidth === undefined ? {} : { bandwidth: context.bandwidth }),
          number,
          time,
        }),
      );
      if (resolved === undefined) return;
      // Both ends from integer ticks (not start + duration in seconds): a live window compares
      // them with published time, and must agree with the MPD renderer to the last bit.
      const startSec = context.periodStartSec + (time - offset) / timescale;
      const endSec = context.periodStartSec + (time - offset + duration) / timescale;
      segments.push({ ...resolved, startSec, endSec, representation: context.representation });
    };
    if (context.template.timeline !== undefined) {
      const endTime =
        context.periodDurationSec === undefined
          ? undefined
          : offset + context.periodDurationSec * timescale;
      expandTimeline(context.template.timeline, endTime).forEach((entry, index) => {
        add(startNumber + index, entry.t, entry.d);
      });
    } else {
      const duration = Number(attributes.get('duration'));
      if (!(duration > 0))
        throw new Error(
          `Representation ${context.id}: SegmentTemplate without duration or timeline`,
        );
      if (context.periodDurationSec === undefined) {
        throw new Error(
          `Representation ${context.id}: no presentation duration to count $Number$ segments`,
        );
      }
      const count = Math.ceil(context.periodDurationSec / (duration / timescale) - 1e-9);
      if (count > MAX_SEGMENTS_PER_REPRESENTATION)
        throw new Error(`Representation ${context.id}: too many segments`);
      for (let i = 0; i < count; i++) add(startNumber + i, offset + i * duration, duration);
    }
    return segments;
  }
  if (context.list !== undefined) {
    const timescale = Number(context.list.attributes.get('timescale') ?? 1) || 1;
    const duration = Number(context.list.attributes.get('duration') ?? 0);
    elements(context.list.body, 'SegmentURL').forEach((segmentUrl, index) => {
      const uri = segmentUrl.attributes.get('media') ?? context.baseUrl;
      if (uri === undefined) return;
      const resolved = resolve(uri);
      if (resolved === undefined) return;
      const range = /^(\d+)-(\d+)$/.exec(segmentUrl.attributes.get('mediaRange') ?? '');
      const startSec = context.periodStartSec + (index * duration) / timescale;
      const endSec = context.periodStartSec + ((index + 1) * duration) / timescale;
      segments.push({
        ...resolved,
        ...(range === null
          ? {}
          : { byteRange: { start: Number(range[1]), end: Number(range[2]) + 1 } }),
        startSec,
        endSec,
        representation: context.representation,
      });
    });
    return segments;
  }
  if (context.base !== undefined && context.baseUrl !== undefined) {
    const indexRange = /^(\d+)-(\d+)$/.exec(context.base.get('indexRange') ?? '');
    const resolved = resolve(context.baseUrl);
    if (indexRange === null || resolved === undefined) return [];
    const start = Number(indexRange[1]);
    const end = Number(indexRange[2]) + 1;
    const file = await open(resolved.filePath, 'r');
    let bytes: Uint8Array;
    try {
      const buffer = Buffer.alloc(end - start);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
    for (const subsegment of parseSidx(bytes, start)) {
      segments.push({
        ...resolved,
        byteRange: { start: subsegment.start, end: subsegment.end },
        startSec: context.periodStartSec + subsegment.startSec,
        endSec: context.periodStartSec + subsegment.endSec,
        representation: context.representation,
      });
    }
  }
  return segments;
}

/** Representation body without nested Representations (for AdaptationSet-level elements). */
function withoutRepresentations(body: string): string {
  return body.replace(/<Representation\b[\s\S]*?(<\/Representation\s*>|\/>)/g, '');
}

function templateOf(
  xml: string,
  inherited?: { attributes: Map<string, string>; timeline?: string },
): { attributes: Map<string, string>; timeline?: string } | undefined {
  const [template] = elements(xml, 'SegmentTemplate');
  if (template === undefined) return inherited;
  const attributes = new Map([...(inherited?.attributes ?? []), ...template.attributes]);
  const timeline = /<SegmentTimeline\b[^>]*>([\s\S]*?)<\/SegmentTimeline>/.exec(template.body)?.[1];
  const merged = timeline ?? inherited?.timeline;
  return merged === undefined ? { attributes } : { attributes, timeline: merged };
}

/**
 * Segments referenced by the MPD at `mpdPath`, with keys relative to `manifestDir`, Representation
 * after Representation. Reads the `sidx` of SegmentBase files.
 * @throws on unreadable files or MPDs it cannot expand (a `$Number$` template without a duration)
 */
export async function scanMpd(mpdPath: string, manifestDir: string): Promise<ScanResult> {
  return scanMpdText(await readFile(mpdPath, 'utf8'), mpdPath, manifestDir);
}

/** {@link scanMpd} of MPD text already read (`mpdPath` still locates its files). */
export async function scanMpdText(
  text: string,
  mpdPath: string,
  manifestDir: string,
): Promise<ScanResult> {
  const root = /<MPD\b[^>]*>/.exec(text);
  if (root === null) throw new Error(`${mpdPath}: no <MPD> element`);
  const presentationSec = isoDurationSec(attributesOf(root[0]).get('mediaPresentationDuration'));
  const periods = elements(text, 'Period');
  const skipped: string[] = [];
  const segments: SegmentReference[] = [];
  for (const [periodIndex, period] of periods.entries()) {
    const periodStartSec = isoDurationSec(period.attributes.get('start')) ?? 0;
    const nextStart = isoDurationSec(periods[periodIndex + 1]?.attributes.get('start'));
    const periodEnd = nextStart ?? presentationSec;
    const periodDurationSec =
      isoDurationSec(period.attributes.get('duration')) ??
      (periodEnd === undefined ? undefined : periodEnd - periodStartSec);
    for (const adaptationSet of elements(period.body, 'AdaptationSet')) {
      const setLevel = withoutRepresentations(adaptationSet.body);
      const setTemplate = templateOf(setLevel);
      const setList = elements(setLevel, 'SegmentList')[0];
      const setBase = elements(setLevel, 'SegmentBase')[0];
      const setBaseUrl = baseUrlOf(setLevel);
      for (const representation of elements(adaptationSet.body, 'Representation')) {
        const id = representation.attributes.get('id') ?? '';
        const ownBaseUrl = baseUrlOf(representation.body);
        // Folder BaseURLs (ending in `/`) move where the Representation's URLs resolve; a file
        // BaseURL names the SegmentBase file.
        let folder = path.dirname(mpdPath);
        for (const level of [setBaseUrl, ownBaseUrl]) {
          if (level?.endsWith('/') === true) folder = path.join(folder, level);
        }
        const documentPath = path.join(folder, path.basename(mpdPath));
        const list = elements(representation.body, 'SegmentList')[0] ?? setList;
        const base = elements(representation.body, 'SegmentBase')[0] ?? setBase;
        const template = templateOf(representation.body, setTemplate);
        const bandwidth = representation.attributes.get('bandwidth');
        const baseUrl = [ownBaseUrl, setBaseUrl].find(
          (level) => level !== undefined && !level.endsWith('/'),
        );
        segments.push(
          ...(await representationSegments(
            {
              id,
              representation: `${periodIndex}/${id}`,
              documentPath,
              periodStartSec,
              ...(bandwidth === undefined ? {} : { bandwidth }),
              ...(baseUrl === undefined ? {} : { baseUrl }),
              ...(periodDurationSec === undefined ? {} : { periodDurationSec }),
              ...(template === undefined ? {} : { template }),
              ...(template === undefined && list !== undefined
                ? { list: { attributes: list.attributes, body: list.body } }
                : {}),
              ...(template === undefined && list === undefined && base !== undefined
                ? { base: base.attributes }
                : {}),
            },
            manifestDir,
            skipped,
          )),
        );
      }
    }
  }
  return { segments, skipped };
}
