import { PartialSegment } from '../../../core/scheduler/partial-segment.js';
import { peersToBlame } from '../../../core/scheduler/peer-blame.js';

const ORIGIN = Uint8Array.from({ length: 100 }, (_, i) => i);

/** A partial segment assembled from `parts`: [peerId or undefined for the origin, bytes]. */
function assembled(parts: [string | undefined, Uint8Array][]): PartialSegment {
  const partial = new PartialSegment();
  for (const [peerId, bytes] of parts) partial.append(bytes, peerId);
  return partial;
}

function blame(partial: PartialSegment, claims: Record<string, number> = {}): string[] {
  return peersToBlame({
    held: partial.concat(),
    contributions: partial.contributions(),
    claimedBytes: new Map(Object.entries(claims)),
    origin: ORIGIN,
  });
}

describe('PartialSegment', () => {
  it('records which source sent which bytes, merging consecutive chunks of one source', () => {
    const partial = assembled([
      ['a', ORIGIN.slice(0, 10)],
      ['a', ORIGIN.slice(10, 30)],
      ['b', ORIGIN.slice(30, 60)],
      [undefined, ORIGIN.slice(60)],
    ]);
    expect(partial.contributions()).toEqual([
      { peerId: 'a', start: 0, end: 30 },
      { peerId: 'b', start: 30, end: 60 },
      { peerId: undefined, start: 60, end: 100 },
    ]);
    expect(partial.contributors()).toEqual(['a', 'b']);
    expect(partial.hasPeerBytes).toBe(true);
    partial.reset();
    expect(partial.contributions()).toEqual([]);
    expect(partial.hasPeerBytes).toBe(false);
  });
});

describe('peersToBlame', () => {
  it('blames a hostile prefix, not the honest peer that completed it', () => {
    const hostile = ORIGIN.slice(0, 50).map((byte) => byte ^ 1);
    expect(
      blame(
        assembled([
          ['prefix', hostile],
          ['honest', ORIGIN.slice(50)],
        ]),
      ),
    ).toEqual(['prefix']);
  });

  it('blames a peer whose bytes run past the end of the origin resource', () => {
    const longer = new Uint8Array(120);
    longer.set(ORIGIN);
    expect(blame(assembled([['a', longer]]))).toEqual(['a']);
  });

  it('blames a peer that sent true bytes but claimed another size', () => {
    const partial = assembled([['truncator', ORIGIN.slice(0, 40)]]);
    expect(blame(partial, { truncator: 40 })).toEqual(['truncator']);
    expect(blame(partial, { truncator: 100 })).toEqual([]);
  });

  it('blames nobody when every peer byte is the origin’s', () => {
    expect(
      blame(
        assembled([
          ['a', ORIGIN.slice(0, 30)],
          ['b', ORIGIN.slice(30)],
        ]),
      ),
    ).toEqual([]);
  });
});
