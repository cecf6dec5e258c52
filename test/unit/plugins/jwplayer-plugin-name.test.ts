/**
 * The name JW Player 8 gives a plugin loaded by URL (`plugins: { '<url>': options }`): the JW
 * plugin must register under it, or JW reports the plugin as not loaded.
 */
import { jwPluginNameOfUrl } from '../../../plugins/jwplayer/index.js';

describe('jwPluginNameOfUrl', () => {
  it.each([
    ['/js/p2p-media-loader-jwplayer.min.js', 'p2p'],
    ['https://cdn.example/p2p-media-loader-jwplayer.min.js?v=3#x', 'p2p'],
    ['p2p.js', 'p2p'],
    ['plugin.min.js', 'plugin.min'],
    ['/a-b/c-d.js', 'c'],
  ])('%s → %s', (url, name) => {
    expect(jwPluginNameOfUrl(url)).toBe(name);
  });

  it('is undefined for what JW would not load as a script plugin', () => {
    expect(jwPluginNameOfUrl('/js/plugin.css')).toBeUndefined();
    expect(jwPluginNameOfUrl('/js/')).toBeUndefined();
    expect(jwPluginNameOfUrl('-x.js')).toBeUndefined();
  });
});
