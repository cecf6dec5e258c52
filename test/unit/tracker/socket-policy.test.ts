/**
 * The tracker's per-connection rules as pure state: token bucket, peer id ownership, swarm cap and
 * connections per address.
 */
import type { TrackerRequest } from '../../../tracker/message-validation.js';
import {
  AddressConnectionCounter,
  DEFAULT_ANNOUNCE_BURST,
  DEFAULT_MAX_INFO_HASHES_PER_SOCKET,
  PeerIdRegistry,
  SocketPolicy,
  TokenBucket,
} from '../../../tracker/socket-policy.js';

const LIMITS = { maxInfoHashesPerSocket: 3, announcesPerSecond: 2, announceBurst: 4 };

function announce(peerId: string, infoHash: string, event?: string): TrackerRequest {
  return {
    kind: 'announce',
    infoHash,
    peerId,
    event,
    numwant: 0,
    left: undefined,
    offers: undefined,
  };
}

function answer(peerId: string, infoHash: string): TrackerRequest {
  return {
    kind: 'answer',
    infoHash,
    peerId,
    toPeerId: 'x'.repeat(20),
    offerId: 'o'.repeat(20),
    answer: { type: 'answer', sdp: '' },
  };
}

describe('TokenBucket', () => {
  it('allows a burst of `capacity`, then refills at the rate, never above capacity', () => {
    const bucket = new TokenBucket(2, 4, 0);
    expect([1, 2, 3, 4, 5].map(() => bucket.take(0))).toEqual([true, true, true, true, false]);
    expect(bucket.take(499)).toBe(false); // 0.998 tokens
    expect(bucket.take(500)).toBe(true); // one token after 500 ms at 2/s
    expect(bucket.take(500)).toBe(false);
    // A long pause refills to capacity, not beyond.
    const taken = Array.from({ length: 6 }, () => bucket.take(60_000)).filter(Boolean).length;
    expect(taken).toBe(4);
  });

  it('adds nothing when the clock goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 10_000);
    expect(bucket.take(10_000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(10_999)).toBe(false);
    expect(bucket.take(11_000)).toBe(true);
  });
});

describe('SocketPolicy', () => {
  it('binds the first peer id and refuses any other on the same socket', () => {
    const policy = new SocketPolicy(LIMITS, new PeerIdRegistry(), 0);
    expect(policy.admitRequest(announce('a', 'h1'))).toBeUndefined();
    expect(policy.admitRequest(announce('b', 'h1', 'stopped'))).toMatchObject({
      reason: 'peer-id-mismatch',
      infoHash: 'h1',
      action: 'announce',
    });
    expect(policy.admitRequest(answer('b', 'h1'))).toMatchObject({ reason: 'peer-id-mismatch' });
    expect(policy.admitRequest(announce('a', 'h2'))).toBeUndefined();
  });

  it("refuses a peer id another open socket holds, so nobody can stop someone else's peer", () => {
    const registry = new PeerIdRegistry<SocketPolicy>();
    const victim = new SocketPolicy(LIMITS, registry, 0);
    const attacker = new SocketPolicy(LIMITS, registry, 0);
    expect(victim.admitRequest(announce('victim', 'h1'))).toBeUndefined();
    expect(attacker.admitRequest(announce('victim', 'h1', 'stopped'))).toMatchObject({
      reason: 'peer-id-mismatch',
    });
    // The attacker was not bound by its refused message: it can still announce as itself.
    expect(attacker.admitRequest(announce('attacker', 'h1'))).toBeUndefined();
    // Once the victim's socket closes, its id is free again (a reconnect may take it).
    victim.release();
    expect(registry.size).toBe(1);
    const reconnected = new SocketPolicy(LIMITS, registry, 0);
    expect(reconnected.admitRequest(announce('victim', 'h1'))).toBeUndefined();
  });

  it('lets one peer id use several swarms up to the cap; a stop frees a slot; answers count', () => {
    const policy = new SocketPolicy(LIMITS, new PeerIdRegistry(), 0);
    expect(policy.admitRequest(announce('a', 'h1'))).toBeUndefined();
    expect(policy.admitRequest(answer('a', 'h2'))).toBeUndefined();
    expect(policy.admitRequest(announce('a', 'h3', 'started'))).toBeUndefined();
    // Announcing again in a swarm it is in costs nothing.
    expect(policy.admitRequest(announce('a', 'h1', 'update'))).toBeUndefined();
    expect(policy.admitRequest(announce('a', 'h4'))).toMatchObject({
      reason: 'too-many-info-hashes',
      infoHash: 'h4',
    });
    expect(policy.admitRequest(announce('a', 'h2', 'stopped'))).toBeUndefined();
    expect(policy.admitRequest(announce('a', 'h4'))).toBeUndefined();
  });

  it('lets scrapes through the peer id rule and charges every frame to the rate', () => {
    const policy = new SocketPolicy(LIMITS, new PeerIdRegistry(), 0);
    expect(policy.admitRequest({ kind: 'scrape', infoHashes: ['h'] })).toBeUndefined();
    const refusals = Array.from({ length: 6 }, () => policy.admitFrame(0));
    expect(refusals.filter((r) => r === undefined)).toHaveLength(LIMITS.announceBurst);
    expect(refusals[5]).toMatchObject({ reason: 'rate-limited', action: 'announce' });
    expect(policy.admitFrame(500)).toBeUndefined();
  });

  it('has defaults that fit one client in many swarms re-announcing all at once', () => {
    expect(DEFAULT_ANNOUNCE_BURST).toBeGreaterThanOrEqual(DEFAULT_MAX_INFO_HASHES_PER_SOCKET);
  });
});

describe('AddressConnectionCounter', () => {
  it('caps open connections per address and frees a slot on close', () => {
    const counter = new AddressConnectionCounter(2);
    expect([counter.open('1.2.3.4'), counter.open('1.2.3.4'), counter.open('1.2.3.4')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(counter.open('5.6.7.8')).toBe(true);
    counter.close('1.2.3.4');
    expect(counter.open('1.2.3.4')).toBe(true);
    counter.close('1.2.3.4');
    counter.close('1.2.3.4');
    counter.close('5.6.7.8');
    expect(counter.addresses).toBe(0);
  });

  it('has no cap when the limit is 0', () => {
    const counter = new AddressConnectionCounter(0);
    expect(Array.from({ length: 100 }, () => counter.open('::1')).every(Boolean)).toBe(true);
  });
});
