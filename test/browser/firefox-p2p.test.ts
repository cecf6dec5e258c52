/**
 * The engine with P2P on in Firefox (stock Firefox ESR through WebDriver BiDi, see
 * test/support/firefox.ts): hls.js (live and VOD, each with MPEG-TS and fMP4) and Shaka (DASH live
 * and VOD), each with two Firefox viewers of one stream joining one after the other. They find each other
 * through the embedded tracker, exchange segments over WebRTC inside the test network namespace,
 * and every segment a player gets is byte-identical to the origin's file. First, the rig itself:
 * the external-request guard holds in Firefox and Firefox offers the namespace's address as a
 * WebRTC host candidate (no mDNS name), without which no two Firefox peers could connect there.
 *
 * Sessions are short (two viewers, a few seconds each) and share one Firefox: these tests show
 * that P2P works in Firefox at all; offload and stalls at scale belong in the bench.
 */
import {
  gatherIceCandidates,
  OUTSIDE_PROBE_URLS,
  probeOutsideHosts,
  type Viewer,
} from '../support/browser.js';
import { describeWithFirefox } from '../support/firefox.js';
import { hlsjsPageUrl } from '../support/hlsjs-page.js';
import { shakaPageUrl } from '../support/shaka-page.js';
import {
  expectCleanPlayback,
  expectOriginBytes,
  logSwarmSummary,
  p2pDeliveries,
  playSwarm,
  useCrossBrowserSuite,
  viewerSummaries,
  type SwarmRun,
  type SwarmViewerSpec,
} from '../support/swarm/index.js';

const VIEWER_COUNT = 2;
const PLAYED_SECONDS = 6;
const JOIN_AFTER_PLAYED_SECONDS = 1;
const PLAYBACK_TIMEOUT_MS = 30_000;
/** Bound on one scenario's swarm (its beforeAll), ms. */
const SCENARIO_TIMEOUT_MS = 100_000;
jest.setTimeout(30_000);

/** One scenario: a player page in a mode, on one or more streams (one swarm each, played at once). */
interface Scenario {
  readonly player: 'hlsjs' | 'shaka';
  readonly mode: 'live' | 'vod';
  readonly streams: readonly string[];
}

/**
 * Scenarios play one after another. hls.js plays both containers (MPEG-TS and fMP4) in both
 * modes: the two streams of a mode are two separate swarms played at the same time, which costs
 * little more than one (a swarm spends most of its time waiting for playback to advance) and
 * less than a scenario more. Shaka plays one DASH addressing mode per mode.
 */
const SCENARIOS: readonly Scenario[] = [
  { player: 'hlsjs', mode: 'live', streams: ['hls-ts', 'hls-fmp4'] },
  { player: 'hlsjs', mode: 'vod', streams: ['hls-fmp4', 'hls-ts'] },
  { player: 'shaka', mode: 'live', streams: ['dash-number'] },
  { player: 'shaka', mode: 'vod', streams: ['dash-timeline'] },
];

/** A scenario's swarm of one stream. */
interface StreamRun {
  readonly stream: string;
  readonly run: SwarmRun;
}

describeWithFirefox('Firefox', () => {
  const suite = useCrossBrowserSuite(['firefox']);

  describe('the rig in Firefox', () => {
    /** One page for both probes: opening a Firefox context costs seconds on a loaded machine. */
    let probe: Viewer;

    beforeAll(async () => {
      const url = `${suite.stack.originUrl}/test-pages/hlsjs.html?engine=none`;
      probe = await suite.openViewer('firefox', url, 'rig probe');
    });

    afterAll(async () => {
      await probe.close();
    });

    test('the guard aborts and records requests and WebSockets to hosts outside the machine', async () => {
      const outcome = await probeOutsideHosts(probe.page);
      // Firefox's page errors for the blocked requests may trail the result: let them land before
      // they are cleared below, or the next test's stay-local check would see them (at most 3 s).
      for (let quiet = 0, waited = 0; quiet < 5 && waited < 30; waited++) {
        const before = probe.pageErrors.length;
        await new Promise((resolve) => setTimeout(resolve, 100));
        quiet = probe.pageErrors.length === before ? quiet + 1 : 0;
      }
      const external = [...probe.externalRequests].sort();
      // This page broke the rule on purpose; the afterEach check is for the real tests. Firefox
      // also reports each blocked request as a page error ("Cross-Origin Request Blocked").
      probe.externalRequests.length = 0;
      probe.pageErrors.length = 0;
      expect({ outcome, external }).toEqual({
        outcome: { fetchOutcome: 'failed', socketOutcome: 'closed' },
        external: [...OUTSIDE_PROBE_URLS],
      });
    });

    const inNamespace = process.env.P2PML_NETNS === '1';
    (inNamespace ? test : test.skip)(
      'Firefox offers the namespace test host as a WebRTC host candidate (no mDNS name)',
      async () => {
        const candidates = await gatherIceCandidates(probe.page);
        const testHost = process.env.P2PML_TEST_HOST ?? '';
        expect({
          candidates,
          hasTestHost: candidates.some((candidate) => candidate.includes(` ${testHost} `)),
          hasMdnsName: candidates.some((candidate) => candidate.includes('.local')),
        }).toEqual({ candidates, hasTestHost: true, hasMdnsName: false });
      },
    );
  });

  describe.each(
    SCENARIOS.map((scenario) => ({ ...scenario, label: scenario.streams.join(' and ') })),
  )('$player, $mode $label: two Firefox viewers per swarm', (scenario) => {
    let runs: StreamRun[] | undefined;

    beforeAll(async () => {
      runs = await Promise.all(
        scenario.streams.map(async (stream) => ({ stream, run: await playStream(stream) })),
      );
    }, SCENARIO_TIMEOUT_MS);

    /** Plays the scenario's swarm of `stream`. */
    function playStream(stream: string): Promise<SwarmRun> {
      const { player, mode } = scenario;
      const { stack } = suite;
      const session = `firefox-${player}-${stream}`;
      const src = stack.manifestUrl(stream, mode === 'live' ? { session } : undefined);
      const pathPrefix = mode === 'live' ? `/live/${session}/` : `/vod/${stream}/`;
      const p2p = { ...stack.localP2PConfig(), swarmId: `firefox-${player}-${mode}-${stream}` };
      const pageUrl =
        player === 'hlsjs'
          ? hlsjsPageUrl(stack.originUrl, { src, p2p })
          : shakaPageUrl(stack.originUrl, {
              src,
              p2p,
              shaka: { streaming: { rebufferingGoal: 2 } },
            });
      const specs: SwarmViewerSpec[] = Array.from({ length: VIEWER_COUNT }, () => ({
        browser: 'firefox',
        player,
        pageUrl,
      }));
      return playSwarm(suite, `${player} ${mode} ${stream}`, specs, pathPrefix, {
        playedSeconds: PLAYED_SECONDS,
        joinAfterPlayedSeconds: JOIN_AFTER_PLAYED_SECONDS,
        timeoutMs: PLAYBACK_TIMEOUT_MS,
      });
    }

    afterAll(() => {
      for (const { stream, run } of runs ?? []) {
        logSwarmSummary(`${scenario.player} ${scenario.mode} ${stream}`, run);
      }
    });

    /** The scenario's swarms (its beforeAll failed when there are none). */
    function played(): StreamRun[] {
      if (runs === undefined) throw new Error('the swarms did not play (see the beforeAll error)');
      return runs;
    }

    test(`every viewer plays ${PLAYED_SECONDS} s without a fatal error`, () => {
      for (const { stream, run } of played()) {
        expectCleanPlayback(run.snapshots, {
          playedSeconds: PLAYED_SECONDS,
          noStalls: false,
          summaries: [stream, ...viewerSummaries(run)],
        });
      }
    });

    test('some segments come from the other Firefox viewer', () => {
      const outcome = played().map(({ stream, run }) => ({
        stream,
        p2pBytes: run.p2pBytes,
        p2pSegments: run.snapshots.map(p2pDeliveries),
        summaries: viewerSummaries(run),
      }));
      expect(outcome.map((swarm) => ({ ...swarm, someFromPeers: swarm.p2pBytes > 0 }))).toEqual(
        outcome.map((swarm) => ({ ...swarm, someFromPeers: true })),
      );
    });

    test('every segment the players got is byte-identical to the origin file', () => {
      for (const { run } of played()) expectOriginBytes(run.snapshots, VIEWER_COUNT * 2);
    });
  });
});
