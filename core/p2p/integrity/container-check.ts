/**
 * A cheap structural check of segment bytes received from a peer: an MPEG-TS segment is a whole
 * number of 188-byte packets each starting with the sync byte; an ISO-BMFF (fMP4/CMAF) segment is a
 * chain of boxes whose sizes add up exactly to its length. Catches truncation and garbage that a
 * digest cannot (when the sender had no digest), and data of the wrong kind for the stream.
 */

/** The container a segment's bytes look like. */
export type ContainerKind = 'mpeg-ts' | 'iso-bmff' | 'unknown';

const TS_PACKET_BYTES = 188;
const TS_SYNC_BYTE = 0x47;

function isPrintableFourCC(data: Uint8Array, offset: number): boolean {
  for (let i = offset; i < offset + 4; i++) {
    const c = data[i];
    if (c === undefined || c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function readUint32(data: Uint8Array, offset: number): number {
  return (
    (data[offset] ?? 0) * 0x1000000 +
    (((data[offset + 1] ?? 0) << 16) | ((data[offset + 2] ?? 0) << 8) | (data[offset + 3] ?? 0))
  );
}

/** Guesses the container from the first bytes. */
export function sniffContainer(data: Uint8Array): ContainerKind {
  if (data.byteLength >= TS_PACKET_BYTES && data[0] === TS_SYNC_BYTE) return 'mpeg-ts';
  if (data.byteLength >= 8 && isPrintableFourCC(data, 4)) return 'iso-bmff';
  return 'unknown';
}

function isWellFormedTs(data: Uint8Array): boolean {
  if (data.byteLength === 0 || data.byteLength % TS_PACKET_BYTES !== 0) return false;
  for (let offset = 0; offset < data.byteLength; offset += TS_PACKET_BYTES) {
    if (data[offset] !== TS_SYNC_BYTE) return false;
  }
  return true;
}

function isWellFormedBmff(data: Uint8Array): boolean {
  let offset = 0;
  while (offset < data.byteLength) {
    if (offset + 8 > data.byteLength || !isPrintableFourCC(data, offset + 4)) return false;
    let size = readUint32(data, offset);
    if (size === 1) {
      // 64-bit largesize follows the type.
      if (offset + 16 > data.byteLength) return false;
      size = readUint32(data, offset + 8) * 0x100000000 + readUint32(data, offset + 12);
    } else if (size === 0) {
      size = data.byteLength - offset; // box extends to the end
    }
    if (size < 8) return false;
    offset += size;
  }
  return offset === data.byteLength;
}

/**
 * True when `data` is a well-formed segment of the `expected` container kind. For `unknown`
 * (a format we do not check, e.g. packed audio) every non-empty input passes.
 */
export function isWellFormedSegment(data: Uint8Array, expected: ContainerKind): boolean {
  switch (expected) {
    case 'mpeg-ts':
      return isWellFormedTs(data);
    case 'iso-bmff':
      return isWellFormedBmff(data);
    case 'unknown':
      return data.byteLength > 0;
  }
}
