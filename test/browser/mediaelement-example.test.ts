/**
 * The MediaElement.js example page (examples/mediaelement/, what `npm start` shows) works as
 * served: its live and VOD HLS players play through MediaElement's hls.js renderer with the engine,
 * its DASH player through the plugin's Shaka renderer, each shows the stats overlay, and the page
 * reaches no host outside the machine.
 */
import { useBrowserSuite } from '../support/browser-suite.js';
import { waitUntil } from '../support/wait.js';

jest.setTimeout(60_000);

const suite = useBrowserSuite();
const { viewers } = suite;

describe('the MediaElement example page (examples/mediaelement/)', () => {
  test('plays live and VOD HLS through hls.js and DASH through Shaka, each with its overlay', async () => {
    const trackerPort = suite.stack.tracker?.port ?? 0;
    const viewer = await viewers.open(
      suite.browser,
      `${suite.stack.originUrl}/examples/mediaelement/index.html?trackerPort=${trackerPort}`,
      'example page',
    );
    const readPlayers = (): Promise<ExamplePlayer[]> =>
      viewer.page.evaluate(() => {
        interface Player {
          media: { rendererName?: string; currentTime: number };
          p2p?: { engineKind: string; getStats(): { httpBytes: number } };
        }
        const players = (window as unknown as { players?: Player[] }).players ?? [];
        return [...document.querySelectorAll('section.player')].map((section, index) => ({
          renderer: players[index]?.media.rendererName ?? '',
          engine: players[index]?.p2p?.engineKind ?? '',
          played: (players[index]?.media.currentTime ?? 0) > 3,
          httpBytes: (players[index]?.p2p?.getStats().httpBytes ?? 0) > 0,
          overlay: section.querySelectorAll('.p2pml-overlay').length,
          error: section.querySelector('.error')?.textContent ?? '',
        }));
      });
    let players: ExamplePlayer[] = [];
    await waitUntil(
      async () => {
        players = await readPlayers();
        return players.length === 3 && players.every((p) => p.played || p.error !== '');
      },
      { timeoutMs: 40_000, intervalMs: 250, description: 'every example player played 3 s' },
    ).catch(() => undefined);
    const expected = (renderer: string, engine: string): ExamplePlayer => ({
      renderer,
      engine,
      played: true,
      httpBytes: true,
      overlay: 1,
      error: '',
    });
    expect(players).toEqual([
      expected('native_hls', 'hlsjs'),
      expected('native_hls', 'hlsjs'),
      expected('p2p_shaka', 'shaka'),
    ]);
  });
});

/** One player of the example page, as the test sees it. */
interface ExamplePlayer {
  readonly renderer: string;
  readonly engine: string;
  readonly played: boolean;
  readonly httpBytes: boolean;
  readonly overlay: number;
  readonly error: string;
}
