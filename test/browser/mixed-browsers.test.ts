/**
 * Mixed swarms: Chromium and Firefox viewers of one stream exchange segments over WebRTC in both
 * directions, with hls.js and with Shaka. The two browsers differ where this library lives (data
 * channel message sizes and `bufferedAmountLow`, ICE candidates, MSE), so segments must cross from
 * Chromium to Firefox and from Firefox to Chromium, and every segment either player gets must be
 * byte-identical to the origin's file.
 *
 * The viewers form a relay (see `playRelay`): Chromium, Firefox, Chromium, Firefox, each joining
 * while only the one before it is still there. Whatever a viewer gets from a peer then came from
 * the other browser, so the direction of every transfer is known, whatever the timing. (With two
 * viewers playing at once, the first one usually fetches everything itself and only the joiner
 * downloads: on a quiet machine the Chromium side then never downloads.) The middle Firefox and
 * Chromium viewers each both download and upload. VOD, one rendition for everyone (ABR capped), so
 * a joiner asks for exactly what the viewer before it holds.
 */
import { describeWithFirefox } from '../support/firefox.js';
import { hlsjsPageUrl } from '../support/hlsjs-page.js';
import { shakaPageUrl } from '../support/shaka-page.js';
import {
  expectCleanPlayback,
  expectOriginBytes,
  logSwarmSummary,
  playRelay,
  useCrossBrowserSuite,
  viewerSummaries,
  type BrowserName,
  type SwarmRun,
  type SwarmViewerSpec,
} from '../support/swarm/index.js';

/** Each joiner plays this much before the viewer before it leaves, s. */
const PLAYED_SECONDS = 6;
/** The first viewer plays this much (and buffers ahead) before the second joins, s. */
const FIRST_PLAYED_SECONDS = 2;
const PLAYBACK_TIMEOUT_MS = 30_000;
/** Join order: transfers go Chromium → Firefox → Chromium → Firefox. */
const RELAY: readonly BrowserName[] = ['chromium', 'firefox', 'chromium', 'firefox'];
/** Bound on one scenario's relay (its beforeAll), ms. */
const SCENARIO_TIMEOUT_MS = 150_000;
jest.setTimeout(30_000);

/** One scenario: a player on a VOD stream. */
interface Scenario {
  readonly player: 'hlsjs' | 'shaka';
  readonly stream: string;
}

const SCENARIOS: readonly Scenario[] = [
  { player: 'hlsjs', stream: 'hls-ts' },
  { player: 'shaka', stream: 'dash-number' },
];

describeWithFirefox('Chromium and Firefox in one swarm', () => {
  const suite = useCrossBrowserSuite(['chromium', 'firefox']);

  describe.each(SCENARIOS)(
    '$player on VOD $stream: Chromium and Firefox viewers in turn',
    (scenario) => {
      let run: SwarmRun | undefined;

      beforeAll(async () => {
        const { player, stream } = scenario;
        const { stack } = suite;
        const src = stack.manifestUrl(stream);
        const p2p = { ...stack.localP2PConfig(), swarmId: `mixed-${player}-${stream}` };
        // One rendition for everyone: different ABR choices would split the viewers into streams.
        const pageUrl =
          player === 'hlsjs'
            ? hlsjsPageUrl(stack.originUrl, { src, p2p, capLevel: 0, hls: { startLevel: 0 } })
            : shakaPageUrl(stack.originUrl, {
                src,
                p2p,
                shaka: { streaming: { rebufferingGoal: 2 }, restrictions: { maxHeight: 144 } },
              });
        const specs: SwarmViewerSpec[] = RELAY.map((browser) => ({ browser, player, pageUrl }));
        run = await playRelay(suite, `mixed ${player}`, specs, {
          playedSeconds: PLAYED_SECONDS,
          joinAfterPlayedSeconds: FIRST_PLAYED_SECONDS,
          timeoutMs: PLAYBACK_TIMEOUT_MS,
        });
      }, SCENARIO_TIMEOUT_MS);

      afterAll(() => {
        logSwarmSummary(`mixed ${scenario.player} ${scenario.stream}`, run);
      });

      /** The scenario's run (its beforeAll failed when there is none). */
      function played(): SwarmRun {
        if (run === undefined) throw new Error('the relay did not play (see the beforeAll error)');
        return run;
      }

      test('every viewer plays without a fatal error', () => {
        expectCleanPlayback(played().snapshots, {
          playedSeconds: RELAY.map((_browser, index) =>
            index === 0 ? FIRST_PLAYED_SECONDS : PLAYED_SECONDS,
          ),
          noStalls: false,
          summaries: viewerSummaries(played()),
        });
      });

      test('segments cross from Chromium to Firefox and from Firefox to Chromium', () => {
        const { snapshots, specs } = played();
        // Viewer i had one peer while it played, viewer i - 1, of the other browser.
        const transfers = snapshots.slice(1).map((snapshot, offset) => ({
          direction: `${specs[offset]?.browser ?? '?'} -> ${specs[offset + 1]?.browser ?? '?'}`,
          uploaded: (snapshots[offset]?.engineStats?.uploadBytes ?? 0) > 0,
          downloaded: (snapshot.engineStats?.p2pBytes ?? 0) > 0,
        }));
        expect({ transfers, viewers: viewerSummaries(played()) }).toEqual({
          transfers: RELAY.slice(1).map((browser, offset) => ({
            direction: `${RELAY[offset] ?? '?'} -> ${browser}`,
            uploaded: true,
            downloaded: true,
          })),
          viewers: viewerSummaries(played()),
        });
      });

      test('every segment any player got is byte-identical to the origin file', () => {
        expectOriginBytes(played().snapshots, RELAY.length * 2);
      });
    },
  );
});
