/**
 * Assembly of a segment's bytes: with the size reserved, chunks land in one buffer as they arrive
 * and that very buffer is handed over (no copy of the whole at the end); without it, chunks are
 * joined once. Who sent which bytes is tracked either way.
 */
import { PartialSegment } from '../../../core/scheduler/partial-segment.js';

/** `count` chunks of `size` bytes, each a view into its own message buffer (as the wire gives them). */
function chunks(count: number, size: number, seed = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const message = new Uint8Array(size + 9);
    for (let j = 0; j < size; j++) message[9 + j] = (seed + i * size + j) % 251;
    return message.subarray(9);
  });
}

function joined(parts: readonly Uint8Array[]): number[] {
  return parts.flatMap((part) => [...part]);
}

describe('PartialSegment', () => {
  it('copies chunks into the reserved buffer as they arrive and hands that buffer over', () => {
    const parts = chunks(8, 1000);
    const partial = new PartialSegment();
    partial.reserve(8000);
    partial.append(parts[0] as Uint8Array, 'a');
    const early = partial.concat();
    for (const part of parts.slice(1)) partial.append(part, 'a');
    const data = partial.concat();
    // The buffer reserved before the second chunk is the one delivered: no copy of the whole.
    expect(data.buffer).toBe(early.buffer);
    expect(data.byteLength).toBe(8000);
    expect(data.buffer.byteLength).toBe(8000);
    expect(partial.concat()).toBe(data);
    // Chunks were read during append only: reusing their buffers afterwards changes nothing.
    const expected = joined(parts);
    for (const part of parts) part.fill(0);
    expect([...data]).toEqual(expected);
    expect(parts.every((part) => part.buffer !== data.buffer)).toBe(true);
  });

  it('moves bytes held before the reservation into the buffer', () => {
    const parts = chunks(3, 500, 7);
    const partial = new PartialSegment();
    partial.append(parts[0] as Uint8Array, 'a');
    partial.reserve(1500);
    partial.append(parts[1] as Uint8Array, 'b');
    partial.append(parts[2] as Uint8Array);
    expect([...partial.concat()]).toEqual(joined(parts));
    expect(partial.contributions()).toEqual([
      { peerId: 'a', start: 0, end: 500 },
      { peerId: 'b', start: 500, end: 1000 },
      { peerId: undefined, start: 1000, end: 1500 },
    ]);
    expect(partial.contributors()).toEqual(['a', 'b']);
  });

  it('keeps every byte when more arrives than was reserved (a wrong size claim)', () => {
    const parts = chunks(4, 300, 3);
    const partial = new PartialSegment();
    partial.reserve(700);
    for (const part of parts) partial.append(part, 'a');
    expect(partial.byteLength).toBe(1200);
    expect([...partial.concat()]).toEqual(joined(parts));
  });

  it('gives a view of the filled part while the reservation is not complete', () => {
    const parts = chunks(2, 100);
    const partial = new PartialSegment();
    partial.reserve(1000);
    for (const part of parts) partial.append(part, 'a');
    const data = partial.concat();
    expect(data.byteLength).toBe(200);
    expect([...data]).toEqual(joined(parts));
  });

  it('ignores a reservation no larger than what is held, a second one, and a nonsense one', () => {
    const partial = new PartialSegment();
    const [first, second] = chunks(2, 100);
    partial.append(first as Uint8Array);
    partial.reserve(100);
    partial.reserve(Number.NaN);
    partial.reserve(400);
    partial.reserve(10_000);
    partial.append(second as Uint8Array);
    expect(partial.concat().buffer.byteLength).toBe(400);
  });

  it('without a reservation joins chunks once and returns a single chunk as is', () => {
    const single = new PartialSegment();
    const [only] = chunks(1, 50);
    single.append(only as Uint8Array);
    expect(single.concat()).toBe(only);

    const parts = chunks(3, 50);
    const partial = new PartialSegment();
    for (const part of parts) partial.append(part, 'p');
    const data = partial.concat();
    expect([...data]).toEqual(joined(parts));
    expect(partial.concat()).toBe(data);
  });

  it('reset drops the reservation and the bytes', () => {
    const partial = new PartialSegment();
    partial.reserve(100);
    partial.append(new Uint8Array([1, 2, 3]), 'a');
    partial.reset();
    expect(partial.byteLength).toBe(0);
    expect(partial.hasPeerBytes).toBe(false);
    partial.append(new Uint8Array([4]));
    expect([...partial.concat()]).toEqual([4]);
  });
});
