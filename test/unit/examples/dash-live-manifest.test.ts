import {
  expandSegmentTimeline,
  renderDashLiveManifest,
} from '../../../examples/server/dash-live-manifest.js';

const SESSION_START_MS = Date.parse('2026-01-01T00:00:00Z');

const TIMELINE_MPD = `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT2M0.0S" maxSegmentDuration="PT2.0S" minBufferTime="PT4.0S">
  <Period id="0" start="PT0.0S">
    <AdaptationSet id="0" contentType="video">
      <Representation id="0" bandwidth="1">
        <SegmentTemplate timescale="1000" initialization="init-$RepresentationID$.m4s" media="s-$RepresentationID$-$Time$.m4s" startNumber="1">
          <SegmentTimeline>
            <S t="0" d="2000" r="59" />
          </SegmentTimeline>
        </SegmentTemplate>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>`;

const NUMBER_MPD = TIMELINE_MPD.replace(
  /<SegmentTemplate[\s\S]*<\/SegmentTemplate>/,
  '<SegmentTemplate timescale="1000" duration="2000" media="s-$Number$.m4s" startNumber="1"></SegmentTemplate>',
);

function render(vodText: string, elapsedMs: number): string {
  return renderDashLiveManifest({
    vodText,
    elapsedMs,
    sessionStartMs: SESSION_START_MS,
    segmentsInWindow: 6,
  });
}

test('expandSegmentTimeline expands repeats and implicit start times', () => {
  expect(expandSegmentTimeline('<S t="10" d="5" r="1" /><S d="7" />')).toEqual([
    { t: 10, d: 5 },
    { t: 15, d: 5 },
    { t: 20, d: 7 },
  ]);
});

describe('renderDashLiveManifest', () => {
  test('makes the MPD dynamic, with availability a full window before the session start', () => {
    const live = render(NUMBER_MPD, 5000);
    expect(live).toContain('type="dynamic"');
    expect(live).not.toContain('mediaPresentationDuration');
    expect(live).toContain('availabilityStartTime="2025-12-31T23:59:48.000Z"');
    expect(live).toContain('publishTime="2026-01-01T00:00:05.000Z"');
    expect(live).toContain('timeShiftBufferDepth="PT12S"');
    expect(live).toContain('minimumUpdatePeriod="PT2S"');
    // $Number$ addressing: players derive the numbers from the clock; the template is unchanged.
    expect(live).toContain('media="s-$Number$.m4s" startNumber="1"');
  });

  test('lists the window of published segments in a SegmentTimeline, and it moves with time', () => {
    const times = (text: string): number[] =>
      [...text.matchAll(/<S t="(\d+)" d="2000" \/>/g)].map((match) => Number(match[1]));
    // 5 s into the session = 17 s after availability start: segments ending by 17 s are out.
    expect(times(render(TIMELINE_MPD, 5000))).toEqual([4000, 6000, 8000, 10000, 12000, 14000]);
    expect(times(render(TIMELINE_MPD, 7000))).toEqual([6000, 8000, 10000, 12000, 14000, 16000]);
  });
});
