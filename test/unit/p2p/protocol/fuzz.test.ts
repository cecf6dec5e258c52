/**
 * Seeded fuzzing: random bytes and random mutations of valid messages must either decode (and then
 * re-encode to the same bytes, since the encoding is canonical) or throw a peer-protocol error;
 * never anything else. Seeds are fixed so a failure reproduces.
 */
import { P2PMediaLoaderError } from '../../../../core/errors.js';
import {
  DEFAULT_DECODE_LIMITS,
  decodeMessage,
  encodeMessage,
  rangesFromIds,
  type DecodeLimits,
  type PeerMessage,
} from '../../../../core/p2p/protocol/index.js';
import { SeededRandom } from './seeded-random.js';

const LIMITS: DecodeLimits = { maxMessageBytes: 4096, maxRangesPerList: 64 };

/** Decodes `input`; returns 'decoded' or 'rejected', and fails on any other outcome. */
function decodeOrReject(input: Uint8Array): 'decoded' | 'rejected' {
  let message: PeerMessage;
  try {
    message = decodeMessage(input, LIMITS);
  } catch (error) {
    if (error instanceof P2PMediaLoaderError && error.code === 'peer-protocol') return 'rejected';
    throw new Error(`input ${Buffer.from(input).toString('hex')} threw ${String(error)}`, {
      cause: error,
    });
  }
  // HELLO drops unknown flag bits, so only its other messages must re-encode byte for byte.
  if (message.type !== 'hello') {
    const reencoded = encodeMessage(message);
    if (!Buffer.from(reencoded).equals(input)) {
      throw new Error(`input ${Buffer.from(input).toString('hex')} re-encoded differently`);
    }
  }
  return 'decoded';
}

function randomMessage(random: SeededRandom): PeerMessage {
  const id = (): number =>
    random.pick([
      0,
      1,
      127,
      128,
      2 ** 32,
      random.int(0, 1e6),
      Number.MAX_SAFE_INTEGER - random.int(0, 5),
    ]);
  const ids = (): number[] => Array.from({ length: random.int(0, 12) }, () => random.int(0, 40));
  switch (random.int(0, 7)) {
    case 0:
      return {
        type: 'hello',
        protocolVersion: random.int(1, 3),
        uploadDisabled: random.next() < 0.5,
        maxMessageBytes: random.int(1024, 300000),
      };
    case 1:
      return { type: 'segment-map', have: rangesFromIds(ids()), fetching: rangesFromIds(ids()) };
    case 2: {
      const added = ids();
      const started = ids();
      return {
        type: 'map-delta',
        added: rangesFromIds(added),
        removed: rangesFromIds(ids().map((value) => value + 50)),
        fetchStarted: rangesFromIds(started),
        fetchEnded: rangesFromIds(ids().map((value) => value + 50)),
      };
    }
    case 3:
      return {
        type: 'request',
        requestId: random.int(0, 2 ** 32 - 1),
        segmentId: id(),
        byteOffset: id(),
      };
    case 4:
      return { type: 'cancel', requestId: random.int(0, 300) };
    case 5:
      return {
        type: 'absent',
        requestId: random.int(0, 300),
        reason: random.pick(['not-found', 'busy'] as const),
      };
    case 6: {
      const totalBytes = id();
      const digestLength = random.int(0, 32);
      return {
        type: 'data-start',
        requestId: random.int(0, 300),
        totalBytes,
        byteOffset: random.int(0, Math.min(totalBytes, 1e6)),
        ...(digestLength > 0 ? { digest: random.bytes(digestLength) } : {}),
      };
    }
    default:
      return {
        type: 'data-chunk',
        requestId: random.int(0, 300),
        payload: random.bytes(random.int(1, 64)),
      };
  }
}

function mutate(random: SeededRandom, input: Uint8Array): Uint8Array {
  const bytes = [...input];
  const edits = random.int(1, 3);
  for (let edit = 0; edit < edits; edit++) {
    const position = random.int(0, Math.max(0, bytes.length - 1));
    switch (random.int(0, 4)) {
      case 0:
        bytes[position] = random.int(0, 255);
        break;
      case 1:
        bytes[position] = (bytes[position] ?? 0) ^ (1 << random.int(0, 7));
        break;
      case 2:
        bytes.splice(position, 1);
        break;
      case 3:
        bytes.splice(position, 0, random.int(0, 255));
        break;
      default:
        bytes.length = random.int(0, bytes.length);
    }
  }
  return Uint8Array.from(bytes);
}

describe('decoder fuzzing', () => {
  it('random bytes either decode or throw peer-protocol', () => {
    const random = new SeededRandom(20240601);
    const outcomes = { decoded: 0, rejected: 0 };
    for (let run = 0; run < 8000; run++) {
      const input = random.bytes(random.int(0, 40));
      // Most random bytes fail on the version byte; force a valid header half of the time.
      if (input.length >= 2 && random.next() < 0.5) {
        input[0] = 1;
        input[1] = random.int(1, 8);
      }
      outcomes[decodeOrReject(input)]++;
    }
    expect(outcomes.rejected).toBeGreaterThan(0);
    expect(outcomes.decoded).toBeGreaterThan(0);
  });

  it('mutations of valid messages either decode or throw peer-protocol', () => {
    const random = new SeededRandom(7);
    const outcomes = { decoded: 0, rejected: 0 };
    for (let run = 0; run < 8000; run++) {
      const valid = encodeMessage(randomMessage(random));
      expect(decodeOrReject(valid)).toBe('decoded');
      outcomes[decodeOrReject(mutate(random, valid))]++;
    }
    expect(outcomes.rejected).toBeGreaterThan(500);
    expect(outcomes.decoded).toBeGreaterThan(500);
  });

  it('valid random messages round-trip', () => {
    const random = new SeededRandom(99);
    for (let run = 0; run < 2000; run++) {
      const message = randomMessage(random);
      const encoded = encodeMessage(message);
      if (encoded.length > LIMITS.maxMessageBytes) continue;
      expect(decodeMessage(encoded, DEFAULT_DECODE_LIMITS)).toEqual(message);
    }
  });
});
