import {
  MAX_OFFERS_PER_ANNOUNCE,
  RECONNECT_MAX_DELAY_MS,
  RECONNECT_MIN_DELAY_MS,
  nextAnnounceDelayMs,
  offersForAnnounce,
  reconnectDelayMs,
} from '../../../../core/p2p/signalling/announce-policy.js';

const intervals = { announceIntervalMs: 60_000, fewPeersAnnounceIntervalMs: 15_000 };

describe('nextAnnounceDelayMs', () => {
  it('announces sooner while we hold few peers and the swarm has members we are not connected to', () => {
    expect(nextAnnounceDelayMs({ peerCount: 1, maxPeers: 12, swarmSize: 10 }, intervals, 0.5)).toBe(
      15_000,
    );
  });

  it('uses the regular interval when we are alone in the swarm: newcomers will find us', () => {
    expect(nextAnnounceDelayMs({ peerCount: 0, maxPeers: 12, swarmSize: 1 }, intervals, 0.5)).toBe(
      60_000,
    );
    expect(nextAnnounceDelayMs({ peerCount: 0, maxPeers: 12, swarmSize: 0 }, intervals, 0.5)).toBe(
      60_000,
    );
  });

  it('uses the regular interval once we hold half of maxPeers or every other member', () => {
    expect(nextAnnounceDelayMs({ peerCount: 6, maxPeers: 12, swarmSize: 50 }, intervals, 0.5)).toBe(
      60_000,
    );
    expect(nextAnnounceDelayMs({ peerCount: 3, maxPeers: 12, swarmSize: 4 }, intervals, 0.5)).toBe(
      60_000,
    );
  });

  it('spreads announces by at most ±10 %', () => {
    const state = { peerCount: 6, maxPeers: 12, swarmSize: 7 };
    expect(nextAnnounceDelayMs(state, intervals, 0)).toBe(54_000);
    expect(nextAnnounceDelayMs(state, intervals, 0.999_999)).toBe(66_000);
  });
});

describe('offersForAnnounce', () => {
  it('sends no more offers than free peer slots, the configured count, or the library limit', () => {
    expect(offersForAnnounce(0, 12, 5)).toBe(5);
    expect(offersForAnnounce(10, 12, 5)).toBe(2);
    expect(offersForAnnounce(12, 12, 5)).toBe(0);
    expect(offersForAnnounce(15, 12, 5)).toBe(0);
    expect(offersForAnnounce(0, 12, 3)).toBe(3);
    expect(offersForAnnounce(0, 50, 20)).toBe(MAX_OFFERS_PER_ANNOUNCE);
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from the minimum per failed attempt up to the maximum', () => {
    const upper = (attempt: number) => reconnectDelayMs(attempt, 0.999_999_9);
    expect(upper(0)).toBe(RECONNECT_MIN_DELAY_MS);
    expect(upper(1)).toBe(2 * RECONNECT_MIN_DELAY_MS);
    expect(upper(2)).toBe(4 * RECONNECT_MIN_DELAY_MS);
    expect(upper(10)).toBe(RECONNECT_MAX_DELAY_MS);
    expect(upper(10_000)).toBe(RECONNECT_MAX_DELAY_MS);
  });

  it('jitters each delay into the upper half of its step', () => {
    expect(reconnectDelayMs(0, 0)).toBe(RECONNECT_MIN_DELAY_MS / 2);
    expect(reconnectDelayMs(20, 0)).toBe(RECONNECT_MAX_DELAY_MS / 2);
  });
});
