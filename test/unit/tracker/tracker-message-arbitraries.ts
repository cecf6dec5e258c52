/**
 * fast-check generators of WebTorrent tracker message text: arbitrary strings and JSON, plus
 * announces and answers that are mostly well formed with a wrong field here and there (so runs
 * reach the deep paths of the validator and of bittorrent-tracker, not only JSON.parse).
 * Shared by the validator's property test and the tracker's integration fuzz.
 */
import fc from 'fast-check';

/** A 20-byte binary string, as WebTorrent puts ids on the wire. */
export const wireId = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((bytes) => String.fromCharCode(...bytes));

/** Mostly `valid`, sometimes any JSON value. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: fc.jsonValue(), weight: 1 });
}

/**
 * Text of one WebSocket frame a tracker client (honest, broken or hostile) might send.
 *
 * @param ids - where well-formed peer ids and info hashes come from; default any 20 bytes (pass
 *   a small pool so that messages meet in swarms and offers get relayed)
 */
export function trackerMessageText(
  ids: { peerId?: fc.Arbitrary<string>; infoHash?: fc.Arbitrary<string> } = {},
): fc.Arbitrary<string> {
  const peerId = ids.peerId ?? wireId;
  const infoHash = ids.infoHash ?? wireId;
  const sdp = fc.string({ maxLength: 64 });
  const announceLike = fc.record(
    {
      action: fc.constantFrom('announce', 'announce', 'announce', 'scrape', 'other'),
      info_hash: fc.oneof(
        { arbitrary: mostly(infoHash), weight: 4 },
        { arbitrary: fc.array(infoHash, { maxLength: 3 }), weight: 1 },
      ),
      peer_id: mostly(peerId),
      event: mostly(
        fc.constantFrom('started', 'started', 'update', 'update', 'stopped', 'completed', 'bogus'),
      ),
      numwant: fc.oneof(mostly(fc.nat(10)), fc.integer({ min: -5, max: 120 })),
      left: mostly(fc.oneof(fc.constant(null), fc.nat())),
      offers: mostly(
        fc.array(
          fc.oneof(
            {
              arbitrary: fc.record({
                offer: fc.record({ type: fc.constant('offer'), sdp }),
                offer_id: wireId,
              }),
              weight: 20,
            },
            { arbitrary: fc.constant(null), weight: 1 },
            { arbitrary: fc.jsonValue(), weight: 1 },
          ),
          { maxLength: 6 },
        ),
      ),
      extra: fc.jsonValue(),
    },
    { requiredKeys: ['action', 'info_hash', 'peer_id'] },
  );
  const answerLike = fc.record(
    {
      action: fc.constant('announce'),
      info_hash: mostly(infoHash),
      peer_id: mostly(peerId),
      answer: mostly(fc.record({ type: fc.constant('answer'), sdp })),
      to_peer_id: mostly(peerId),
      offer_id: mostly(wireId),
    },
    { requiredKeys: ['action', 'info_hash', 'peer_id', 'answer', 'to_peer_id', 'offer_id'] },
  );
  return fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.json(),
    fc.jsonValue().map((value) => JSON.stringify(value)),
    { arbitrary: announceLike.map((value) => JSON.stringify(value)), weight: 6 },
    { arbitrary: answerLike.map((value) => JSON.stringify(value)), weight: 4 },
  );
}
