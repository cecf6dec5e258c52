/**
 * `data-preload` on an embed element (plugins/embed/embed-attributes.ts): the `<video>` attribute's
 * three values reach Video.js's `preload` option; anything else is reported and left out (the
 * embed's default, `auto`, applies).
 */
import { readEmbedAttributes } from '../../../plugins/embed/embed-attributes.js';

const BASE = 'https://site.example/page.html';
const SRC = '/vod/master.m3u8';

describe('data-preload', () => {
  it.each([
    ['none', 'none'],
    ['metadata', 'metadata'],
    [' Auto ', 'auto'],
  ])('"%s" becomes preload "%s"', (written, preload) => {
    const settings = readEmbedAttributes({ src: SRC, preload: written }, BASE);
    expect(settings.player.preload).toBe(preload);
    expect(settings.problems).toEqual([]);
  });

  it('an unknown value is reported and left out', () => {
    const settings = readEmbedAttributes({ src: SRC, preload: 'eager' }, BASE);
    expect(settings.player.preload).toBeUndefined();
    expect(settings.problems).toEqual([
      'data-preload="eager" ignored: expected none, metadata or auto.',
    ]);
  });
});
