import {
  BenchUsageError,
  parseBenchArgs,
  shakaConfigFor,
} from '../../../scripts/bench/bench-options.js';

describe('parseBenchArgs', () => {
  it('runs live then VOD hls-ts on hls.js, 6 viewers watching 180 s each, by default', () => {
    const options = parseBenchArgs([]);
    expect(options).toMatchObject({
      modes: ['live', 'vod'],
      peers: 6,
      seconds: 180,
      staggerSeconds: 3,
      stream: 'hls-ts',
      engine: 'hlsjs',
      player: 'hlsjs',
    });
  });

  it('plays DASH on Shaka unless a protocol or an HLS stream is named', () => {
    expect(parseBenchArgs(['--engine', 'shaka'])).toMatchObject({
      engine: 'shaka',
      player: 'shaka',
      stream: 'dash-number',
    });
    expect(parseBenchArgs(['--engine', 'shaka', '--protocol', 'hls'])).toMatchObject({
      stream: 'hls-ts',
    });
    expect(parseBenchArgs(['--engine', 'shaka', '--stream', 'hls-fmp4'])).toMatchObject({
      stream: 'hls-fmp4',
    });
    expect(parseBenchArgs(['--protocol', 'dash'])).toMatchObject({
      engine: 'shaka',
      stream: 'dash-number',
    });
  });

  it('rejects a stream of the other protocol and DASH on hls.js', () => {
    expect(() => parseBenchArgs(['--protocol', 'hls', '--stream', 'dash-list'])).toThrow(
      new BenchUsageError('--stream dash-list is not a hls stream'),
    );
    expect(() => parseBenchArgs(['--engine', 'hlsjs', '--stream', 'dash-number'])).toThrow(
      BenchUsageError,
    );
  });

  it('keeps an explicit session length and rejects one out of range', () => {
    expect(parseBenchArgs(['--seconds', '60'])?.seconds).toBe(60);
    expect(() => parseBenchArgs(['--seconds', '4'])).toThrow("--seconds must be 5..600, got '4'");
  });
});

describe('shakaConfigFor', () => {
  const shaka = (args: string[]) => {
    const options = parseBenchArgs(['--engine', 'shaka', ...args]);
    if (!options) throw new Error('no options');
    return options;
  };

  it('makes live Shaka scenarios look for new segments every 0.1 s, and leaves VOD as it is', () => {
    expect(shakaConfigFor(shaka([]), 'live')).toEqual({
      streaming: { updateIntervalSeconds: 0.1 },
    });
    expect(shakaConfigFor(shaka([]), 'vod')).toBeUndefined();
  });

  it('lets --shaka-config override or extend it', () => {
    const given = shaka([
      '--shaka-config',
      '{"streaming":{"updateIntervalSeconds":1},"abr":{"enabled":false}}',
    ]);
    expect(shakaConfigFor(given, 'live')).toEqual({
      streaming: { updateIntervalSeconds: 1 },
      abr: { enabled: false },
    });
    const extended = shaka(['--shaka-config', '{"streaming":{"bufferingGoal":30}}']);
    expect(shakaConfigFor(extended, 'live')).toEqual({
      streaming: { updateIntervalSeconds: 0.1, bufferingGoal: 30 },
    });
    expect(shakaConfigFor(extended, 'vod')).toEqual({ streaming: { bufferingGoal: 30 } });
  });

  it('leaves other players alone', () => {
    const hlsjs = parseBenchArgs([]);
    if (!hlsjs) throw new Error('no options');
    expect(shakaConfigFor(hlsjs, 'live')).toBeUndefined();
  });
});
