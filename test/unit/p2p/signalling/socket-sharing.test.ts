/**
 * Socket URLs per peer id (core/p2p/signalling/socket-sharing.ts): bittorrent-tracker's client pools
 * one WebSocket per URL in a page or process, so two peer ids must never hold one URL at once.
 */
import { createPeerId } from '../../../../core/p2p/signalling/peer-id.js';
import {
  acquireSocketUrl,
  releaseSocketUrl,
} from '../../../../core/p2p/signalling/socket-sharing.js';

const TRACKER = 'ws://tracker.test:8000/';

describe('socket URLs per peer id', () => {
  it('gives each peer id its own URL and every swarm of one peer id the same one', () => {
    const [a, b] = [createPeerId(), createPeerId()];
    const aFirst = acquireSocketUrl(TRACKER, a);
    const aSecond = acquireSocketUrl(TRACKER, a);
    const bFirst = acquireSocketUrl(TRACKER, b);
    expect(aSecond).toBe(aFirst);
    expect(bFirst).not.toBe(aFirst);
    // The query tells peers apart by the random end of the id, not the shared client prefix.
    expect(new URL(bFirst).searchParams.get('p2pml')).toBe(`${b.slice(-12)}-1`);
    for (const [url, peerId] of [
      [aFirst, a],
      [aSecond, a],
      [bFirst, b],
    ] as const)
      releaseSocketUrl(url, peerId);
  });

  it("keeps a URL its peer id's until every swarm holding it let go (no two peer ids on one socket)", () => {
    const [a, b] = [createPeerId(), createPeerId()];
    const aUrl = acquireSocketUrl(TRACKER, a);
    acquireSocketUrl(TRACKER, a); // a second swarm of the same engine shares the socket
    releaseSocketUrl(aUrl, a); // the engine left one swarm: the other still uses the socket
    const bUrl = acquireSocketUrl(TRACKER, b);
    expect(bUrl).not.toBe(aUrl);
    releaseSocketUrl(aUrl, a); // the last swarm left: the URL is free again
    const c = createPeerId();
    expect(acquireSocketUrl(TRACKER, c)).toBe(aUrl);
    releaseSocketUrl(aUrl, c);
    releaseSocketUrl(bUrl, b);
  });

  it('ignores a release by a peer id that does not hold the URL', () => {
    const [a, b] = [createPeerId(), createPeerId()];
    const aUrl = acquireSocketUrl(TRACKER, a);
    releaseSocketUrl(aUrl, b);
    expect(acquireSocketUrl(TRACKER, b)).not.toBe(aUrl);
  });
});
