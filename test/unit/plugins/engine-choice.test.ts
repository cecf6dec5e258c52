import { chooseEngine } from '../../../plugins/shared/engine-choice.js';
import {
  detectEnvironment,
  type PlaybackEnvironment,
} from '../../../plugins/shared/playback-environment.js';
import { sourceKindOf } from '../../../plugins/shared/source-kind.js';

const BROWSER: PlaybackEnvironment = {
  enabled: true,
  mse: true,
  webrtc: true,
  hlsjs: true,
  shaka: true,
};
const HLS = { src: 'https://cdn.test/live/master.m3u8?token=1' };
const DASH = { src: 'https://cdn.test/vod/manifest.mpd' };

describe('sourceKindOf', () => {
  it('recognises HLS and DASH MIME types regardless of case and parameters', () => {
    expect(sourceKindOf({ src: '/play', type: 'application/x-mpegURL' })).toBe('hls');
    expect(sourceKindOf({ src: '/play', type: 'application/vnd.apple.mpegurl' })).toBe('hls');
    expect(sourceKindOf({ src: '/play', type: 'Application/Dash+XML; codecs="avc1"' })).toBe(
      'dash',
    );
  });

  it('falls back to the URL extension, ignoring query and fragment', () => {
    expect(sourceKindOf(HLS)).toBe('hls');
    expect(sourceKindOf({ src: 'https://cdn.test/a/Manifest.MPD#t=10' })).toBe('dash');
    expect(sourceKindOf({ src: 'https://cdn.test/m3u8/video.mp4' })).toBe('other');
    expect(sourceKindOf({ src: '/clip.mp4', type: 'video/mp4' })).toBe('other');
  });
});

describe('chooseEngine', () => {
  it('plays HLS with hls.js and DASH with Shaka', () => {
    expect(chooseEngine(HLS, BROWSER)).toEqual({ kind: 'hlsjs', sourceKind: 'hls' });
    expect(chooseEngine(DASH, BROWSER)).toEqual({ kind: 'shaka', sourceKind: 'dash' });
  });

  it('plays HLS with Shaka when hls.js is missing, natively when both are', () => {
    expect(chooseEngine(HLS, { ...BROWSER, hlsjs: false })).toEqual({
      kind: 'shaka',
      sourceKind: 'hls',
    });
    expect(chooseEngine(HLS, { ...BROWSER, hlsjs: false, shaka: false })).toEqual({
      kind: 'native',
      sourceKind: 'hls',
      reason: 'engine-missing',
    });
    expect(chooseEngine(DASH, { ...BROWSER, shaka: false })).toMatchObject({
      kind: 'native',
      reason: 'engine-missing',
    });
  });

  it('goes native without MSE, when disabled, and for other sources', () => {
    expect(chooseEngine(HLS, { ...BROWSER, mse: false })).toEqual({
      kind: 'native',
      sourceKind: 'hls',
      reason: 'no-mse',
    });
    expect(chooseEngine(HLS, { ...BROWSER, enabled: false })).toMatchObject({
      kind: 'native',
      reason: 'disabled',
    });
    expect(chooseEngine({ src: '/a.mp4' }, BROWSER)).toEqual({
      kind: 'native',
      sourceKind: 'other',
      reason: 'unsupported-source',
    });
  });

  it('keeps hls.js/Shaka without WebRTC, with reason no-webrtc', () => {
    const noRtc = { ...BROWSER, webrtc: false };
    expect(chooseEngine(HLS, noRtc)).toEqual({
      kind: 'hlsjs',
      sourceKind: 'hls',
      reason: 'no-webrtc',
    });
    expect(chooseEngine(DASH, noRtc)).toEqual({
      kind: 'shaka',
      sourceKind: 'dash',
      reason: 'no-webrtc',
    });
  });
});

describe('detectEnvironment', () => {
  // Only their presence matters: the scope's constructors are never called.
  const FakeMediaSource = function FakeMediaSource(): void {};
  const PeerConnection = function PeerConnection(): void {};

  it('reads MSE, ManagedMediaSource and WebRTC from the scope', () => {
    expect(detectEnvironment({}, {})).toEqual({
      enabled: true,
      mse: false,
      webrtc: false,
      hlsjs: false,
      shaka: false,
    });
    const scope = { ManagedMediaSource: FakeMediaSource, RTCPeerConnection: PeerConnection };
    expect(detectEnvironment({}, scope)).toMatchObject({ mse: true, webrtc: true });
  });

  it("asks hls.js's isSupported(), the option winning over the global", () => {
    const SupportedHls = { isSupported: (): boolean => true };
    const UnsupportedHls = { isSupported: (): boolean => false };
    const scope = { MediaSource: FakeMediaSource, Hls: UnsupportedHls };
    expect(detectEnvironment({}, scope).hlsjs).toBe(false);
    expect(detectEnvironment({ Hls: SupportedHls as never }, scope).hlsjs).toBe(true);
  });

  it('counts Shaka as available when it can be loaded on demand, and honours enabled', () => {
    const env = detectEnvironment(
      { enabled: false, loadShaka: () => Promise.reject(new Error('offline')) },
      {},
    );
    expect(env).toMatchObject({ enabled: false, shaka: true });
  });
});
