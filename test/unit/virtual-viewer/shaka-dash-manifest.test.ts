/**
 * The virtual Shaka viewer's MPD reading: the XML reader, the origin's real test MPDs (VOD and
 * the live ones its live route renders), which segments a live `$Number$` stream lists at a
 * moment, and — the point of it all — that its stream keys and segment ids are exactly those the
 * Shaka adapter's SegmentMapper gives the same references, so virtual and Chromium Shaka viewers
 * share swarms.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SegmentMapper } from '../../../adapters/shaka/segment-mapper.js';
import type { ShakaSegmentReference, ShakaStream } from '../../../adapters/shaka/shaka-types.js';
import { renderDashLiveManifest } from '../../../examples/server/dash-live-manifest.js';
import {
  fillTemplate,
  numberedSegments,
  parseMpd,
  parseXml,
  timelineSegments,
  type DashRepresentation,
  type DashSegmentRef,
} from '../../support/virtual-viewer/dash-manifest.js';
import { dashStreamKey } from '../../../core/dash/index.js';
import { VirtualViewerError } from '../../support/virtual-viewer/viewer-error.js';
import { mpdBandwidth } from './fixtures.js';

const STREAMS = path.resolve(__dirname, '../../../examples/media/streams');
const NUMBER_MPD = readFileSync(path.join(STREAMS, 'dash-number/manifest.mpd'), 'utf8');
const TIMELINE_MPD = readFileSync(path.join(STREAMS, 'dash-timeline/manifest.mpd'), 'utf8');
const BASE = 'http://origin.test/live/s1/dash-number/manifest.mpd';

function representation(mpd: ReturnType<typeof parseMpd>, id: string): DashRepresentation {
  const found = mpd.representations.find((r) => r.id === id);
  if (!found) throw new Error(`no representation ${id}`);
  return found;
}

describe('parseXml', () => {
  it('reads elements and attributes, skipping declarations, comments and text', () => {
    const root = parseXml(
      '<?xml version="1.0"?><!-- c --><a x="1&amp;2" y=\'q\'><b/>text<c:d z="&#65;"></c:d></a>',
    );
    expect(root.tagName).toBe('a');
    expect(root.getAttribute('x')).toBe('1&2');
    expect(root.getAttribute('y')).toBe('q');
    expect(root.getAttribute('missing')).toBeNull();
    expect(root.children.map((child) => child.localName)).toEqual(['b', 'd']);
    expect(root.children[1]?.getAttribute('z')).toBe('A');
  });

  it('refuses malformed markup with a typed error', () => {
    for (const text of ['<a><b></a>', '<a>', 'no xml', '<a/><b/>']) {
      expect(() => parseXml(text)).toThrow(VirtualViewerError);
    }
  });
});

describe('parseMpd', () => {
  it('reads the VOD dash-number MPD: two video and one audio Representation, $Number$ templates', () => {
    const mpd = parseMpd(NUMBER_MPD, 'http://origin.test/vod/dash-number/manifest.mpd');
    expect(mpd).toMatchObject({
      isLive: false,
      minBufferTimeSeconds: 4,
      maxSegmentDurationSeconds: 2,
      durationSeconds: 240,
      periodStartSeconds: 0,
    });
    expect(mpd.representations.map((r) => [r.id, r.type, r.bandwidthBps])).toEqual([
      ['0', 'video', mpdBandwidth(NUMBER_MPD, '0')],
      ['1', 'video', mpdBandwidth(NUMBER_MPD, '1')],
      ['2', 'audio', mpdBandwidth(NUMBER_MPD, '2')],
    ]);
    const video = representation(mpd, '1');
    expect(video.initUrl).toBe('http://origin.test/vod/dash-number/init-1.m4s');
    expect(video.segmentDurationSeconds).toBe(2);
    const refs = numberedSegments(video, 0, 0, 240, 240);
    expect(refs).toHaveLength(120);
    expect(refs[0]).toEqual({
      id: 1,
      url: 'http://origin.test/vod/dash-number/seg-1-001.m4s',
      startTime: 0,
      endTime: 2,
    });
    expect(refs.at(-1)).toMatchObject({ id: 120, startTime: 238, endTime: 240 });
  });

  it('reads the live MPD the origin renders: dynamic, availability start a window back', () => {
    const sessionStartMs = Date.parse('2026-12-07T08:00:00Z');
    const text = renderDashLiveManifest({
      vodText: NUMBER_MPD,
      elapsedMs: 30_000,
      sessionStartMs,
      segmentsInWindow: 6,
    });
    const mpd = parseMpd(text, BASE);
    expect(mpd).toMatchObject({
      isLive: true,
      availabilityStartMs: sessionStartMs - 12_000,
      timeShiftBufferDepthSeconds: 12,
      minimumUpdatePeriodSeconds: 2,
      suggestedPresentationDelaySeconds: undefined,
      durationSeconds: undefined,
    });
  });

  it('lists the $Number$ positions Shaka computes from the availability window', () => {
    const mpd = parseMpd(NUMBER_MPD, BASE);
    const video = representation(mpd, '0');
    // Window [31, 43]: positions ceil(31/2)=16 .. ceil(43/2)-1=21, numbers 17..22.
    const refs = numberedSegments(video, 0, 31, 43);
    expect(refs.map((ref) => ref.id)).toEqual([17, 18, 19, 20, 21, 22]);
    expect(refs[0]).toMatchObject({ startTime: 32, endTime: 34 });
    expect(refs[0]?.url).toBe('http://origin.test/live/s1/dash-number/seg-0-017.m4s');
  });

  it('names SegmentTimeline segments by $Time$, audio timelines with their own durations', () => {
    const mpd = parseMpd(TIMELINE_MPD, 'http://origin.test/vod/dash-timeline/manifest.mpd');
    const audio = representation(mpd, '2');
    const refs = timelineSegments(audio, 0);
    expect(refs.slice(0, 2).map((ref) => ref.id)).toEqual([0, 96256]);
    expect(refs[1]?.startTime).toBeCloseTo(96256 / 48000, 9);
    expect(refs[1]?.url).toBe('http://origin.test/vod/dash-timeline/seg-2-96256.m4s');
  });

  it('refuses MPDs it does not model (SegmentList) with a typed error', () => {
    const list = readFileSync(path.join(STREAMS, 'dash-list/manifest.mpd'), 'utf8');
    expect(() => parseMpd(list, BASE)).toThrow(VirtualViewerError);
  });

  it('fills template identifiers with widths', () => {
    expect(
      fillTemplate('a-$RepresentationID$-$Number%05d$-$Time$-$Bandwidth$-$$.m4s', {
        representationId: 'v',
        number: 7,
        time: 90,
        bandwidth: 5,
      }),
    ).toBe('a-v-00007-90-5-$.m4s');
  });
});

/** What Shaka's segment reference of `ref` looks like to the adapter. */
function shakaReference(ref: DashSegmentRef): ShakaSegmentReference {
  return {
    getUris: () => [ref.url],
    getStartByte: () => 0,
    getEndByte: () => null,
    getStartTime: () => ref.startTime,
    getEndTime: () => ref.endTime,
  };
}

describe('identity: the same names as the Shaka adapter', () => {
  const savedDomParser = (globalThis as { DOMParser?: unknown }).DOMParser;
  beforeAll(() => {
    // The adapter parses MPDs with the browser's DOMParser; give it this reader's elements.
    (globalThis as { DOMParser?: unknown }).DOMParser = class {
      parseFromString(text: string) {
        return { documentElement: parseXml(text), getElementsByTagName: () => [] };
      }
    };
  });
  afterAll(() => {
    (globalThis as { DOMParser?: unknown }).DOMParser = savedDomParser;
  });

  it.each([
    ['dash-number', NUMBER_MPD],
    ['dash-timeline', TIMELINE_MPD],
  ])(
    '%s: stream keys and segment ids equal SegmentMapper.map of the same references',
    (_name, vod) => {
      const text = renderDashLiveManifest({
        vodText: vod,
        elapsedMs: 40_000,
        sessionStartMs: 1_000_000,
        segmentsInWindow: 6,
      });
      const url = 'http://origin.test/live/s1/stream/manifest.mpd';
      const mpd = parseMpd(text, url);
      const mapper = new SegmentMapper();
      mapper.reset(url);
      mapper.mpdLoaded(text);
      let compared = 0;
      for (const rep of mpd.representations) {
        const refs = rep.timeline ? timelineSegments(rep, 0) : numberedSegments(rep, 0, 40, 52);
        expect(refs.length).toBeGreaterThan(0);
        const stream = {
          id: 1,
          type: rep.type,
          originalId: rep.id,
          bandwidth: rep.bandwidthBps,
        } as unknown as ShakaStream;
        for (const ref of refs) {
          const mapped = mapper.map(stream, shakaReference(ref));
          expect(mapped?.stream.key).toBe(
            dashStreamKey(rep.type === 'audio' ? 'audio' : 'main', rep.id),
          );
          expect(mapped?.segment).toEqual({
            id: ref.id,
            url: ref.url,
            startTime: ref.startTime,
            endTime: ref.endTime,
          });
          compared++;
        }
      }
      expect(compared).toBeGreaterThanOrEqual(9);
    },
  );
});
