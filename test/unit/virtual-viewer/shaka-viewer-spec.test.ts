/**
 * The viewer-process spec's Shaka keys: `player` picks the model (hls.js by default), and
 * `shakaConfig` takes the Shaka configuration the bench gives its Chromium Shaka viewers; the
 * bench's `--engine` becomes those keys (virtualPlayerSpec).
 */
import { virtualPlayerSpec } from '../../../scripts/bench/virtual-viewer-plan.js';
import { manifestUrlOf, parseViewerSpec } from '../../support/virtual-viewer/viewer-spec.js';
import { VirtualViewerError } from '../../support/virtual-viewer/viewer-error.js';

const BASE = {
  mode: 'live',
  stream: 'dash-number',
  originUrl: 'http://o.test',
  trackers: ['ws://t'],
};

describe('viewer spec: player and shakaConfig', () => {
  it('models hls.js unless told otherwise', () => {
    expect(parseViewerSpec(BASE).player).toBe('hlsjs');
  });

  it("accepts player shaka with the bench's live Shaka config, and names the live MPD", () => {
    const spec = parseViewerSpec({
      ...BASE,
      player: 'shaka',
      shakaConfig: { streaming: { updateIntervalSeconds: 0.1 } },
    });
    expect(spec.player).toBe('shaka');
    expect(spec.shakaConfig).toEqual({ streaming: { updateIntervalSeconds: 0.1 } });
    expect(manifestUrlOf({ ...spec, session: 'run1' })).toBe(
      'http://o.test/live/run1/dash-number/manifest.mpd',
    );
  });

  it('refuses an unknown player, a Shaka config without Shaka, and modelled keys of the wrong type', () => {
    for (const bad of [
      { ...BASE, player: 'dashjs' },
      { ...BASE, shakaConfig: {} },
      { ...BASE, player: 'shaka', shakaConfig: [] },
      { ...BASE, player: 'shaka', shakaConfig: { streaming: { bufferingGoal: 'x' } } },
    ]) {
      expect(() => parseViewerSpec(bad)).toThrow(VirtualViewerError);
    }
  });
});

describe('virtualPlayerSpec (the bench arm to spec keys)', () => {
  it('makes --engine shaka arms Shaka viewers with the arm Shaka config, others hls.js', () => {
    const config = { streaming: { updateIntervalSeconds: 0.1 } };
    const keys = virtualPlayerSpec('shaka', config);
    expect(keys).toEqual({ player: 'shaka', shakaConfig: config });
    expect(parseViewerSpec({ ...BASE, ...keys }).player).toBe('shaka');
    expect(virtualPlayerSpec('shaka', undefined)).toEqual({ player: 'shaka' });
    expect(virtualPlayerSpec('hlsjs', config)).toEqual({ player: 'hlsjs' });
  });
});
