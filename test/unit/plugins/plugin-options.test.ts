import { P2PMediaLoaderError } from '../../../core/errors.js';
import { engineConfigOf, validatePluginOptions } from '../../../plugins/shared/plugin-options.js';

function problemKeys(input: unknown): string[] {
  return validatePluginOptions(input).problems.map((problem) => {
    expect(problem).toBeInstanceOf(P2PMediaLoaderError);
    expect(problem.code).toBe('config-invalid');
    return problem.message;
  });
}

describe('validatePluginOptions', () => {
  it('treats undefined and null as no options', () => {
    expect(validatePluginOptions(undefined)).toEqual({ options: {}, problems: [] });
    expect(validatePluginOptions(null)).toEqual({ options: {}, problems: [] });
  });

  it('reports a non-object as one problem and uses no options', () => {
    const { options, problems } = validatePluginOptions('p2p please');
    expect(options).toEqual({});
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('expected an object');
  });

  it('keeps valid engine and plugin keys as given', () => {
    const Hls = function Hls(): void {};
    const input = {
      trackers: ['ws://127.0.0.1:8000'],
      maxPeers: 5,
      swarmId: 'movie',
      enabled: true,
      overlay: { visible: true, toggleKey: 'Shift+S', position: 'bottom-left' },
      statsBeacon: { url: 'http://127.0.0.1:9/beacon', intervalMs: 5000 },
      hlsConfig: { maxBufferLength: 10 },
      shakaConfig: { streaming: {} },
      Hls,
    };
    const { options, problems } = validatePluginOptions(input);
    expect(problems).toEqual([]);
    expect(options).toEqual(input);
  });

  it('drops each invalid key with one config-invalid error naming it, keeping the rest', () => {
    const { options, problems } = validatePluginOptions({
      maxPeers: 500,
      trackers: ['http://not-a-websocket'],
      overlay: 'yes',
      statsBeacon: { url: 'ftp://x/beacon' },
      enabled: 1,
      swarmId: 'kept',
    });
    expect(options).toEqual({ swarmId: 'kept' });
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining('"maxPeers"'),
      expect.stringContaining('"trackers"'),
      expect.stringContaining('"overlay"'),
      expect.stringContaining('"statsBeacon"'),
      expect.stringContaining('"enabled"'),
    ]);
  });

  it('reports unknown keys, with the engine validation suggesting near misses', () => {
    const messages = problemKeys({ maxPeer: 3, colour: 'red' });
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('Did you mean "maxPeers"?');
    expect(messages[1]).toContain('"colour"');
  });

  it('checks trackers in the context of p2pDisabled', () => {
    expect(validatePluginOptions({ p2pDisabled: true, trackers: [] }).problems).toEqual([]);
    expect(problemKeys({ trackers: [] })).toEqual([expect.stringContaining('"trackers"')]);
  });

  it('rejects beacon intervals outside 1 s to 1 h and overlay objects with unknown fields', () => {
    expect(problemKeys({ statsBeacon: { url: '/beacon', intervalMs: 10 } })).toHaveLength(1);
    expect(problemKeys({ statsBeacon: { url: '/beacon', intervalMs: 4_000_000 } })).toHaveLength(1);
    expect(problemKeys({ statsBeacon: { url: '/beacon' } })).toEqual([]);
    expect(problemKeys({ overlay: { visible: true, colour: 'red' } })).toHaveLength(1);
    expect(problemKeys({ overlay: { toggleKey: false } })).toEqual([]);
  });

  it('ignores keys set to undefined', () => {
    expect(validatePluginOptions({ maxPeers: undefined, overlay: undefined })).toEqual({
      options: {},
      problems: [],
    });
  });
});

describe('engineConfigOf', () => {
  it('keeps only engine keys', () => {
    const { options } = validatePluginOptions({
      maxPeers: 4,
      p2pDisabled: true,
      enabled: true,
      hlsConfig: {},
      overlay: true,
    });
    expect(engineConfigOf(options)).toEqual({ maxPeers: 4, p2pDisabled: true });
  });
});
