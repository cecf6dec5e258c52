/**
 * The examples of docs/SWARM-IDENTITY.md, "What the engine passes in", computed by the code that
 * really makes swarm ids and stream keys: if this test changes, the document must change with it.
 */
import { dashStreamKey } from '../../../core/dash/index.js';
import { swarmIdFor } from '../../../core/engine/swarm-id.js';
import { hlsIndexStreamKey, hlsStreamKey } from '../../../core/hls/stream-key.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';

const HLS_MANIFEST = 'https://cdn.example/live/master.m3u8?token=abc';
const DASH_MANIFEST = 'https://cdn.example/vod/manifest.mpd';

describe('documented swarm identity examples', () => {
  it('derives the swarm id from the manifest URL without query and fragment, unless set', () => {
    expect(swarmIdFor(HLS_MANIFEST, undefined)).toBe('https://cdn.example/live/master.m3u8');
    expect(swarmIdFor(`${DASH_MANIFEST}#t=10`, undefined)).toBe(DASH_MANIFEST);
    expect(swarmIdFor(HLS_MANIFEST, 'my-event-2026')).toBe('my-event-2026');
  });

  it.each([
    [
      'main',
      'https://cdn.example/live/v720/index.m3u8?token=abc',
      'main:v720/index.m3u8',
      'ab253a9b6d90f52a38c7ff7f067e39cad9893b47',
    ],
    [
      'audio',
      'https://cdn.example/live/audio/en/index.m3u8',
      'audio:audio/en/index.m3u8',
      'd5949135aaa16ae76d13a23049ab21578300f707',
    ],
    [
      'main',
      'https://other.example/archive/v1.m3u8',
      'main:/archive/v1.m3u8',
      '554d5da7016931d45b1e73c54d0cf020fb1ba187',
    ],
  ] as const)('HLS %s playlist %s has key %s and info hash %s', (kind, url, key, hash) => {
    expect(hlsStreamKey(kind, url, HLS_MANIFEST)).toBe(key);
    expect(infoHashFor(swarmIdFor(HLS_MANIFEST, undefined), key)).toBe(hash);
  });

  it('names an HLS rendition without URL by its index', () => {
    expect(hlsIndexStreamKey('main', 2)).toBe('main:#2');
  });

  it.each([
    ['main', 'video-720p', 'dash:main:video-720p', 'c70d2650afccc0f5103d8969a8adb86b8b22457b'],
    ['audio', 'audio-en', 'dash:audio:audio-en', '25a3dc98b9a1c939f9679c649f82ab50a1087297'],
  ] as const)('DASH %s Representation %s has key %s and info hash %s', (kind, id, key, hash) => {
    expect(dashStreamKey(kind, id)).toBe(key);
    expect(infoHashFor(swarmIdFor(DASH_MANIFEST, undefined), key)).toBe(hash);
  });

  it('uses an explicit swarm id as is', () => {
    expect(infoHashFor('my-event-2026', 'main:v720/index.m3u8')).toBe(
      'db40025d87eb4ee4cc7baab19987c0d36dc39e2a',
    );
  });
});
