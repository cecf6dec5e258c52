import { parseMediaPlaylist, type MediaPlaylist } from '../../../examples/server/hls-playlist.js';
import {
  computeLiveWindow,
  renderLivePlaylist,
  type LiveWindow,
} from '../../../examples/server/live-playlist.js';
import { LiveSessions } from '../../../examples/server/live-sessions.js';

/** A VOD playlist of `durations.length` segments `seg_<i>.ts`. */
function vodPlaylist(
  durations: readonly number[],
  extraHeader: readonly string[] = [],
): MediaPlaylist {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:3', ...extraHeader];
  durations.forEach((duration, index) => lines.push(`#EXTINF:${duration},`, `seg_${index}.ts`));
  lines.push('#EXT-X-ENDLIST');
  return parseMediaPlaylist(lines.join('\n'));
}

const FIVE_TWO_SECOND_SEGMENTS = vodPlaylist([2, 2, 2, 2, 2]);

function uris(window: LiveWindow): string[] {
  return window.segments.map((live) => live.segment.uri);
}

describe('computeLiveWindow', () => {
  const options = { segmentsInWindow: 3 };

  it('starts with a full window at the start of the VOD', () => {
    const window = computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 0, options);
    expect(window.mediaSequence).toBe(0);
    expect(window.discontinuitySequence).toBe(0);
    expect(uris(window)).toEqual(['seg_0.ts', 'seg_1.ts', 'seg_2.ts']);
    expect(window.segments.map((live) => live.startOffsetMs)).toEqual([-6000, -4000, -2000]);
  });

  it('publishes the next segment exactly when its duration has elapsed', () => {
    expect(computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 1999, options).mediaSequence).toBe(0);
    const window = computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 2000, options);
    expect(window.mediaSequence).toBe(1);
    expect(uris(window)).toEqual(['seg_1.ts', 'seg_2.ts', 'seg_3.ts']);
    expect(window.segments.map((live) => live.mediaSequence)).toEqual([1, 2, 3]);
  });

  it('loops the VOD with increasing sequence numbers and a new discontinuity sequence per wrap', () => {
    const wrapping = computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 6000, options);
    expect(wrapping.mediaSequence).toBe(3);
    expect(uris(wrapping)).toEqual(['seg_3.ts', 'seg_4.ts', 'seg_0.ts']);
    expect(wrapping.segments.map((live) => live.discontinuitySequence)).toEqual([0, 0, 1]);
    expect(wrapping.discontinuitySequence).toBe(0);

    const wrapped = computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 10_000, options);
    expect(wrapped.mediaSequence).toBe(5);
    expect(uris(wrapped)).toEqual(['seg_0.ts', 'seg_1.ts', 'seg_2.ts']);
    expect(wrapped.discontinuitySequence).toBe(1);
  });

  it('stays exact after many loops', () => {
    const window = computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 3_600_000, options);
    // 1800 segments published since the start; 1800 = 360 loops of 5.
    expect(window.mediaSequence).toBe(1800);
    expect(window.segments[0]).toMatchObject({
      vodIndex: 0,
      loop: 360,
      discontinuitySequence: 360,
    });
  });

  it('follows uneven segment durations', () => {
    const vod = vodPlaylist([1.5, 2.5, 2, 2, 2]);
    // The window of 2 is full at 4.0 s; segment 2 ends at 6.0 s, i.e. 2 s into the session.
    expect(uris(computeLiveWindow(vod, 1999, { segmentsInWindow: 2 }))).toEqual([
      'seg_0.ts',
      'seg_1.ts',
    ]);
    expect(uris(computeLiveWindow(vod, 2000, { segmentsInWindow: 2 }))).toEqual([
      'seg_1.ts',
      'seg_2.ts',
    ]);
  });

  it('offsets sequence numbers by the VOD media and discontinuity sequences', () => {
    const vod = vodPlaylist(
      [2, 2],
      ['#EXT-X-MEDIA-SEQUENCE:100', '#EXT-X-DISCONTINUITY-SEQUENCE:4'],
    );
    const window = computeLiveWindow(vod, 2000, { segmentsInWindow: 2 });
    expect(window.segments.map((live) => [live.mediaSequence, live.discontinuitySequence])).toEqual(
      [
        [101, 4],
        [102, 5],
      ],
    );
  });

  it('counts the VOD own discontinuities on top of the wraps', () => {
    const vod = parseMediaPlaylist(
      '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2,\nb.ts\n',
    );
    const window = computeLiveWindow(vod, 4000, { segmentsInWindow: 4 });
    expect(uris(window)).toEqual(['a.ts', 'b.ts', 'a.ts', 'b.ts']);
    expect(window.segments.map((live) => live.discontinuitySequence)).toEqual([2, 3, 4, 5]);
  });

  it('can list more segments than the VOD has', () => {
    const window = computeLiveWindow(vodPlaylist([2, 2]), 0, { segmentsInWindow: 5 });
    expect(uris(window)).toEqual(['seg_0.ts', 'seg_1.ts', 'seg_0.ts', 'seg_1.ts', 'seg_0.ts']);
    expect(window.segments.map((live) => live.mediaSequence)).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects a window below one segment and a VOD without duration', () => {
    expect(() => computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 0, { segmentsInWindow: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      computeLiveWindow(parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n'), 0, options),
    ).toThrow(RangeError);
  });
});

describe('renderLivePlaylist', () => {
  it('writes a live playlist: no ENDLIST or PLAYLIST-TYPE, sliding sequence numbers', () => {
    const text = renderLivePlaylist(
      computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 10_000, { segmentsInWindow: 3 }),
    );
    expect(text).not.toMatch(/ENDLIST|PLAYLIST-TYPE/);
    expect(text).toMatch(/^#EXTM3U\n/);
    expect(text).toContain('#EXT-X-TARGETDURATION:3\n');
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:5\n');
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1\n');
    // The wrap tag is gone with the segment before it: DISCONTINUITY-SEQUENCE carries it.
    expect(text).not.toContain('#EXT-X-DISCONTINUITY\n');
  });

  it('marks the wrap with EXT-X-DISCONTINUITY right before the first VOD segment', () => {
    const text = renderLivePlaylist(
      computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 6000, { segmentsInWindow: 3 }),
    );
    expect(text).toContain('seg_4.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000000,\nseg_0.ts\n');
    const reparsed = parseMediaPlaylist(text);
    expect(reparsed.segments.map((segment) => segment.discontinuity)).toEqual([false, false, true]);
  });

  it('keeps byte ranges with explicit offsets and repeats EXT-X-MAP after a wrap', () => {
    const vod = parseMediaPlaylist(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MAP:URI="media.mp4",BYTERANGE="700@0"',
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:1000@700',
        'media.mp4',
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:1200',
        'media.mp4',
        '#EXT-X-ENDLIST',
      ].join('\n'),
    );
    const text = renderLivePlaylist(computeLiveWindow(vod, 2000, { segmentsInWindow: 2 }));
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:1',
        '#EXT-X-DISCONTINUITY-SEQUENCE:0',
        '#EXT-X-MAP:URI="media.mp4",BYTERANGE="700@0"',
        '#EXTINF:2.000000,',
        '#EXT-X-BYTERANGE:1200@1700',
        'media.mp4',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="media.mp4",BYTERANGE="700@0"',
        '#EXTINF:2.000000,',
        '#EXT-X-BYTERANGE:1000@700',
        'media.mp4',
        '',
      ].join('\n'),
    );
    const reparsed = parseMediaPlaylist(text);
    expect(reparsed.segments.map((segment) => segment.byteRange)).toEqual([
      { start: 1700, end: 2900 },
      { start: 700, end: 1700 },
    ]);
  });

  it('raises the version to what byte ranges need', () => {
    const vod = parseMediaPlaylist(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n#EXT-X-BYTERANGE:10@0\na.ts\n',
    );
    expect(renderLivePlaylist(computeLiveWindow(vod, 0, { segmentsInWindow: 1 }))).toContain(
      '#EXT-X-VERSION:4\n',
    );
  });

  it('dates the first segment and each segment after a discontinuity', () => {
    const sessionStartEpochMs = Date.UTC(2024, 0, 1, 12, 0, 0);
    const window = computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, 6000, { segmentsInWindow: 3 });
    const dates = renderLivePlaylist(window, { sessionStartEpochMs })
      .split('\n')
      .filter((line) => line.startsWith('#EXT-X-PROGRAM-DATE-TIME:'));
    // Segment 3 aired 6 s into the VOD timeline, which is the session start (window of 3 x 2 s).
    expect(dates).toEqual([
      '#EXT-X-PROGRAM-DATE-TIME:2024-01-01T12:00:00.000Z',
      '#EXT-X-PROGRAM-DATE-TIME:2024-01-01T12:00:04.000Z',
    ]);
  });
});

describe('LiveSessions', () => {
  it('starts each session clock at its first request', () => {
    let nowMs = 1000;
    const sessions = new LiveSessions(() => nowMs);
    expect(sessions.elapsedMs('a')).toBe(0);
    nowMs += 4000;
    expect(sessions.elapsedMs('a')).toBe(4000);
    expect(sessions.elapsedMs('b')).toBe(0);
    nowMs += 2000;
    expect(sessions.elapsedMs('b')).toBe(2000);
    expect(sessions.startOf('a')).toBe(1000);
  });

  it('moves a live window forward as the injected clock advances', () => {
    let nowMs = 50_000;
    const sessions = new LiveSessions(() => nowMs);
    const windowAt = (): LiveWindow =>
      computeLiveWindow(FIVE_TWO_SECOND_SEGMENTS, sessions.elapsedMs('s'), { segmentsInWindow: 3 });
    expect(windowAt().mediaSequence).toBe(0);
    nowMs += 4000;
    expect(windowAt().mediaSequence).toBe(2);
  });
});
