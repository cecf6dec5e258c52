import {
  dashSegmentId,
  dashStreamKey,
  parseIsoDurationSeconds,
  type RepresentationAddressing,
} from '../../../core/dash/mpd-addressing.js';
import { compileSegmentTemplate } from '../../../core/dash/segment-template.js';

function addressing(overrides: Partial<RepresentationAddressing>): RepresentationAddressing {
  return {
    representationId: 'r',
    mode: 'list',
    timescale: 1000,
    presentationTimeOffset: 0,
    periodStartSeconds: 0,
    ...overrides,
  };
}

describe('dashSegmentId', () => {
  test('is the $Number$ of a template URL, whatever the start time', () => {
    const template = compileSegmentTemplate('s-$Number$.m4s', 'r');
    expect(
      dashSegmentId(addressing({ mode: 'template', template }), 'http://h/s-42.m4s', 3.1),
    ).toBe(42);
  });

  test('is the $Time$ of a timeline template URL', () => {
    const template = compileSegmentTemplate('s-$Time$.m4s', 'r');
    expect(
      dashSegmentId(addressing({ mode: 'template', template }), 'http://h/s-96256.m4s', 2.005),
    ).toBe(96256);
  });

  test('is undefined for a URL the template does not produce', () => {
    const template = compileSegmentTemplate('s-$Number$.m4s', 'r');
    expect(
      dashSegmentId(addressing({ mode: 'template', template }), 'http://h/other.m4s', 0),
    ).toBeUndefined();
  });

  test('is the start time in the timescale, relative to the Period, plus the offset, otherwise', () => {
    const list = addressing({
      timescale: 48000,
      presentationTimeOffset: 1024,
      periodStartSeconds: 10,
    });
    expect(dashSegmentId(list, 'http://h/a.mp4', 12)).toBe(2 * 48000 + 1024);
    // Float noise in the start time does not change the id.
    expect(dashSegmentId(addressing({ timescale: 1000 }), 'http://h/a.mp4', 1.9999999)).toBe(2000);
  });

  test('is undefined for a negative or non-finite time', () => {
    expect(dashSegmentId(addressing({ periodStartSeconds: 5 }), 'http://h/a', 1)).toBeUndefined();
    expect(dashSegmentId(addressing({}), 'http://h/a', Number.NaN)).toBeUndefined();
  });
});

test('dashStreamKey names the kind and the Representation id', () => {
  expect(dashStreamKey('audio', '2')).toBe('dash:audio:2');
});

test('parseIsoDurationSeconds reads MPD durations and rejects garbage', () => {
  expect(parseIsoDurationSeconds('PT2M0.5S')).toBe(120.5);
  expect(parseIsoDurationSeconds('P1DT1H')).toBe(90000);
  expect(parseIsoDurationSeconds('PT2.0S')).toBe(2);
  expect(parseIsoDurationSeconds('2 seconds')).toBe(0);
  expect(parseIsoDurationSeconds(null)).toBe(0);
});
