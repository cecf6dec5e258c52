/** The attack fields of the bench's JSON line: pure math over arms, hostile reports and digests. */
import type { HostilePeerReport } from '../../support/hostile-peer/index.js';
import type { ArmResult, ViewerOutcome } from '../../../scripts/bench/arm-runner.js';
import {
  armOffload,
  attackFigures,
  compareWithOrigin,
  segmentsUntilBan,
} from '../../../scripts/bench/attack-report.js';
import { formatScenario } from '../../../scripts/bench/report-table.js';
import type { ScenarioReport } from '../../../scripts/bench/scenario-report.js';

/** Origin digests: the digest of `<url>` is `ok:<url>`. */
const originDigest = (url: string, start?: number): string => `ok:${url}${start ?? ''}`;

function viewer(
  name: string,
  segments: { url: string; sha256?: string; rangeStart?: number }[],
  trace: Record<string, unknown>[] = [],
  mediaBytes = 1000,
): ViewerOutcome {
  return {
    name,
    segments: segments.map((segment) => ({
      sn: 1,
      type: 'main',
      level: 0,
      byteLength: 100,
      ...segment,
    })),
    trace,
    final: { mediaBytes },
  } as unknown as ViewerOutcome;
}

function arm(originBytes: number, ...viewers: ViewerOutcome[]): ArmResult {
  return { viewers, originBytes, timeline: [], startedAtEpochMs: 0 };
}

function session(viewerPeerId: string, segmentsStarted: number) {
  return {
    viewerPeerId,
    streamKey: 'main:360p/index.m3u8',
    openedAtMs: 0,
    helloAtMs: 1,
    requests: segmentsStarted,
    segmentsStarted,
    wrongSegmentsSent: segmentsStarted,
    bytesSent: segmentsStarted * 100,
    firstBadByteAtMs: segmentsStarted > 0 ? 2 : undefined,
    segmentsUntilFirstBadByte: segmentsStarted > 0 ? 1 : undefined,
    mapRangesSent: 1,
    undecodable: 0,
    closedAtMs: 3,
  };
}

function attacker(peerId: string, sessions: ReturnType<typeof session>[]): HostilePeerReport {
  return {
    peerId,
    behaviour: 'wrong-bytes',
    streamKeys: ['main:360p/index.m3u8'],
    sessions,
    requests: sessions.reduce((sum, s) => sum + s.requests, 0),
    segmentsStarted: sessions.reduce((sum, s) => sum + s.segmentsStarted, 0),
    wrongSegmentsSent: sessions.reduce((sum, s) => sum + s.wrongSegmentsSent, 0),
    bytesSent: sessions.reduce((sum, s) => sum + s.bytesSent, 0),
    viewersConnected: new Set(sessions.map((s) => s.viewerPeerId)).size,
    viewersDisconnected: new Set(sessions.map((s) => s.viewerPeerId)).size,
  };
}

describe('compareWithOrigin', () => {
  it('counts segments whose digest differs from the origin, unhashed and foreign ones included', () => {
    const result = compareWithOrigin(
      arm(
        0,
        viewer('a', [
          { url: 'u1', sha256: 'ok:u1' },
          { url: 'u2', sha256: 'bad' },
          { url: 'u3', rangeStart: 5, sha256: 'ok:u35' },
        ]),
        viewer('b', [{ url: 'u1' }]),
      ),
      originDigest,
    );
    expect(result).toEqual({ wrong: 2, checked: 4, wrongExamples: ['a: u2', 'b: u1'] });
    const throwing = compareWithOrigin(arm(0, viewer('c', [{ url: 'x', sha256: 'y' }])), () => {
      throw new Error('not an origin URL');
    });
    expect(throwing.wrong).toBe(1);
  });
});

describe('segmentsUntilBan', () => {
  it('sums what each attacker sent each viewer over its reconnections', () => {
    const counts = segmentsUntilBan([
      attacker('evil1', [session('v1', 1), session('v2', 2), session('v1', 1), session('v3', 0)]),
      attacker('evil2', [session('v1', 3)]),
    ]);
    expect(
      Object.fromEntries([...counts].map(([key, map]) => [key, Object.fromEntries(map)])),
    ).toEqual({
      v1: { evil1: 2, evil2: 3 },
      v2: { evil1: 2 },
    });
  });
});

describe('attackFigures', () => {
  const banned = (peerId: string) => ({ atMs: 1, event: 'peer-banned', peerId, error: 'x' });

  it('meets every target when nothing wrong played and each viewer banned after one segment', () => {
    const attacked = arm(
      400,
      viewer('a', [{ url: 'u1', sha256: 'ok:u1' }], [banned('evil')], 1000),
      viewer('b', [{ url: 'u1', sha256: 'ok:u1' }], [banned('evil')], 1000),
    );
    const clean = arm(200, viewer('a', [], [], 1000), viewer('b', [], [], 1000));
    const figures = attackFigures({
      attack: 'wrong-bytes',
      trustedHashes: true,
      attacked,
      attackers: [attacker('evil', [session('va', 1), session('vb', 1)])],
      clean,
      originDigest,
      digestsRecorded: true,
    });
    expect(figures).toEqual({
      attackers: 1,
      attack: 'wrong-bytes',
      trustedHashes: true,
      wrongSegmentsPlayed: 0,
      segmentsChecked: 2,
      segmentsUntilBanMax: 1,
      viewersThatBanned: 2,
      viewersReached: 2,
      attackerSegmentsSent: 2,
      attackerBytesSent: 200,
      offloadWithoutAttackers: 0.9,
      // 1 - 400/2000 = 0.8 < 0.9 x 0.9 = 0.81
      attackTargetsMet: { noWrongBytes: true, bannedWithinOneSegment: true, offload: false },
    });
    expect(armOffload(attacked)).toBe(0.8);
  });

  it('reports wrong segments played and slow or missing bans', () => {
    const figures = attackFigures({
      attack: 'wrong-bytes',
      trustedHashes: false,
      attacked: arm(100, viewer('a', [{ url: 'u1', sha256: 'tampered' }], [], 1000)),
      attackers: [attacker('evil', [session('va', 3)])],
      clean: arm(100, viewer('a', [], [], 1000)),
      originDigest,
      digestsRecorded: true,
    });
    expect(figures).toMatchObject({
      wrongSegmentsPlayed: 1,
      segmentsUntilBanMax: 3,
      viewersThatBanned: 0,
      attackTargetsMet: { noWrongBytes: false, bannedWithinOneSegment: false, offload: true },
    });
  });

  it('has no attack targets and null attack fields without attackers', () => {
    const figures = attackFigures({
      attack: 'wrong-bytes',
      trustedHashes: true,
      attacked: arm(100, viewer('a', [{ url: 'u1', sha256: 'ok:u1' }])),
      attackers: [],
      clean: undefined,
      originDigest,
      digestsRecorded: true,
    });
    expect(figures).toMatchObject({
      attackers: 0,
      attack: null,
      wrongSegmentsPlayed: 0,
      segmentsUntilBanMax: null,
      offloadWithoutAttackers: null,
      attackTargetsMet: null,
    });
  });

  it('checks nothing (null wrong segments, not all of them) for a page that records no digests', () => {
    const figures = attackFigures({
      attack: 'wrong-bytes',
      trustedHashes: true,
      // A Video.js page: its segments carry no sha256.
      attacked: arm(100, viewer('a', [{ url: 'u1' }, { url: 'u2' }])),
      attackers: [],
      clean: undefined,
      originDigest,
      digestsRecorded: false,
    });
    expect(figures).toMatchObject({ wrongSegmentsPlayed: null, segmentsChecked: 0 });
  });

  it('adds an attack line to the table only for scenarios with attackers', () => {
    const report = {
      mode: 'vod',
      peers: 2,
      stream: 'hls-ts',
      seconds: 60,
      staggerSeconds: 3,
      player: 'hlsjs',
      engine: 'hlsjs',
      capLevel: null,
      originBytes: 0,
      playedBytes: 0,
      originOffload: 0.5,
      idealOffload: 0.5,
      reachableOffload: 0.5,
      connectedOffload: 0.5,
      stalls: 0,
      stallMs: 0,
      startupMsMedian: 1,
      baselineStartupMsMedian: 1,
      baselineStalls: 0,
      baselineStallMs: 0,
      baselineOriginBytes: 0,
      baselinePlayedBytes: 0,
      p2pBytes: 0,
      httpBytes: 0,
      uploadBytes: 0,
      cpuBusyMedian: null,
      baselineCpuBusyMedian: null,
      notStarted: 0,
      baselineNotStarted: 0,
      problems: [],
      targetsMet: { offload: true, stalls: true, startup: true },
    } as unknown as ScenarioReport;
    expect(formatScenario(report)).not.toContain('attack');
    const attacked = attackFigures({
      attack: 'wrong-bytes',
      trustedHashes: true,
      attacked: arm(100, viewer('a', [{ url: 'u1', sha256: 'ok:u1' }], [banned('evil')])),
      attackers: [attacker('evil', [session('va', 1)])],
      clean: arm(100, viewer('a', [])),
      originDigest,
      digestsRecorded: true,
    });
    const text = formatScenario({ ...report, ...attacked });
    expect(text).toContain('attack: 1 x wrong-bytes, trusted hashes on: 0 wrong of 1 segments');
    expect(text).toContain('attack targets: no wrong bytes met, ban within one segment met');
  });
});
