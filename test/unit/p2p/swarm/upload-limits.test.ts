import { P2PMediaLoaderError } from '../../../../core/errors.js';
import { PeerRequestError } from '../../../../core/p2p/peer/peer-request-error.js';
import { PeerPenalties, isMisbehaviour } from '../../../../core/p2p/swarm/peer-penalties.js';
import { UploadLimiter } from '../../../../core/p2p/swarm/upload-limiter.js';

describe('UploadLimiter', () => {
  it('hands out at most maxConcurrentUploads slots and takes them back once', () => {
    const limiter = new UploadLimiter({ maxConcurrentUploads: 2, bytesPerSecond: 0 });
    const a = limiter.tryAcquire();
    const b = limiter.tryAcquire();
    expect(a && b).toBeTruthy();
    expect(limiter.tryAcquire()).toBeUndefined();
    a?.();
    a?.();
    expect(limiter.activeUploads).toBe(1);
    expect(limiter.tryAcquire()).toBeDefined();
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
    penalties.forget('silent');
    expect(penalties.isPenalized('silent')).toBe(false);
  });

  it('treats corrupt data and protocol violations as misbehaviour', () => {
    expect(isMisbehaviour(new P2PMediaLoaderError('segment-integrity', 'bad'))).toBe(true);
    expect(isMisbehaviour(new P2PMediaLoaderError('peer-protocol', 'bad'))).toBe(true);
    expect(isMisbehaviour(new PeerRequestError('absent', 'no'))).toBe(false);
  });
});
