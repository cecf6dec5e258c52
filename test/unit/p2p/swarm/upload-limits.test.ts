import { P2PMediaLoaderError } from '../../../../core/errors.js';
import { PeerRequestError } from '../../../../core/p2p/peer/peer-request-error.js';
import { MAX_PENALIZED_PEERS, maxUploadsPerPeer } from '../../../../core/p2p/peer/peer-limits.js';
import { PeerBans } from '../../../../core/p2p/swarm/peer-bans.js';
import { PeerPenalties, isMisbehaviour } from '../../../../core/p2p/swarm/peer-penalties.js';
import { UploadLimiter } from '../../../../core/p2p/swarm/upload-limiter.js';

describe('UploadLimiter', () => {
  it('hands out at most maxConcurrentUploads slots and takes them back once', () => {
    const limiter = new UploadLimiter({ maxConcurrentUploads: 2, bytesPerSecond: 0 });
    const a = limiter.tryAcquire('p1');
    const b = limiter.tryAcquire('p2');
    expect(a && b).toBeTruthy();
    expect(limiter.tryAcquire('p3')).toBeUndefined();
    a?.();
    a?.();
    expect(limiter.activeUploads).toBe(1);
    expect(limiter.tryAcquire('p3')).toBeDefined();
  });

  it('lets one peer hold at most half of the upload slots, so others still get served', () => {
    const limiter = new UploadLimiter({ maxConcurrentUploads: 6, bytesPerSecond: 0 });
    const greedy = Array.from({ length: 6 }, () => limiter.tryAcquire('greedy'));
    expect(greedy.filter(Boolean)).toHaveLength(3);
    expect(limiter.uploadsOf('greedy')).toBe(3);
    expect(limiter.tryAcquire('other')).toBeDefined();
    greedy[0]?.();
    expect(limiter.uploadsOf('greedy')).toBe(2);
    expect(limiter.tryAcquire('greedy')).toBeDefined();
    expect([0, 1, 2, 3, 6, 50].map(maxUploadsPerPeer)).toEqual([1, 1, 1, 1, 3, 25]);
  });

  it('paces bytes to the configured average rate', () => {
    let now = 0;
    const limiter = new UploadLimiter(
      { maxConcurrentUploads: 5, bytesPerSecond: 100_000 },
      () => now,
    );
    expect(limiter.delayBeforeSending(100_000)).toBe(0); // a full bucket
    expect(limiter.delayBeforeSending(50_000)).toBe(500);
    now = 500;
    expect(limiter.delayBeforeSending(50_000)).toBe(0);
    expect(
      new UploadLimiter({ maxConcurrentUploads: 1, bytesPerSecond: 0 }).delayBeforeSending(1e9),
    ).toBe(0);
  });
});

describe('PeerPenalties', () => {
  it('excludes a silent peer longer than a busy one, and longer on every strike', () => {
    let now = 0;
    const penalties = new PeerPenalties(() => now);
    penalties.penalize('busy', new PeerRequestError('busy', 'busy'));
    penalties.penalize('silent', new PeerRequestError('idle-timeout', 'silent'));
    now = 600;
    expect(penalties.isPenalized('busy')).toBe(false);
    expect(penalties.isPenalized('silent')).toBe(true);
    now = 10_700;
    expect(penalties.isPenalized('silent')).toBe(false);
    penalties.penalize('silent', new PeerRequestError('idle-timeout', 'silent again'));
    now = 10_700 + 15_000;
    expect(penalties.isPenalized('silent')).toBe(true);
  });

  it('keeps a violator excluded and counts its violations whatever it does in between', () => {
    let now = 0;
    const penalties = new PeerPenalties(() => now);
    const violation = new P2PMediaLoaderError('peer-protocol', 'bad map');
    expect(penalties.penalize('rogue', violation)).toBe(1);
    expect(penalties.isExcludedForMisbehaviour('rogue')).toBe(true);
    // A busy answer later does not shorten nor clear the violation's exclusion.
    penalties.penalize('rogue', new PeerRequestError('busy', 'busy'));
    expect(penalties.isExcludedForMisbehaviour('rogue')).toBe(true);
    now = 29_999;
    expect(penalties.isPenalized('rogue')).toBe(true);
    now = 200_000;
    expect(penalties.isExcludedForMisbehaviour('rogue')).toBe(false);
    expect(penalties.penalize('rogue', violation)).toBe(2);
    penalties.penalize('merely-busy', new PeerRequestError('busy', 'busy'));
    expect(penalties.isExcludedForMisbehaviour('merely-busy')).toBe(false);
  });

  it('remembers at most MAX_PENALIZED_PEERS peers, forgetting the oldest', () => {
    const penalties = new PeerPenalties(() => 0);
    const violation = new P2PMediaLoaderError('peer-protocol', 'bad');
    for (let index = 0; index <= MAX_PENALIZED_PEERS; index++) {
      penalties.penalize(`peer-${index}`, violation);
    }
    expect(penalties.isPenalized('peer-0')).toBe(false);
    expect(penalties.isPenalized(`peer-${MAX_PENALIZED_PEERS}`)).toBe(true);
  });

  it('treats corrupt data and protocol violations as misbehaviour', () => {
    expect(isMisbehaviour(new P2PMediaLoaderError('segment-integrity', 'bad'))).toBe(true);
    expect(isMisbehaviour(new P2PMediaLoaderError('peer-protocol', 'bad'))).toBe(true);
    expect(isMisbehaviour(new PeerRequestError('absent', 'no'))).toBe(false);
  });
});

describe('PeerBans', () => {
  it('bans once, tells listeners once, and keeps the reason', () => {
    const bans = new PeerBans();
    const heard: string[] = [];
    const off = bans.onBan((peerId) => heard.push(peerId));
    const reason = new P2PMediaLoaderError('segment-integrity', 'hash mismatch');
    expect(bans.ban('rogue', reason)).toBe(true);
    expect(bans.ban('rogue', reason)).toBe(false);
    expect(bans.isBanned('rogue')).toBe(true);
    expect(bans.reasonFor('rogue')).toBe(reason);
    off();
    bans.ban('another', reason);
    expect(heard).toEqual(['rogue']);
    expect(bans.size).toBe(2);
  });
});
