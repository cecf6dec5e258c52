/**
 * The JW Player plugin with a real JW Player 8, end to end in Chromium: two viewers of one live HLS
 * stream play through the plugin's provider (registered with `jwplayer.api.registerProvider`),
 * exchange segments over WebRTC, show the overlay, and leave nothing running after
 * `player.remove()`.
 *
 * JW Player is proprietary and not part of this repository, so this file runs only when the
 * developer points `JWPLAYER_LIBRARY` at a local jwplayer.js (its other files, such as
 * jwplayer.core.controls.js, next to it) and, for a licensed build, sets `JWPLAYER_KEY`. Without it
 * every test is skipped and the reason printed. The suite's guard fails the run if JW Player tries
 * to reach the internet (licence checks, analytics): that is part of what this test finds out.
 */
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import { readSnapshot, waitForPlayed, type HarnessSnapshot } from '../support/hlsjs-page.js';
import {
  jwplayerPageUrl,
  openJWPlayerViewer,
  realJWPlayerFromEnv,
} from '../support/jwplayer-page.js';
import { installLeakProbe, noLeaks, settleLeaks } from '../support/plugin-probes.js';

const VIEWER_COUNT = 2;
const PLAYED_SECONDS = 12;
const JOIN_AFTER_PLAYED_SECONDS = 1.5;
jest.setTimeout(120_000);

const real = realJWPlayerFromEnv();
const suite = useBrowserSuite();
const { viewers } = suite;

if ('skipReason' in real) {
  console.warn(`jwplayer-real.test.ts skipped: ${real.skipReason}`);
  test.skip(`real JW Player end to end (${real.skipReason})`, () => undefined);
}
const describeReal = 'skipReason' in real ? describe.skip : describe;

describeReal(
  `JW Player (real, JWPLAYER_LIBRARY) with P2P: ${VIEWER_COUNT} viewers of one live HLS stream`,
  () => {
    let snapshots: HarnessSnapshot[] = [];
    let providers: (string | undefined)[] = [];
    let overlaysMounted: boolean[] = [];
    let leaks: unknown[] = [];

    beforeAll(async () => {
      if ('skipReason' in real) return;
      const session = `jw-real-live-${Date.now()}`;
      const src = suite.stack.liveUrl(session, 'hls-fmp4');
      const p2p = { ...suite.stack.localP2PConfig(), swarmId: session, overlay: true };
      const url = jwplayerPageUrl(suite.stack.originUrl, {
        src,
        p2p,
        ...(real.key === undefined ? {} : { key: real.key }),
      });
      const swarm: Viewer[] = [];
      for (let index = 0; index < VIEWER_COUNT; index++) {
        const previous = swarm.at(-1);
        if (previous) await waitForPlayed(previous.page, JOIN_AFTER_PLAYED_SECONDS, 40_000);
        swarm.push(
          await openJWPlayerViewer(
            viewers,
            suite.browser,
            url,
            `jwplayer real viewer ${index}`,
            real.library,
            installLeakProbe,
          ),
        );
      }
      await Promise.all(swarm.map((viewer) => waitForPlayed(viewer.page, PLAYED_SECONDS, 60_000)));
      snapshots = await Promise.all(swarm.map((viewer) => readSnapshot(viewer.page)));
      providers = await Promise.all(
        swarm.map((viewer) =>
          viewer.page.evaluate(() =>
            (window.__harness as unknown as { provider(): string | undefined }).provider(),
          ),
        ),
      );
      overlaysMounted = await Promise.all(
        swarm.map((viewer) =>
          viewer.page.evaluate(
            () => document.querySelector('#player .p2pml-jw-overlay-layer') !== null,
          ),
        ),
      );
      await Promise.all(
        swarm.map((viewer) => viewer.page.evaluate(() => window.__harness?.destroy())),
      );
      leaks = await Promise.all(swarm.map((viewer) => settleLeaks(viewer.page)));
    }, 150_000);

    test('JW Player chose the P2P provider for the HLS source', () => {
      expect(providers).toEqual(snapshots.map(() => 'p2pml'));
    });

    test(`every viewer plays ${PLAYED_SECONDS} s without a fatal error`, () => {
      expect(
        snapshots.map((snapshot) => ({
          setupError: snapshot.setupError,
          fatalErrors: snapshot.fatalErrors,
          playedEnough: snapshot.playedSeconds >= PLAYED_SECONDS,
        })),
      ).toEqual(
        snapshots.map(() => ({ setupError: undefined, fatalErrors: [], playedEnough: true })),
      );
    });

    test('viewers get segments from each other', () => {
      const p2pBytes = snapshots.reduce((sum, s) => sum + (s.engineStats?.p2pBytes ?? 0), 0);
      expect({ p2pBytes, someFromPeers: p2pBytes > 0 }).toEqual({ p2pBytes, someFromPeers: true });
    });

    test('the overlay is mounted in the player container', () => {
      expect(overlaysMounted).toEqual(snapshots.map(() => true));
    });

    test('player.remove() leaves no peer connection, socket or interval of the plugin behind', () => {
      expect(leaks).toEqual(leaks.map(() => noLeaks));
    });
  },
);
