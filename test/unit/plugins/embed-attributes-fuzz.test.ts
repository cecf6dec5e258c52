/**
 * Property test of the embed's attribute parser: whatever a page author (or a page that builds the
 * markup from user input) writes into the `data-*` attributes, `readEmbedAttributes` returns
 * settings whose every field is of the promised kind, or names the attribute it ignored in
 * `problems`. It never throws.
 */
import fc from 'fast-check';
import {
  readEmbedAttributes,
  type EmbedAttributes,
} from '../../../plugins/embed/embed-attributes.js';

const KEYS = [
  'src',
  'type',
  'swarmId',
  'stats',
  'trackers',
  'iceServers',
  'poster',
  'autoplay',
  'muted',
  'beaconUrl',
  'p2p',
] as const;

/** Attribute values: arbitrary text, plus fragments the parser treats specially, glued together. */
const attributeValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(
      fc.constantFrom(
        'on',
        'off',
        'TRUE',
        ' ',
        ',',
        'hls',
        'dash',
        'application/dash+xml;codecs=x',
        'ws://127.0.0.1:8000',
        'wss://t.example/announce',
        'stun:stun.example:3478',
        'turn:',
        'none',
        'http://',
        'https://cdn.example/a.m3u8',
        'javascript:alert(1)',
        'data:image/png;base64,AA',
        '//x',
        '../',
        '%',
        '\u0000',
        '\uD800',
        '"',
        '__proto__',
        'constructor',
        'toString',
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join('')),
);

const attributes: fc.Arbitrary<EmbedAttributes> = fc.record(
  Object.fromEntries(KEYS.map((key) => [key, attributeValue])) as Record<
    (typeof KEYS)[number],
    fc.Arbitrary<string>
  >,
  { requiredKeys: [] },
);

const baseUrl = fc.constantFrom(
  'https://site.example/page/index.html',
  'http://127.0.0.1:8080/',
  'about:blank',
  'file:///tmp/page.html',
);

function isUrlWithScheme(value: unknown, schemes: readonly string[]): boolean {
  if (typeof value !== 'string') return false;
  try {
    return schemes.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

describe('readEmbedAttributes (property)', () => {
  it('never throws and returns settings of the promised kinds for any attribute strings', () => {
    fc.assert(
      fc.property(attributes, baseUrl, (given, base) => {
        const settings = readEmbedAttributes(given, base);
        expect(settings.problems.every((problem) => typeof problem === 'string')).toBe(true);

        if (settings.source !== undefined) {
          expect(isUrlWithScheme(settings.source.src, ['http:', 'https:'])).toBe(true);
        } else {
          expect(settings.problems.some((problem) => problem.startsWith('data-src'))).toBe(true);
        }
        const { player, p2p } = settings;
        if (player.poster !== undefined) {
          expect(isUrlWithScheme(player.poster, ['http:', 'https:', 'data:'])).toBe(true);
        }
        expect([undefined, true, false]).toContain(player.muted);
        expect([undefined, false, 'any', 'muted']).toContain(player.autoplay);
        for (const tracker of p2p.trackers ?? []) {
          expect(isUrlWithScheme(tracker, ['ws:', 'wss:'])).toBe(true);
        }
        for (const server of p2p.rtcConfig?.iceServers ?? []) {
          expect(isUrlWithScheme(server.urls, ['stun:', 'turn:', 'turns:'])).toBe(true);
        }
        if (p2p.statsBeacon !== undefined) {
          expect(isUrlWithScheme(p2p.statsBeacon.url, ['http:', 'https:'])).toBe(true);
        }
        if (p2p.swarmId !== undefined) {
          expect(p2p.swarmId).toBe(p2p.swarmId.trim());
          expect(p2p.swarmId).not.toBe('');
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('treats names of Object.prototype members as unknown values, not as lookup hits', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const settings = readEmbedAttributes(
        { src: 'https://cdn.example/a/index.m3u8', type: name },
        'https://site.example/',
      );
      expect(settings.source).toEqual({ src: 'https://cdn.example/a/index.m3u8' });
      expect(settings.problems.some((problem) => problem.startsWith(`data-type="${name}"`))).toBe(
        true,
      );
    }
  });

  it('reports each on/off attribute it could not read, naming it', () => {
    const switches = ['stats', 'autoplay', 'muted', 'p2p'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...switches), attributeValue, (key, value) => {
        const settings = readEmbedAttributes({ [key]: value }, 'https://site.example/');
        const normalised = value.trim().toLowerCase();
        const understood = ['', 'on', 'off', 'true', 'false', key.toLowerCase()].includes(
          normalised,
        );
        const dataName = `data-${key}="`;
        expect(settings.problems.some((problem) => problem.startsWith(dataName))).toBe(!understood);
      }),
      { numRuns: 1_000 },
    );
  });
});
