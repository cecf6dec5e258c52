/**
 * How each Representation of an MPD addresses its segments, read from the MPD document: what the
 * DASH segment identity rule needs (see {@link dashSegmentId}).
 */
import { compileSegmentTemplate, type CompiledTemplate } from './segment-template.js';

/** The addressing of one Representation. */
export interface RepresentationAddressing {
  /** `Representation@id`. */
  readonly representationId: string;
  /** `template` (SegmentTemplate), `list` (SegmentList) or `base` (SegmentBase / BaseURL only). */
  readonly mode: 'template' | 'list' | 'base';
  /** The compiled `SegmentTemplate@media` (template mode). */
  readonly template?: CompiledTemplate;
  /** Timescale of times in the MPD (ticks per second); 1000 when the MPD gives none. */
  readonly timescale: number;
  /** `@presentationTimeOffset`, in timescale units. */
  readonly presentationTimeOffset: number;
  /** `Period@start` in seconds. */
  readonly periodStartSeconds: number;
}

/** Timescale used when a Representation declares none, so sub-second starts stay distinct. */
export const DEFAULT_ID_TIMESCALE = 1000;

const ADDRESSING_ELEMENTS = ['SegmentTemplate', 'SegmentList', 'SegmentBase'] as const;

function childrenNamed(parent: Element, name: string): Element[] {
  return Array.from(parent.children).filter((child) => child.localName === name);
}

/** Parses an ISO 8601 duration like `PT1H2M3.5S` into seconds (0 when absent or malformed). */
export function parseIsoDurationSeconds(text: string | null): number {
  if (!text) return 0;
  const match =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text.trim(),
    );
  if (!match) return 0;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(days) * 86400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/**
 * Addressing of every Representation of `mpd`, by `Representation@id`. Addressing elements inherit
 * Period -> AdaptationSet -> Representation, attribute by attribute. With several Periods, a
 * Representation id used in more than one keeps the first Period's addressing.
 */
export function readMpdAddressing(mpd: Document): Map<string, RepresentationAddressing> {
  const result = new Map<string, RepresentationAddressing>();
  const root = mpd.documentElement;
  for (const period of childrenNamed(root, 'Period')) {
    const periodStartSeconds = parseIsoDurationSeconds(period.getAttribute('start'));
    for (const adaptationSet of childrenNamed(period, 'AdaptationSet')) {
      for (const representation of childrenNamed(adaptationSet, 'Representation')) {
        const id = representation.getAttribute('id');
        if (id === null || result.has(id)) continue;
        const levels = [period, adaptationSet, representation];
        let mode: RepresentationAddressing['mode'] = 'base';
        const attributes = new Map<string, string>();
        for (const level of levels) {
          for (const name of ADDRESSING_ELEMENTS) {
            const element = childrenNamed(level, name)[0];
            if (!element) continue;
            // SegmentBase (or no element at all) leaves the mode at 'base'.
            if (name === 'SegmentTemplate') mode = 'template';
            else if (name === 'SegmentList') mode = 'list';
            for (const attribute of Array.from(element.attributes)) {
              attributes.set(attribute.name, attribute.value);
            }
          }
        }
        const timescale = Number(attributes.get('timescale'));
        const media = attributes.get('media');
        result.set(id, {
          representationId: id,
          mode,
          ...(mode === 'template' && media ? { template: compileSegmentTemplate(media, id) } : {}),
          timescale:
            Number.isSafeInteger(timescale) && timescale > 0 ? timescale : DEFAULT_ID_TIMESCALE,
          presentationTimeOffset: Number(attributes.get('presentationTimeOffset') ?? 0) || 0,
          periodStartSeconds,
        });
      }
    }
  }
  return result;
}

/**
 * The stable id of a DASH segment: its `$Number$` when the template has one, else its `$Time$`
 * (the MPD time of its start), else (SegmentList, SegmentBase) its presentation start time in the
 * Representation's timescale: `round((start - Period@start) * timescale) + presentationTimeOffset`.
 * Undefined when no non-negative integer results (the segment then goes to HTTP unshared).
 *
 * @param addressing - the Representation's addressing
 * @param url - the segment URL the player requests
 * @param startSeconds - the segment's start on the presentation timeline, in seconds
 */
export function dashSegmentId(
  addressing: RepresentationAddressing,
  url: string,
  startSeconds: number,
): number | undefined {
  let id: number | undefined;
  if (addressing.template) {
    const match = addressing.template.match(url);
    if (!match) return undefined;
    id = match.number ?? match.time;
  }
  if (id === undefined) {
    if (!Number.isFinite(startSeconds)) return undefined;
    id =
      Math.round((startSeconds - addressing.periodStartSeconds) * addressing.timescale) +
      addressing.presentationTimeOffset;
  }
  return Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/** Stream key of a DASH Representation: `dash:<kind>:<Representation@id>`. */
export function dashStreamKey(kind: 'main' | 'audio', representationId: string): string {
  return `dash:${kind}:${representationId}`;
}
