/**
 * Wrong segments that still look right: the real bytes with media payload altered while every
 * container structure stays intact, so only a trusted digest can tell them from the original.
 * MPEG-TS keeps every 188-byte packet's sync byte, header, adaptation field and PES header, and
 * flips elementary-stream bytes only; ISO-BMFF (fMP4/CMAF) keeps every box header and `moof`, and
 * flips bytes inside `mdat` only. A structural check (core/p2p/integrity/container-check.ts) passes.
 */
import { sniffContainer } from '../../../core/p2p/integrity/container-check.js';

const TS_PACKET_BYTES = 188;
const TS_SYNC_BYTE = 0x47;
/** XOR mask applied to altered bytes: every bit flips, so no altered byte keeps its value. */
const FLIP_MASK = 0xff;

/** What {@link tamperSegment} did. */
export interface TamperedSegment {
  /** A new buffer (the input is never modified). */
  readonly bytes: Uint8Array;
  /** Container the input was read as. */
  readonly container: 'mpeg-ts' | 'iso-bmff' | 'unknown';
  /** Bytes whose value changed. At least 1 for any non-empty input. */
  readonly alteredBytes: number;
}

/** Flips `[start, end)` of `bytes` (every `stride`-th byte), returning how many changed. */
function flip(bytes: Uint8Array, start: number, end: number, stride: number): number {
  let changed = 0;
  for (let offset = start; offset < end; offset += stride) {
    bytes[offset] = (bytes[offset] ?? 0) ^ FLIP_MASK;
    changed++;
  }
  return changed;
}

/** Offset of the PES payload in a PES packet starting at `start`, or `start` when it is none. */
function pesPayloadStart(bytes: Uint8Array, start: number, end: number): number {
  // packet_start_code_prefix 00 00 01, stream id, length (2), flags (2), PES_header_data_length.
  if (end - start < 9 || bytes[start] !== 0 || bytes[start + 1] !== 0 || bytes[start + 2] !== 1) {
    return start;
  }
  return Math.min(end, start + 9 + (bytes[start + 8] ?? 0));
}

function tamperTs(bytes: Uint8Array): number {
  /** PIDs whose packets carry PES (audio/video), learnt from payload_unit_start packets. */
  const pesPids = new Set<number>();
  let changed = 0;
  for (let packet = 0; packet + TS_PACKET_BYTES <= bytes.length; packet += TS_PACKET_BYTES) {
    if (bytes[packet] !== TS_SYNC_BYTE) continue;
    const unitStart = ((bytes[packet + 1] ?? 0) & 0x40) !== 0;
    const pid = (((bytes[packet + 1] ?? 0) & 0x1f) << 8) | (bytes[packet + 2] ?? 0);
    const adaptationControl = ((bytes[packet + 3] ?? 0) >> 4) & 0x3;
    if ((adaptationControl & 0x1) === 0) continue; // no payload
    let payload = packet + 4;
    if ((adaptationControl & 0x2) !== 0) payload += 1 + (bytes[packet + 4] ?? 0);
    const end = packet + TS_PACKET_BYTES;
    if (payload >= end) continue;
    if (unitStart) {
      const pesStart = pesPayloadStart(bytes, payload, end);
      if (pesStart === payload) continue; // PSI (PAT, PMT): leave it alone
      pesPids.add(pid);
      payload = pesStart;
    } else if (!pesPids.has(pid)) {
      continue;
    }
    // Every 7th payload byte: enough to ruin decoding, few enough to keep the flip cheap.
    changed += flip(bytes, payload, end, 7);
  }
  return changed;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] ?? 0) * 0x1000000 +
    (((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0))
  );
}

function tamperBmff(bytes: Uint8Array): number {
  let changed = 0;
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    let size = readUint32(bytes, offset);
    let header = 8;
    if (size === 1) {
      size = readUint32(bytes, offset + 8) * 0x1_0000_0000 + readUint32(bytes, offset + 12);
      header = 16;
    } else if (size === 0) {
      size = bytes.length - offset;
    }
    if (size < header) break;
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = Math.min(bytes.length, offset + size);
    if (type === 'mdat') changed += flip(bytes, offset + header, end, 7);
    offset += size;
  }
  return changed;
}

/**
 * The segment `original` with its media payload altered and its container left well-formed.
 * Inputs of no known container get their second half flipped. Pure; `original` is not modified.
 */
export function tamperSegment(original: Uint8Array): TamperedSegment {
  const bytes = new Uint8Array(original);
  const container = sniffContainer(bytes);
  let alteredBytes =
    container === 'mpeg-ts' ? tamperTs(bytes) : container === 'iso-bmff' ? tamperBmff(bytes) : 0;
  if (alteredBytes === 0 && bytes.length > 0) {
    alteredBytes = flip(bytes, Math.floor(bytes.length / 2), bytes.length, 1);
  }
  return { bytes, container, alteredBytes };
}
