import { DEFAULT_ENGINE_CONFIG, type EngineConfig } from '../../../core/engine/config.js';
import { defaultUploadDisabled, resolveEngineConfig } from '../../../core/engine/resolve-config.js';
import { P2PMediaLoaderError } from '../../../core/errors.js';

/** Calls resolveEngineConfig with an arbitrary (possibly ill-typed) object and returns its error. */
function configError(user: Record<string, unknown>): P2PMediaLoaderError {
  try {
    resolveEngineConfig(user);
  } catch (error) {
    if (error instanceof P2PMediaLoaderError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(user)} to be rejected`);
}

describe('resolveEngineConfig', () => {
  it('returns the defaults when given nothing, deciding uploadDisabled from the environment', () => {
    const config = resolveEngineConfig();
    expect(config).toEqual({ ...DEFAULT_ENGINE_CONFIG, uploadDisabled: defaultUploadDisabled() });
    expect(typeof config.uploadDisabled).toBe('boolean');
  });

  it('merges user values over the defaults; undefined values take the default', () => {
    const hook = (init: { url: string }) => init;
    const config = resolveEngineConfig({
      httpRetries: 0,
      maxPeers: 50,
      uploadDisabled: true,
      swarmId: 'my-stream',
      httpRequestHook: hook as unknown as EngineConfig['httpRequestHook'],
      httpIdleTimeoutMs: undefined,
    });
    expect(config.httpRetries).toBe(0);
    expect(config.maxPeers).toBe(50);
    expect(config.uploadDisabled).toBe(true);
    expect(config.swarmId).toBe('my-stream');
    expect(config.httpRequestHook).toBe(hook);
    expect(config.httpIdleTimeoutMs).toBe(DEFAULT_ENGINE_CONFIG.httpIdleTimeoutMs);
    expect(config.storeBudgetBytes).toBe(DEFAULT_ENGINE_CONFIG.storeBudgetBytes);
  });

  it('leaves swarmPeerCap undefined by default (one swarm per stream) and keeps a given cap', () => {
    expect(resolveEngineConfig().swarmPeerCap).toBeUndefined();
    expect(resolveEngineConfig({ swarmPeerCap: undefined }).swarmPeerCap).toBeUndefined();
    expect(resolveEngineConfig({ swarmPeerCap: 5000 }).swarmPeerCap).toBe(5000);
  });

  it('copies the trackers array', () => {
    const trackers = ['ws://127.0.0.1:8000'];
    const config = resolveEngineConfig({ trackers });
    trackers.push('wss://example.invalid');
    expect(config.trackers).toEqual(['ws://127.0.0.1:8000']);
  });

  it('accepts boundary values of every range', () => {
    expect(() =>
      resolveEngineConfig({
        httpRetries: 10,
        httpRetryDelayMs: 0,
        httpIdleTimeoutMs: 500,
        storeBudgetBytes: 1024 * 1024,
        liveEvictionMarginSeconds: 3600,
        maxPeers: 1,
        swarmPeerCap: 2,
        p2pPrefetchSeconds: 0,
        httpSafetyMarginSeconds: 0.5,
        peerIdleTimeoutMs: 60_000,
        maxConcurrentUploads: 0,
        uploadRateLimitBytesPerSecond: 0,
      }),
    ).not.toThrow();
  });

  it('accepts a fleet of tracker groups and copies every group', () => {
    const fleet = [['wss://a1.example', 'wss://a2.example'], ['ws://127.0.0.1:8000']];
    const config = resolveEngineConfig({ trackers: fleet });
    fleet[0]?.push('wss://a3.example');
    fleet.push(['wss://c.example']);
    expect(config.trackers).toEqual([
      ['wss://a1.example', 'wss://a2.example'],
      ['ws://127.0.0.1:8000'],
    ]);
  });

  // Each case: a bad fleet, the key path the message must name, what it must say.
  const badFleets: [unknown[], string, RegExp][] = [
    [[['wss://a'], 'wss://b'], 'trackers[1]', /either URLs or groups, not both/],
    [['wss://a', ['wss://b']], 'trackers[0]', /expected a tracker group .* got "wss:\/\/a"/],
    [
      [['wss://a'], []],
      'trackers[1]',
      /non-empty array of ws:\/\/ or wss:\/\/ URLs.*got an array of 0/,
    ],
    [
      [['wss://a'], ['wss://b', 'https://c']],
      'trackers[1][1]',
      /ws:\/\/ or wss:\/\/ URL, got "https:\/\/c"/,
    ],
    [[['wss://a'], ['wss://b', 7]], 'trackers[1][1]', /got 7/],
    [
      [['wss://a', 'wss://b'], ['wss://b/']],
      'trackers[1][0]',
      /one tracker group only.*also in trackers\[0\]/,
    ],
  ];

  it.each(badFleets)('rejects the fleet %j naming %s', (trackers, path, message) => {
    const error = configError({ trackers });
    expect(error.code).toBe('config-invalid');
    expect(error.message).toContain(`"${path}"`);
    expect(error.message).toMatch(message);
  });

  it('allows an empty tracker list when P2P is disabled', () => {
    expect(resolveEngineConfig({ p2pDisabled: true, trackers: [] }).trackers).toEqual([]);
  });

  // Each case: key, a bad value, what the message must say is allowed, how the value must appear.
  const badValues: [keyof EngineConfig, unknown, RegExp, string][] = [
    ['httpRetries', 11, /integer from 0 to 10/, 'got 11'],
    ['httpRetries', 1.5, /integer from 0 to 10/, 'got 1.5'],
    ['httpRetries', '3', /integer from 0 to 10/, 'got "3"'],
    ['httpRetryDelayMs', -1, /number from 0 to 60000/, 'got -1'],
    ['httpRetryDelayMs', Number.NaN, /number from 0 to 60000/, 'got NaN'],
    ['httpIdleTimeoutMs', 499, /number from 500 to 120000/, 'got 499'],
    ['httpRequestHook', 'sign', /a function or undefined/, 'got "sign"'],
    ['storeBudgetBytes', 1000, /integer from 1 MiB/, 'got 1000'],
    ['storeBudgetBytes', 5 * 1024 ** 3, /4 GiB/, `got ${5 * 1024 ** 3}`],
    ['liveEvictionMarginSeconds', 3601, /number from 0 to 3600/, 'got 3601'],
    ['p2pDisabled', 'yes', /a boolean/, 'got "yes"'],
    ['uploadDisabled', 0, /a boolean or undefined/, 'got 0'],
    ['trackers', [], /non-empty array of ws:\/\/ or wss:\/\/ URLs/, 'got an array of 0'],
    ['trackers', 'wss://t.example', /array of ws:\/\//, 'got "wss://t.example"'],
    ['trackers', ['https://t.example'], /"https:\/\/t.example" is not one/, 'got an array of 1'],
    ['rtcConfig', null, /RTCConfiguration object/, 'got null'],
    ['rtcConfig', [], /RTCConfiguration object/, 'got an array of 0'],
    ['swarmId', '', /non-empty string or undefined/, 'got ""'],
    ['maxPeers', 0, /integer from 1 to 50/, 'got 0'],
    ['maxPeers', 51, /integer from 1 to 50/, 'got 51'],
    ['swarmPeerCap', 1, /integer >= 2, or undefined \(one swarm per stream\)/, 'got 1'],
    ['swarmPeerCap', 100.5, /integer >= 2/, 'got 100.5'],
    ['swarmPeerCap', '100', /integer >= 2/, 'got "100"'],
    ['swarmPeerCap', Infinity, /integer >= 2/, 'got Infinity'],
    ['p2pPrefetchSeconds', 601, /number from 0 to 600/, 'got 601'],
    ['httpSafetyMarginSeconds', 0.4, /number from 0.5 to 60/, 'got 0.4'],
    ['peerIdleTimeoutMs', 100, /number from 200 to 60000/, 'got 100'],
    ['maxConcurrentUploads', 2.5, /integer from 0 to 50/, 'got 2.5'],
    ['uploadRateLimitBytesPerSecond', -10, /number >= 0/, 'got -10'],
    ['uploadRateLimitBytesPerSecond', Infinity, /number >= 0/, 'got Infinity'],
    ['mainThreadBackoff', 'on', /a boolean/, 'got "on"'],
    ['integrity', 'hashes.json', /an object \{ hashManifestUrl/, 'got "hashes.json"'],
  ];

  it.each(badValues)(
    'rejects %s = %p naming the key, the allowed values and the value',
    (key, value, allowed, got) => {
      const error = configError({ [key]: value });
      expect(error.code).toBe('config-invalid');
      expect(error.message).toContain(`"${key}"`);
      expect(error.message).toMatch(allowed);
      expect(error.message).toContain(got);
    },
  );

  it('covers every config key in the bad-value cases', () => {
    const tested = new Set(badValues.map(([key]) => key));
    expect([...tested].sort()).toEqual(Object.keys(DEFAULT_ENGINE_CONFIG).sort());
  });

  it('rejects an unknown key and suggests the nearest known one', () => {
    const error = configError({ httpRetrys: 2 });
    expect(error.code).toBe('config-invalid');
    expect(error.message).toBe(
      'Unknown engine config key "httpRetrys". Did you mean "httpRetries"?',
    );
    expect(configError({ maxpeers: 3 }).message).toContain('Did you mean "maxPeers"?');
  });

  it('rejects an unknown key without a suggestion when nothing is close', () => {
    const error = configError({ colour: 'blue' });
    expect(error.message).toBe('Unknown engine config key "colour".');
  });

  it('rejects a non-object configuration', () => {
    expect(() => resolveEngineConfig('fast' as unknown as Partial<EngineConfig>)).toThrow(
      /expected an object, got "fast"/,
    );
  });
});

describe('resolveEngineConfig: integrity', () => {
  const PUBLIC_KEY_HEX = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

  it('is off by default', () => {
    expect(resolveEngineConfig().integrity).toBeUndefined();
  });

  it('accepts a relative URL, an absolute URL or a function, and fills in the strict policy', () => {
    expect(
      resolveEngineConfig({ integrity: { hashManifestUrl: 'segments-sha256.json' } }).integrity,
    ).toEqual({ hashManifestUrl: 'segments-sha256.json', policy: 'strict' });
    const derive = (url: string): string => url.replace(/master\.m3u8$/, 'hashes.json');
    const resolved = resolveEngineConfig({
      integrity: { hashManifestUrl: derive, publicKey: PUBLIC_KEY_HEX, policy: 'fallback' },
    }).integrity;
    expect(resolved).toEqual({
      hashManifestUrl: derive,
      publicKey: PUBLIC_KEY_HEX,
      policy: 'fallback',
    });
    expect(
      resolveEngineConfig({ integrity: { hashManifestUrl: 'https://cdn.test/a/hashes.json' } })
        .integrity?.hashManifestUrl,
    ).toBe('https://cdn.test/a/hashes.json');
  });

  // Each case: the integrity value, the sub-key the message must name, what it must say.
  const badIntegrity: [unknown, string, RegExp][] = [
    [{}, 'integrity.hashManifestUrl', /non-empty URL string or a function/],
    [{ hashManifestUrl: '' }, 'integrity.hashManifestUrl', /a URL/],
    [{ hashManifestUrl: 42 }, 'integrity.hashManifestUrl', /got 42/],
    [{ hashManifestUrl: 'ftp://x/h.json' }, 'integrity.hashManifestUrl', /got "ftp:\/\/x\/h.json"/],
    [
      { hashManifestUrl: 'h.json', policy: 'lenient' },
      'integrity.policy',
      /"strict" or "fallback".*got "lenient"/,
    ],
    [{ hashManifestUrl: 'h.json', publicKey: 'abc' }, 'integrity.publicKey', /Ed25519 public key/],
    [{ hashManifestUrl: 'h.json', publicKey: 7 }, 'integrity.publicKey', /got 7/],
  ];

  it.each(badIntegrity)('rejects integrity = %p naming %s', (integrity, key, allowed) => {
    const error = configError({ integrity });
    expect(error.code).toBe('config-invalid');
    expect(error.message).toContain(`"${key}"`);
    expect(error.message).toMatch(allowed);
  });

  it('rejects an unknown integrity sub-key', () => {
    const error = configError({
      integrity: { hashManifestUrl: 'h.json', publickey: PUBLIC_KEY_HEX },
    });
    expect(error.message).toContain('"integrity.publickey"');
  });
});

describe('defaultUploadDisabled', () => {
  const withConnection = (connection: unknown) => ({ connection }) as unknown as Navigator;

  it('disables upload when the browser asks to save data or reports a cellular link', () => {
    expect(defaultUploadDisabled(withConnection({ saveData: true, type: 'wifi' }))).toBe(true);
    expect(defaultUploadDisabled(withConnection({ saveData: false, type: 'cellular' }))).toBe(true);
  });

  it('keeps upload on for other links and when the browser says nothing', () => {
    expect(defaultUploadDisabled(withConnection({ saveData: false, type: 'wifi' }))).toBe(false);
    expect(defaultUploadDisabled(withConnection({}))).toBe(false);
    expect(defaultUploadDisabled({} as Navigator)).toBe(false);
  });
});
