/**
 * Synthetic MPEG-TS-shaped segments for Node tests that need exact, distinct bytes without ffmpeg:
 * a sync byte every 188 bytes (so the engine's container check accepts them) and seeded
 * pseudo-random payload (so two segments never share bytes by accident).
 */

/** `packets` 188-byte packets whose payload is determined by `seed`. */
export function syntheticTsSegment(seed: number, packets: number): Buffer {
  const data = Buffer.alloc(188 * packets);
  let state = seed * 7919 + 17;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    data[i] = i % 188 === 0 ? 0x47 : state & 0xff;
  }
  return data;
}
