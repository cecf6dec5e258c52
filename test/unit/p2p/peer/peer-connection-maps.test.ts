import type { SegmentMapChange } from '../../../../core/p2p/peer/remote-segment-map.js';
import { idsFromRanges } from '../../../../core/p2p/protocol/segment-id-ranges.js';
import { connectPair, nextEvent, readyPair, settled } from './peer-harness.js';

describe('PeerConnection handshake and segment maps', () => {
  it('exchanges HELLO and full maps, then reports the remote map', async () => {
    const pair = connectPair(
      { map: { have: [1, 2, 3, 2 ** 40], fetching: [4] } },
      { map: { have: [10], fetching: [] }, uploadDisabled: true },
    );
    expect(pair.a.connection.state).toBe('handshaking');
    const [readyA, readyB, mapAtB] = await Promise.all([
      nextEvent(pair.a.connection, 'ready'),
      nextEvent(pair.b.connection, 'ready'),
      nextEvent(pair.b.connection, 'remote-map'),
    ]);
    expect(readyA).toEqual({ protocolVersion: 1, remoteUploadDisabled: true });
    expect(readyB).toEqual({ protocolVersion: 1, remoteUploadDisabled: false });
    expect(pair.a.connection.state).toBe('ready');
    expect(mapAtB).toEqual({
      added: [
        { start: 1, end: 4 },
        { start: 2 ** 40, end: 2 ** 40 + 1 },
      ],
      removed: [],
      fetchStarted: [{ start: 4, end: 5 }],
      fetchEnded: [],
    });
    const b = pair.b.connection;
    expect([1, 2, 3, 2 ** 40].map((id) => b.remoteHas(id))).toEqual([true, true, true, true]);
    expect(b.remoteHas(4)).toBe(false);
    expect(b.remoteIsFetching(4)).toBe(true);
    await settled(pair);
    expect(pair.a.connection.remoteHas(10)).toBe(true);
    expect(pair.a.connection.remoteUploadDisabled).toBe(true);
  });

  it('sends deltas and reports only what actually changed', async () => {
    const { a, b } = await readyPair({ map: { have: [1, 2], fetching: [3] } });
    const changes: SegmentMapChange[] = [];
    b.connection.on('remote-map', (change) => changes.push(change));

    // Segment 3 finished downloading; 1 was evicted; 2 is announced again (already known).
    a.connection.announce({ added: [3, 2], fetchEnded: [3], removed: [1] });
    await nextEvent(b.connection, 'remote-map');
    expect(changes).toEqual([
      {
        added: [{ start: 3, end: 4 }],
        removed: [{ start: 1, end: 2 }],
        fetchStarted: [],
        fetchEnded: [{ start: 3, end: 4 }],
      },
    ]);
    expect(b.connection.remoteHas(3)).toBe(true);
    expect(b.connection.remoteIsFetching(3)).toBe(false);
    expect(b.connection.remoteHas(1)).toBe(false);
    expect(b.connection.remoteSegmentMap()).toEqual({ have: [{ start: 2, end: 4 }], fetching: [] });

    a.connection.announce({ fetchStarted: [2 ** 52 + 7] });
    const next = await nextEvent(b.connection, 'remote-map');
    expect(next.fetchStarted).toEqual([{ start: 2 ** 52 + 7, end: 2 ** 52 + 8 }]);
    expect(b.connection.remoteIsFetching(2 ** 52 + 7)).toBe(true);
  });

  it('announces nothing before the handshake; the snapshot sent at HELLO includes the change', async () => {
    const pair = connectPair({ map: { have: [1] } });
    pair.a.map.have.add(2);
    pair.a.connection.announce({ added: [2] });
    const mapAtB = await nextEvent(pair.b.connection, 'remote-map');
    expect(mapAtB.added).toEqual([{ start: 1, end: 3 }]);
    const deltas = pair.a.channel.sentMessages.filter((bytes) => bytes[1] === 0x03);
    expect(deltas).toHaveLength(0);
  });

  it('delivers a map larger than one message intact (split into SEGMENT_MAP + MAP_DELTAs)', async () => {
    // DASH $Time$ ids: never consecutive, so 3000 segments are 3000 ranges.
    const have = Array.from({ length: 3000 }, (_, index) => 90_000 + index * 180_000);
    const pair = connectPair({ map: { have }, channel: { maxMessageSize: 1024 } });
    const seen: number[] = [];
    pair.b.connection.on('remote-map', (change) => seen.push(...idsFromRanges(change.added)));
    await Promise.all([
      nextEvent(pair.a.connection, 'ready'),
      nextEvent(pair.b.connection, 'ready'),
    ]);
    await waitForCount(() => seen.length, have.length);
    expect(seen).toEqual(have);
    const sizes = pair.a.channel.sentMessages.map((bytes) => bytes.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024);
    expect(sizes.length).toBeGreaterThan(10);
    expect(have.every((id) => pair.b.connection.remoteHas(id))).toBe(true);
  });

  it('rejects an invalid announcement with a RangeError and sends nothing', async () => {
    const { a } = await readyPair();
    const sentBefore = a.channel.sentMessages.length;
    expect(() => {
      a.connection.announce({ added: [5], removed: [5] });
    }).toThrow(RangeError);
    expect(() => {
      a.connection.announce({ added: [-1] });
    }).toThrow(RangeError);
    expect(a.channel.sentMessages.length).toBe(sentBefore);
    expect(a.connection.state).toBe('ready');
  });
});

async function waitForCount(count: () => number, expected: number): Promise<void> {
  for (let turn = 0; turn < 1000 && count() < expected; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}
