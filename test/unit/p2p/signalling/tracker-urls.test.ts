import { validateTrackerUrls } from '../../../../core/p2p/signalling/tracker-urls.js';

describe('validateTrackerUrls', () => {
  it('accepts ws: and wss: URLs and drops duplicates that differ only by a trailing slash', () => {
    const check = validateTrackerUrls(
      ['wss://tracker.example/announce', 'ws://127.0.0.1:8000/', 'ws://127.0.0.1:8000'],
      undefined,
    );
    expect(check.valid).toEqual(['wss://tracker.example/announce', 'ws://127.0.0.1:8000']);
    expect(check.invalid).toEqual([]);
  });

  it('rejects other protocols and unparsable strings, saying why', () => {
    const check = validateTrackerUrls(
      ['http://tracker.example/announce', 'udp://tracker.example:80', 'tracker'],
      undefined,
    );
    expect(check.valid).toEqual([]);
    expect(check.invalid.map((entry) => entry.url)).toEqual([
      'http://tracker.example/announce',
      'udp://tracker.example:80',
      'tracker',
    ]);
    expect(check.invalid[0]?.reason).toMatch(/unsupported protocol http:/);
    expect(check.invalid[2]?.reason).toMatch(/not a valid URL/);
  });

  it('rejects ws: trackers on https: pages, where browsers block them as mixed content', () => {
    const check = validateTrackerUrls(['ws://tracker.example', 'wss://tracker.example'], 'https:');
    expect(check.valid).toEqual(['wss://tracker.example']);
    expect(check.invalid[0]?.reason).toMatch(/https: pages/);
  });
});
