/**
 * DASH MPDs as the virtual Shaka viewer reads them, in Node (which has no DOMParser): a small XML
 * element reader, the MPD's live timing attributes, and the Representations of its first Period
 * with `SegmentTemplate` addressing (`$Number$` with `@duration`, or a `SegmentTimeline` with
 * `$Time$` or `$Number$`) — what the origin's test streams (`dash-number`, `dash-timeline`, live
 * and VOD) use. `SegmentList`/`SegmentBase` and multi-Period MPDs are refused with a typed error.
 *
 * Segment identities are the library's own: each Representation's addressing comes from core's
 * `readMpdAddressing` (fed this reader's elements through the few DOM members it reads) and each
 * segment's id from `dashSegmentId`, exactly as the Shaka adapter names them
 * (adapters/shaka/segment-mapper.ts), so virtual and Chromium Shaka viewers share swarms. Which
 * segments a live `$Number$` stream lists at a moment follows Shaka's SegmentTemplate rules
 * (lib/dash/segment_template.js, lib/media/presentation_timeline.js of Shaka 5.2.12).
 */
import {
  dashSegmentId,
  parseIsoDurationSeconds,
  readMpdAddressing,
  type RepresentationAddressing,
} from '../../../core/dash/index.js';
import { VirtualViewerError } from './viewer-error.js';

/** One XML element: the DOM members core's `readMpdAddressing` reads, and no more. */
export class XmlElement {
  /** Child elements in document order. */
  readonly children: XmlElement[] = [];
  /** Attributes in document order (`Array.from(element.attributes)` works on it). */
  readonly attributes: { readonly name: string; readonly value: string }[] = [];

  /** @param tagName - the qualified name, e.g. `SegmentTemplate` or `cenc:pssh` */
  constructor(readonly tagName: string) {}

  /** The name without namespace prefix. */
  get localName(): string {
    const colon = this.tagName.indexOf(':');
    return colon === -1 ? this.tagName : this.tagName.slice(colon + 1);
  }

  /** The attribute's value, or null (DOM semantics). */
  getAttribute(name: string): string | null {
    return this.attributes.find((attribute) => attribute.name === name)?.value ?? null;
  }

  /** Child elements named `localName`. */
  childrenNamed(localName: string): XmlElement[] {
    return this.children.filter((child) => child.localName === localName);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

/**
 * The root element of an XML document: elements and attributes only (text, comments, processing
 * instructions, doctype and CDATA are skipped).
 * @throws VirtualViewerError `playlist-parse` for malformed markup
 */
export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (message: string): never => {
    throw new VirtualViewerError('playlist-parse', `Malformed XML: ${message}`);
  };
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('<', index);
    if (open === -1) break;
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      if (end === -1) fail('unterminated comment');
      index = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', open)) {
      const end = text.indexOf(']]>', open + 9);
      if (end === -1) fail('unterminated CDATA');
      index = end + 3;
      continue;
    }
    if (text.startsWith('<?', open) || text.startsWith('<!', open)) {
      const end = text.indexOf('>', open + 2);
      if (end === -1) fail('unterminated declaration');
      index = end + 1;
      continue;
    }
    if (text.startsWith('</', open)) {
      const end = text.indexOf('>', open + 2);
      if (end === -1) fail('unterminated end tag');
      const name = text.slice(open + 2, end).trim();
      const top = stack.pop();
      if (!top || top.tagName !== name) fail(`unexpected </${name}>`);
      index = end + 1;
      continue;
    }
    const tag = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(
      text.slice(open, open + 65_536),
    );
    if (!tag) return fail(`bad tag at ${open}`);
    const element = new XmlElement(tag[1] ?? '');
    for (const attribute of (tag[2] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      element.attributes.push({
        name: attribute[1] ?? '',
        value: decodeEntities(attribute[2] ?? attribute[3] ?? ''),
      });
    }
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) fail('more than one root element');
    else root = element;
    if (tag[3] !== '/') stack.push(element);
    index = open + tag[0].length;
  }
  if (!root) return fail('no root element');
  if (stack.length > 0) fail(`unclosed <${stack.at(-1)?.tagName ?? ''}>`);
  return root;
}

/** One `<S>` of a SegmentTimeline, expanded: start and duration in timescale units. */
export interface TimelineEntry {
  readonly t: number;
  readonly d: number;
}

/** A Representation of the MPD with what the model needs to list and name its segments. */
export interface DashRepresentation {
  /** `Representation@id`. */
  readonly id: string;
  /** `video` (the engine's `main`) or `audio`. */
  readonly type: 'video' | 'audio';
  /** `@bandwidth`, bits/s (0 when absent). */
  readonly bandwidthBps: number;
  /** core's addressing of this Representation (what segment ids derive from). */
  readonly addressing: RepresentationAddressing;
  /** Absolute URL of its initialization segment, if it has one. */
  readonly initUrl?: string;
  /** `SegmentTemplate@media` (not yet filled in) and the URL it resolves against. */
  readonly mediaTemplate: string;
  readonly baseUrl: string;
  /** `@timescale` (1 when absent, as DASH says), `@startNumber` (1), `@presentationTimeOffset`. */
  readonly timescale: number;
  readonly startNumber: number;
  readonly presentationTimeOffset: number;
  /** `@duration` in seconds (template without timeline), else undefined. */
  readonly segmentDurationSeconds?: number;
  /** The SegmentTimeline, expanded, else undefined. */
  readonly timeline?: readonly TimelineEntry[];
}

/** An MPD at one load. Times in seconds; `availabilityStartMs` on the wall clock (epoch ms). */
export interface MpdSnapshot {
  /** `@type="dynamic"`. */
  readonly isLive: boolean;
  readonly availabilityStartMs: number | undefined;
  readonly timeShiftBufferDepthSeconds: number | undefined;
  readonly suggestedPresentationDelaySeconds: number | undefined;
  readonly minBufferTimeSeconds: number;
  readonly maxSegmentDurationSeconds: number | undefined;
  readonly minimumUpdatePeriodSeconds: number | undefined;
  /** `@mediaPresentationDuration` (or the Period's `@duration`), undefined when absent. */
  readonly durationSeconds: number | undefined;
  /** `Period@start`. */
  readonly periodStartSeconds: number;
  /** Video and audio Representations, in MPD order. */
  readonly representations: readonly DashRepresentation[];
}

/** A segment reference as Shaka lists it, with the engine's id. */
export interface DashSegmentRef {
  /** The engine's segment id (core's `dashSegmentId`: `$Number$`, else `$Time$`). */
  readonly id: number;
  /** Absolute URL. */
  readonly url: string;
  /** Start and end on the presentation timeline, seconds. */
  readonly startTime: number;
  readonly endTime: number;
}

function optionalDuration(element: XmlElement, name: string): number | undefined {
  const value = element.getAttribute(name);
  return value === null ? undefined : parseIsoDurationSeconds(value);
}

/** Expands the `<S t d r>` entries of a SegmentTimeline (`r` = -1 is not supported). */
export function expandTimeline(timeline: XmlElement): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let next = 0;
  for (const s of timeline.childrenNamed('S')) {
    const d = Number(s.getAttribute('d'));
    const r = Number(s.getAttribute('r') ?? 0);
    const t = s.getAttribute('t');
    if (!(d > 0) || !Number.isInteger(r) || r < 0) continue;
    let start = t === null ? next : Number(t);
    for (let i = 0; i <= r; i++) {
      entries.push({ t: start, d });
      start += d;
    }
    next = start;
  }
  return entries;
}

function resolve(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    throw new VirtualViewerError('playlist-parse', `Bad URL "${url}" (base ${base})`);
  }
}

/** `SegmentTemplate` identifiers filled in (`$RepresentationID$`, `$Number%05d$`, `$Time$`…). */
export function fillTemplate(
  template: string,
  values: { representationId: string; number?: number; time?: number; bandwidth?: number },
): string {
  return template.replace(
    /\$(RepresentationID|Number|Time|Bandwidth)(?:%0(\d+)d)?\$|\$\$/g,
    (whole, name: string | undefined, width: string | undefined) => {
      if (name === undefined) return '$';
      const value =
        name === 'RepresentationID'
          ? values.representationId
          : name === 'Number'
            ? values.number
            : name === 'Time'
              ? values.time
              : values.bandwidth;
      if (value === undefined) return whole;
      return String(value).padStart(width === undefined ? 0 : Number(width), '0');
    },
  );
}

/**
 * Parses an MPD fetched from `mpdUrl` (its final URL after redirects).
 * @throws VirtualViewerError `playlist-parse` for XML errors and addressing the model does not
 *   cover (SegmentList, SegmentBase, BaseURL elements, several Periods)
 */
export function parseMpd(text: string, mpdUrl: string): MpdSnapshot {
  const root = parseXml(text);
  if (root.localName !== 'MPD') {
    throw new VirtualViewerError('playlist-parse', `Not an MPD (root <${root.tagName}>)`);
  }
  const periods = root.childrenNamed('Period');
  const period = periods[0];
  if (!period || periods.length > 1) {
    throw new VirtualViewerError('playlist-parse', 'Only single-Period MPDs are modelled');
  }
  const hasBaseUrl = [root, period, ...period.childrenNamed('AdaptationSet')].some(
    (element) =>
      element.childrenNamed('BaseURL').length > 0 ||
      element.childrenNamed('Representation').some((r) => r.childrenNamed('BaseURL').length > 0),
  );
  if (hasBaseUrl) {
    throw new VirtualViewerError('playlist-parse', 'MPDs with BaseURL elements are not modelled');
  }
  // core's rule, fed this reader's elements (it reads documentElement, children, localName,
  // getAttribute and attributes only).
  const addressingById = readMpdAddressing({ documentElement: root } as unknown as Document);
  const periodStartSeconds = parseIsoDurationSeconds(period.getAttribute('start'));
  const representations: DashRepresentation[] = [];
  for (const set of period.childrenNamed('AdaptationSet')) {
    for (const representation of set.childrenNamed('Representation')) {
      const id = representation.getAttribute('id');
      const addressing = id === null ? undefined : addressingById.get(id);
      if (id === null || !addressing) continue;
      const contentType =
        set.getAttribute('contentType') ??
        set.getAttribute('mimeType') ??
        representation.getAttribute('mimeType') ??
        '';
      const type = contentType.startsWith('audio')
        ? 'audio'
        : contentType.startsWith('video')
          ? 'video'
          : undefined;
      if (type === undefined) continue;
      if (addressing.mode !== 'template') {
        throw new VirtualViewerError(
          'playlist-parse',
          `Representation ${id}: only SegmentTemplate addressing is modelled (${addressing.mode})`,
        );
      }
      // SegmentTemplate attributes inherit Period -> AdaptationSet -> Representation.
      const attributes = new Map<string, string>();
      let timelineElement: XmlElement | undefined;
      for (const level of [period, set, representation]) {
        const template = level.childrenNamed('SegmentTemplate')[0];
        if (!template) continue;
        for (const attribute of template.attributes)
          attributes.set(attribute.name, attribute.value);
        timelineElement = template.childrenNamed('SegmentTimeline')[0] ?? timelineElement;
      }
      const media = attributes.get('media');
      if (media === undefined) continue;
      const timescale = Number(attributes.get('timescale') ?? 1) || 1;
      const bandwidthBps = Number(representation.getAttribute('bandwidth') ?? 0) || 0;
      const init = attributes.get('initialization');
      const durationUnits = Number(attributes.get('duration'));
      const base = mpdUrl;
      representations.push({
        id,
        type,
        bandwidthBps,
        addressing,
        ...(init === undefined
          ? {}
          : {
              initUrl: resolve(
                fillTemplate(init, { representationId: id, bandwidth: bandwidthBps }),
                base,
              ),
            }),
        mediaTemplate: media,
        baseUrl: base,
        timescale,
        startNumber: Number(attributes.get('startNumber') ?? 1) || 0,
        presentationTimeOffset: Number(attributes.get('presentationTimeOffset') ?? 0) || 0,
        ...(timelineElement
          ? { timeline: expandTimeline(timelineElement) }
          : durationUnits > 0
            ? { segmentDurationSeconds: durationUnits / timescale }
            : {}),
      });
    }
  }
  const availabilityStart = root.getAttribute('availabilityStartTime');
  const availabilityStartMs =
    availabilityStart === null ? undefined : Date.parse(availabilityStart);
  return {
    isLive: root.getAttribute('type') === 'dynamic',
    availabilityStartMs:
      availabilityStartMs === undefined || Number.isNaN(availabilityStartMs)
        ? undefined
        : availabilityStartMs,
    timeShiftBufferDepthSeconds: optionalDuration(root, 'timeShiftBufferDepth'),
    suggestedPresentationDelaySeconds: optionalDuration(root, 'suggestedPresentationDelay'),
    minBufferTimeSeconds: optionalDuration(root, 'minBufferTime') ?? 0,
    maxSegmentDurationSeconds: optionalDuration(root, 'maxSegmentDuration'),
    minimumUpdatePeriodSeconds: optionalDuration(root, 'minimumUpdatePeriod'),
    durationSeconds:
      optionalDuration(root, 'mediaPresentationDuration') ?? optionalDuration(period, 'duration'),
    periodStartSeconds,
    representations,
  };
}

/** A reference of `representation` with its URL filled in and its id from core's rule. */
function reference(
  representation: DashRepresentation,
  values: { number?: number; time?: number },
  startTime: number,
  endTime: number,
): DashSegmentRef | undefined {
  const url = resolve(
    fillTemplate(representation.mediaTemplate, {
      representationId: representation.id,
      bandwidth: representation.bandwidthBps,
      ...values,
    }),
    representation.baseUrl,
  );
  const id = dashSegmentId(representation.addressing, url, startTime);
  return id === undefined ? undefined : { id, url, startTime, endTime };
}

/**
 * The segments of a SegmentTimeline Representation as listed in one MPD (live: the window the
 * origin published), start times on the presentation timeline.
 */
export function timelineSegments(
  representation: DashRepresentation,
  periodStartSeconds: number,
): DashSegmentRef[] {
  const refs: DashSegmentRef[] = [];
  const { timescale, presentationTimeOffset: pto, startNumber } = representation;
  (representation.timeline ?? []).forEach((entry, index) => {
    const ref = reference(
      representation,
      { time: entry.t, number: startNumber + index },
      periodStartSeconds + (entry.t - pto) / timescale,
      periodStartSeconds + (entry.t + entry.d - pto) / timescale,
    );
    if (ref) refs.push(ref);
  });
  return refs;
}

/**
 * The segments of a `$Number$`/`@duration` Representation that Shaka lists when its segment index
 * is computed with the presentation's availability window `[availabilityStart, availabilityEnd]`
 * (seconds on the presentation timeline; VOD: 0 and the duration): positions from
 * ceil(start / d) to ceil(end / d) - 1 of the Period (Shaka's `computeAvailablePositionRange`).
 */
export function numberedSegments(
  representation: DashRepresentation,
  periodStartSeconds: number,
  availabilityStartSeconds: number,
  availabilityEndSeconds: number,
  periodEndSeconds = Infinity,
): DashSegmentRef[] {
  const d = representation.segmentDurationSeconds;
  if (d === undefined || !(d > 0)) return [];
  const from = Math.max(availabilityStartSeconds, periodStartSeconds) - periodStartSeconds;
  const to = Math.min(availabilityEndSeconds, periodEndSeconds) - periodStartSeconds;
  const first = Math.max(0, Math.ceil(from / d - 1e-9));
  const last = Math.ceil(to / d - 1e-9) - 1;
  const refs: DashSegmentRef[] = [];
  for (let position = first; position <= last; position++) {
    const startTime = periodStartSeconds + position * d;
    const endTime = Math.min(startTime + d, periodEndSeconds);
    const ref = reference(
      representation,
      {
        number: representation.startNumber + position,
        time:
          Math.round(position * d * representation.timescale) +
          representation.presentationTimeOffset,
      },
      startTime,
      endTime,
    );
    if (ref) refs.push(ref);
  }
  return refs;
}
