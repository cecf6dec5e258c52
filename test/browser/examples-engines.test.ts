/**
 * The engine example pages (examples/hlsjs/ and examples/shaka/, what `npm start` shows) work as
 * served: both players on each page play through the engine with the local tracker, the statistics
 * table fills in, and the page reaches no host outside the machine.
 */
import { useBrowserSuite } from '../support/browser-suite.js';

jest.setTimeout(60_000);

const suite = useBrowserSuite();
const { viewers } = suite;

test.each([
  { example: 'hlsjs', streams: 'live and VOD HLS' },
  { example: 'shaka', streams: 'live and VOD DASH' },
])('the $example example page plays $streams and shows engine statistics', async ({ example }) => {
  const trackerPort = suite.stack.tracker?.port ?? 0;
  const viewer = await viewers.open(
    suite.browser,
    `${suite.stack.originUrl}/examples/${example}/index.html?trackerPort=${trackerPort}`,
    `${example} example page`,
  );

  await viewer.page.waitForFunction(
    () => {
      const sections = [...document.querySelectorAll('section.player')];
      return (
        sections.length === 2 &&
        sections.every((section) => {
          const video = section.querySelector('video');
          const error = section.querySelector('.error')?.textContent ?? '';
          return error !== '' || (video !== null && video.currentTime > 4);
        })
      );
    },
    undefined,
    { timeout: 40_000, polling: 250 },
  );

  const players = await viewer.page.evaluate(() =>
    [...document.querySelectorAll('section.player')].map((section) => ({
      error: section.querySelector('.error')?.textContent ?? '',
      statsRows: section.querySelectorAll('.stats tr').length,
      httpRow: section.querySelector('.stats tr td:last-child')?.textContent ?? '',
    })),
  );
  for (const player of players) {
    expect(player.error).toBe('');
    expect(player.statsRows).toBeGreaterThan(0);
    expect(player.httpRow).not.toBe('0 KiB');
  }
  await viewer.close();
});
