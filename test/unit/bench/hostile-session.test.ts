/**
 * The hostile peer's protocol side (test/support/hostile-peer/hostile-session.ts) against the
 * library's real PeerConnection over an in-memory channel: each behaviour does what the bench and
 * the browser test count on, and what the honest side makes of it.
 */
import { createHash } from 'node:crypto';
import { PeerConnection } from '../../../core/p2p/peer/peer-connection.js';
import type { P2PMediaLoaderError } from '../../../core/errors.js';
import {
  HostileSession,
  type HostileBehaviour,
} from '../../support/hostile-peer/hostile-session.js';
import { tamperSegment } from '../../support/hostile-peer/segment-tamper.js';
import { syntheticTsSegment } from '../../support/synthetic-segments.js';
import { waitUntil } from '../../support/wait.js';
import { memoryChannelPair } from '../p2p/peer/memory-channel.js';

const SEGMENT = new Uint8Array(syntheticTsSegment(7, 400)); // 75 200 bytes

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function pair(behaviour: HostileBehaviour) {
  const [hostileEnd, honestEnd] = memoryChannelPair();
  const session = new HostileSession(hostileEnd, {
    behaviour,
    streamKey: 'main:360p/index.m3u8',
    viewerPeerId: 'honest',
    segment: (_key, id) => Promise.resolve(id === 7 ? SEGMENT : undefined),
  });
  const honest = new PeerConnection(honestEnd, {
    peerId: 'hostile',
    localPeerId: 'honest',
    getLocalMap: () => ({ have: [], fetching: [] }),
    requestIdleTimeoutMs: 200,
  });
  const errors: P2PMediaLoaderError[] = [];
  honest.on('error', (error) => errors.push(error));
  return { session, honest, errors, hostileEnd, honestEnd };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('HostileSession', () => {
  it('wrong-bytes: serves the altered segment with its own matching digest, counted', async () => {
    const { session, honest } = pair('wrong-bytes');
    cleanups.push(
      () => {
        honest.destroy();
      },
      () => {
        session.close();
      },
    );
    await waitUntil(() => honest.state === 'ready', { timeoutMs: 2000, description: 'handshake' });
    const download = await honest.request(7);
    const expected = tamperSegment(SEGMENT).bytes;
    expect(sha256Hex(download.data)).toBe(sha256Hex(expected));
    expect(sha256Hex(download.data)).not.toBe(sha256Hex(SEGMENT));
    expect(Buffer.from(download.digest ?? []).toString('hex')).toBe(sha256Hex(expected));
    expect(session.record).toMatchObject({
      requests: 1,
      segmentsStarted: 1,
      wrongSegmentsSent: 1,
      bytesSent: SEGMENT.length,
      segmentsUntilFirstBadByte: 1,
      mapRangesSent: 1,
    });
    await expect(honest.request(8)).rejects.toThrow(); // unknown id: ABSENT
  });

  it('stalled-prefix: sends about a third, then nothing, so the request times out', async () => {
    const { session, honest } = pair('stalled-prefix');
    cleanups.push(
      () => {
        honest.destroy();
      },
      () => {
        session.close();
      },
    );
    await waitUntil(() => honest.state === 'ready', { timeoutMs: 2000, description: 'handshake' });
    await expect(honest.request(7)).rejects.toThrow(/sent nothing/);
    expect(session.record.bytesSent).toBe(Math.floor(SEGMENT.length * 0.3));
    expect(session.record.wrongSegmentsSent).toBe(0);
  });

  it('oversized-map: the honest side refuses the map and closes; the session records when', async () => {
    const { session, honest, errors } = pair('oversized-map');
    cleanups.push(
      () => {
        honest.destroy();
      },
      () => {
        session.close();
      },
    );
    await waitUntil(() => session.isClosed, { timeoutMs: 5000, description: 'close' });
    expect(errors.map((error) => error.code)).toEqual(['peer-protocol']);
    expect(session.record.closedAtMs).toBeGreaterThanOrEqual(session.record.openedAtMs);
    expect(session.record.mapRangesSent).toBeGreaterThan(1);
  });

  it('never throws on garbage from the other side', async () => {
    const { session, honestEnd } = pair('wrong-bytes');
    cleanups.push(() => {
      session.close();
    });
    honestEnd.send(new Uint8Array([1, 0x7f, 0xff, 0xff]));
    honestEnd.send(new Uint8Array([]));
    await waitUntil(() => session.record.undecodable >= 2, {
      timeoutMs: 1000,
      description: 'garbage counted',
    });
    expect(session.isClosed).toBe(false);
  });
});
