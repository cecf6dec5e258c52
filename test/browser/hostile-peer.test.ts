/**
 * A hostile peer in the swarm, end to end: one Chromium viewer with trusted hashes (the origin's
 * signed `segments-sha256.json`) plays while a Node peer with real WebRTC (test/support/hostile-peer)
 * claims every segment and serves self-consistent wrong bytes (media payload altered, container
 * intact, its own matching SHA-256). For hls.js (MPEG-TS and fMP4) and Shaka (DASH), live and VOD:
 * playback advances, every segment handed to the player is the origin's exact bytes, and the viewer
 * bans the attacker (`peer-banned`) after it served bytes. The cases run three at a time.
 */
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import {
  hlsjsPageUrl,
  readSnapshot,
  waitForHashes,
  waitForPlayed,
  type HarnessSnapshot,
} from '../support/hlsjs-page.js';
import {
  startHostilePeer,
  trustedHashesConfig,
  type HostilePeerReport,
} from '../support/hostile-peer/index.js';
import { MEDIA_DIR, originMismatches } from '../support/origin-media.js';
import { shakaPageUrl } from '../support/shaka-page.js';
import { settle, unwrap, waitUntil, type Settled } from '../support/wait.js';

/** Seconds each viewer plays: a few segments of 2 s past startup. */
const PLAYED_SECONDS = 10;
/** Cases played at once (each is a Chromium page and a WebRTC peer on a 2-core machine). */
const PARALLEL_CASES = 3;
jest.setTimeout(120_000);

interface CaseSpec {
  readonly player: 'hlsjs' | 'shaka';
  readonly stream: 'hls-ts' | 'hls-fmp4' | 'dash-number';
  readonly live: boolean;
}

const CASES: readonly CaseSpec[] = [
  { player: 'hlsjs', stream: 'hls-ts', live: true },
  { player: 'hlsjs', stream: 'hls-fmp4', live: false },
  { player: 'shaka', stream: 'dash-number', live: true },
  { player: 'hlsjs', stream: 'hls-ts', live: false },
  { player: 'hlsjs', stream: 'hls-fmp4', live: true },
  { player: 'shaka', stream: 'dash-number', live: false },
];

function caseName(spec: CaseSpec): string {
  return `${spec.player} ${spec.stream} ${spec.live ? 'live' : 'VOD'}`;
}

/** What one case ended with. */
interface CaseRun {
  readonly snapshot: HarnessSnapshot;
  readonly attacker: HostilePeerReport;
}

const suite = useBrowserSuite();
const { viewers } = suite;
const runs = new Map<string, Settled<CaseRun>>();

function bannedPeers(snapshot: HarnessSnapshot): string[] {
  return snapshot.trace
    .filter((entry) => entry.event === 'peer-banned')
    .map((entry) => String(entry.peerId));
}

/** The `peer-banned` error codes (`<code>: <message>` in the trace) for `peerId`. */
function banCodes(snapshot: HarnessSnapshot, peerId: string): string[] {
  return snapshot.trace
    .filter((entry) => entry.event === 'peer-banned' && entry.peerId === peerId)
    .map((entry) => String(entry.error).split(':')[0] ?? '');
}

async function runCase(spec: CaseSpec, index: number): Promise<CaseRun> {
  const { stack } = suite;
  const integrity = trustedHashesConfig(MEDIA_DIR, spec.stream);
  if (integrity === undefined) {
    throw new Error(`${spec.stream} has no hash manifest: run examples/media/generate.sh --force`);
  }
  const id = `hostile-${index}-${Date.now().toString(36)}`;
  const src = stack.manifestUrl(spec.stream, spec.live ? { session: id } : undefined);
  const swarmId = `hostile-peer-test-${id}`;
  const attacker = await startHostilePeer({
    manifestUrl: src,
    swarmId,
    trackers: [stack.localP2PConfig().trackers[0] ?? ''],
    behaviour: 'wrong-bytes',
  });
  let viewer: Viewer | undefined;
  try {
    const p2p = { ...stack.localP2PConfig(), swarmId, integrity };
    const url =
      spec.player === 'shaka'
        ? shakaPageUrl(stack.originUrl, {
            src,
            p2p,
            ...(spec.live ? { shaka: { streaming: { updateIntervalSeconds: 0.1 } } } : {}),
          })
        : hlsjsPageUrl(stack.originUrl, { src, p2p });
    viewer = await viewers.open(suite.browser, url, caseName(spec));
    const page = viewer.page;
    await waitForPlayed(page, PLAYED_SECONDS, 60_000);
    // The ban follows the attacker's first segment; give a late first request a little time.
    await waitUntil(async () => bannedPeers(await readSnapshot(page)).includes(attacker.peerId), {
      timeoutMs: 15_000,
      intervalMs: 250,
      description: `${caseName(spec)}: peer-banned for the attacker`,
      lastSeen: () => JSON.stringify(attacker.report().sessions),
    }).catch(() => undefined); // asserted below, with the whole picture
    const played = await readSnapshot(page);
    await page.evaluate(() => window.__harness?.destroy());
    const delivered = await waitForHashes(page);
    return {
      snapshot: { ...delivered, playedSeconds: played.playedSeconds, trace: played.trace },
      attacker: attacker.report(),
    };
  } finally {
    await attacker.destroy();
  }
}

beforeAll(async () => {
  const queue = CASES.map((spec, index) => ({ spec, index }));
  const workers = Array.from({ length: PARALLEL_CASES }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      runs.set(caseName(next.spec), await settle(runCase(next.spec, next.index)));
    }
  });
  await Promise.all(workers);
});

describe.each(CASES.map((spec) => ({ ...spec, name: caseName(spec) })))(
  'hostile peer in the swarm: $name',
  ({ name }) => {
    test('playback advances and every segment the player got is the origin’s exact bytes', () => {
      const run = unwrap(runs.get(name) ?? { ok: false, error: new Error('case did not run') });
      expect(run.snapshot.setupError).toBeUndefined();
      expect(run.snapshot.fatalErrors).toEqual([]);
      expect(run.snapshot.playedSeconds).toBeGreaterThanOrEqual(PLAYED_SECONDS);
      const { mismatches } = originMismatches([run.snapshot]);
      expect(run.snapshot.segments.length).toBeGreaterThanOrEqual(PLAYED_SECONDS / 2);
      expect(mismatches).toEqual([]);
    });

    test('the attacker served wrong bytes and the viewer banned it', () => {
      const run = unwrap(runs.get(name) ?? { ok: false, error: new Error('case did not run') });
      const { attacker, snapshot } = run;
      const outcome = {
        attackerBytesSent: attacker.bytesSent,
        attackerSegmentsStarted: attacker.segmentsStarted,
        banned: bannedPeers(snapshot).includes(attacker.peerId),
        banCodes: banCodes(snapshot, attacker.peerId),
        sessions: attacker.sessions.map(
          (session) =>
            `${session.streamKey}: requests ${session.requests}, started ${session.segmentsStarted}, ` +
            `closed ${session.closedAtMs === undefined ? 'no' : 'yes'}`,
        ),
      };
      // How many segments it started before the ban is the bench's measure (several requests
      // can be in flight to one peer when the first bad one completes), not asserted here.
      expect({ ...outcome, servedBytes: attacker.bytesSent > 0 }).toEqual({
        ...outcome,
        servedBytes: true,
        banned: true,
        banCodes: ['segment-integrity'],
      });
    });
  },
);
