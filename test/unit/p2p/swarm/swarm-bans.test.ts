/**
 * Swarm's penalty and ban bookkeeping, without trackers: violations exclude a peer id, the third
 * one bans it, a ban is announced once and shared by every swarm of the engine (one PeerBans).
 */
import { P2PMediaLoaderError } from '../../../../core/errors.js';
import type { EngineEventMap } from '../../../../core/events/engine-events.js';
import { MISBEHAVIOURS_BEFORE_BAN } from '../../../../core/p2p/peer/peer-limits.js';
import { PeerRequestError } from '../../../../core/p2p/peer/peer-request-error.js';
import { DigestBook } from '../../../../core/p2p/swarm/digest-book.js';
import { PeerBans } from '../../../../core/p2p/swarm/peer-bans.js';
import { PeerPenalties } from '../../../../core/p2p/swarm/peer-penalties.js';
import { Swarm } from '../../../../core/p2p/swarm/swarm.js';
import { UploadLimiter } from '../../../../core/p2p/swarm/upload-limiter.js';
import { SegmentStore } from '../../../../core/storage/segment-store.js';

const PEER = 'ab'.repeat(20);

function swarms(count: number) {
  const store = new SegmentStore({
    budgetBytes: 1024 * 1024,
    liveEvictionMarginSeconds: 60,
    protectAheadSeconds: 30,
  });
  const digests = new DigestBook(store);
  const bans = new PeerBans();
  const penalties = new PeerPenalties();
  const events: { event: keyof EngineEventMap; payload: unknown }[] = [];
  const list = Array.from(
    { length: count },
    (_, index) =>
      new Swarm({
        streamKey: `main:${index}.m3u8`,
        infoHash: String(index).padStart(40, '0'),
        localPeerId: 'cd'.repeat(20),
        trackers: [],
        rtcConfig: {},
        maxPeers: 4,
        peerIdleTimeoutMs: 2000,
        uploadDisabled: false,
        store,
        digests,
        limiter: new UploadLimiter({ maxConcurrentUploads: 6, bytesPerSecond: 0 }),
        penalties,
        bans,
        emit: (event, payload) => {
          events.push({ event, payload });
        },
        recordUpload: () => undefined,
      }),
  );
  const destroy = (): void => {
    for (const swarm of list) swarm.destroy();
    digests.destroy();
    store.destroy();
  };
  return { list, events, destroy };
}

describe('Swarm bans', () => {
  it(`bans a peer id at its ${MISBEHAVIOURS_BEFORE_BAN}rd violation, in every swarm of the engine`, () => {
    const { list, events, destroy } = swarms(2);
    const [first, second] = list as [Swarm, Swarm];
    try {
      first.penalize(PEER, new PeerRequestError('busy', 'busy'));
      expect(first.admits(PEER)).toBe(true); // merely busy: still welcome
      const violation = new P2PMediaLoaderError('peer-protocol', 'garbage');
      for (let strike = 1; strike < MISBEHAVIOURS_BEFORE_BAN; strike++) {
        first.penalize(PEER, violation);
      }
      expect(first.admits(PEER)).toBe(false); // excluded for now
      expect(events.some((e) => e.event === 'peer-banned')).toBe(false);
      second.penalize(PEER, violation);
      const banned = events.filter((e) => e.event === 'peer-banned');
      expect(banned).toHaveLength(1);
      expect(banned[0]?.payload).toMatchObject({ peerId: PEER });
      expect((banned[0]?.payload as EngineEventMap['peer-banned']).error.message).toMatch(
        /banned after 3 violations; the last: garbage/,
      );
      expect([first.admits(PEER), second.admits(PEER)]).toEqual([false, false]);
      first.ban(PEER, violation);
      expect(events.filter((e) => e.event === 'peer-banned')).toHaveLength(1);
    } finally {
      destroy();
    }
  });

  it('bans at once on request (a segment contradicting the trusted hash)', () => {
    const { list, events, destroy } = swarms(1);
    const [swarm] = list as [Swarm];
    try {
      swarm.ban(PEER, new P2PMediaLoaderError('segment-integrity', 'differs from the origin'));
      expect(swarm.admits(PEER)).toBe(false);
      expect(events.map((e) => e.event)).toEqual(['peer-banned']);
      expect(swarm.candidates(1)).toEqual([]);
    } finally {
      destroy();
    }
  });
});
