/**
 * The tracker's message validator: what WebTorrent clients send passes and is rebuilt without
 * extra fields; every malformed shape is refused with a reason, and nothing makes it throw.
 */
import fc from 'fast-check';

import { trackerMessageText } from './tracker-message-arbitraries.js';

import {
  encodeTrackerRequest,
  isWireId,
  MAX_NUMWANT,
  MAX_OFFERS_PER_ANNOUNCE,
  MAX_SCRAPE_INFO_HASHES,
  MAX_SDP_CHARS,
  validateTrackerMessage,
  type ValidationResult,
} from '../../../tracker/message-validation.js';
import { failureReply, REFUSAL_REASONS } from '../../../tracker/refusal.js';

const INFO_HASH = '\x00\xff'.repeat(10);
const PEER_ID = '-PM0001-' + 'p'.repeat(12);
const OTHER_PEER = 'q'.repeat(20);
const OFFER_ID = 'o'.repeat(20);

function announce(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ action: 'announce', info_hash: INFO_HASH, peer_id: PEER_ID, ...fields });
}

function offer(sdp = 'v=0\r\n'): Record<string, unknown> {
  return { offer: { type: 'offer', sdp }, offer_id: OFFER_ID };
}

function refusalOf(result: ValidationResult) {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.request)}`);
  return result.refusal;
}

describe('validateTrackerMessage', () => {
  it('accepts an announce as bittorrent-tracker clients send it and drops fields it does not use', () => {
    const result = validateTrackerMessage(
      announce({
        event: 'started',
        numwant: 5,
        uploaded: 0,
        downloaded: 0,
        left: null,
        trackerid: 'abc',
        offers: [offer(), { ...offer('v=1'), offer_id: 'r'.repeat(20), extra: 1 }],
        unknown_field: { deep: true },
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.request).toMatchObject({
      kind: 'announce',
      infoHash: INFO_HASH,
      peerId: PEER_ID,
      event: 'started',
      numwant: 5,
      left: undefined,
    });
    expect(JSON.parse(encodeTrackerRequest(result.request))).toEqual({
      action: 'announce',
      info_hash: INFO_HASH,
      peer_id: PEER_ID,
      event: 'started',
      numwant: 5,
      offers: [
        { offer: { type: 'offer', sdp: 'v=0\r\n' }, offer_id: OFFER_ID },
        { offer: { type: 'offer', sdp: 'v=1' }, offer_id: 'r'.repeat(20) },
      ],
    });
  });

  it('accepts an answer and a scrape (one info hash or a list)', () => {
    const answer = validateTrackerMessage(
      announce({
        to_peer_id: OTHER_PEER,
        offer_id: OFFER_ID,
        answer: { type: 'answer', sdp: 'v=0' },
      }),
    );
    expect(answer).toMatchObject({
      ok: true,
      request: { kind: 'answer', toPeerId: OTHER_PEER, offerId: OFFER_ID },
    });
    expect(
      validateTrackerMessage(JSON.stringify({ action: 'scrape', info_hash: INFO_HASH })),
    ).toMatchObject({ ok: true, request: { kind: 'scrape', infoHashes: [INFO_HASH] } });
    expect(
      validateTrackerMessage(
        JSON.stringify({ action: 'scrape', info_hash: [INFO_HASH, 'x'.repeat(20)] }),
      ),
    ).toMatchObject({ ok: true, request: { infoHashes: [INFO_HASH, 'x'.repeat(20)] } });
  });

  it.each([
    ['the reported crash: offers [null]', announce({ offers: [null] })],
    ['offers that are not an array', announce({ offers: { 0: offer() } })],
    [
      'an offer without sdp',
      announce({ offers: [{ offer: { type: 'offer' }, offer_id: OFFER_ID }] }),
    ],
    [
      'an offer of the wrong type',
      announce({ offers: [{ offer: { type: 'answer', sdp: '' }, offer_id: OFFER_ID }] }),
    ],
    ['a short offer_id', announce({ offers: [{ ...offer(), offer_id: 'short' }] })],
    [
      'too many offers',
      announce({ offers: Array.from({ length: MAX_OFFERS_PER_ANNOUNCE + 1 }, () => offer()) }),
    ],
    ['an oversized sdp', announce({ offers: [offer('x'.repeat(MAX_SDP_CHARS + 1))] })],
    ['an unknown event', announce({ event: 'constructor' })],
    ['a numeric event', announce({ event: 3 })],
    ['a huge numwant', announce({ numwant: 1e9 })],
    ['a numwant above the cap', announce({ numwant: MAX_NUMWANT + 1 })],
    ['a fractional numwant', announce({ numwant: 1.5 })],
    ['an infinite left (1e999 parses to Infinity)', announce().replace('}', ',"left":1e999}')],
    ['a negative uploaded', announce({ uploaded: -1 })],
    ['a string downloaded', announce({ downloaded: '5' })],
    ['a long trackerid', announce({ trackerid: 't'.repeat(300) })],
    ['a hex info hash', announce({ info_hash: 'ab'.repeat(20) })],
    ['an info hash with a character above 0xff', announce({ info_hash: '\u0100'.repeat(20) })],
    ['an array info hash on announce', announce({ info_hash: [INFO_HASH] })],
    ['a missing peer id', JSON.stringify({ action: 'announce', info_hash: INFO_HASH })],
    ['to_peer_id without an answer', announce({ to_peer_id: OTHER_PEER })],
    [
      'an answer without to_peer_id',
      announce({ offer_id: OFFER_ID, answer: { type: 'answer', sdp: '' } }),
    ],
    [
      'an answer of the wrong type',
      announce({ to_peer_id: OTHER_PEER, offer_id: OFFER_ID, answer: { type: 'offer', sdp: '' } }),
    ],
    [
      'an answer that is null',
      announce({ to_peer_id: OTHER_PEER, offer_id: OFFER_ID, answer: null }),
    ],
    [
      'an answer with offers',
      announce({
        to_peer_id: OTHER_PEER,
        offer_id: OFFER_ID,
        answer: { type: 'answer', sdp: '' },
        offers: [],
      }),
    ],
    ['an unknown action', JSON.stringify({ action: 'connect' })],
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
    ['a JSON string', '"announce"'],
    ['not JSON', 'hello'],
    ['an empty frame', ''],
    ['deep nesting', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['a scrape with a bad info hash', JSON.stringify({ action: 'scrape', info_hash: ['short'] })],
    ['a scrape with a numeric info hash', JSON.stringify({ action: 'scrape', info_hash: 7 })],
    [
      'a scrape with too many info hashes',
      JSON.stringify({
        action: 'scrape',
        info_hash: Array.from({ length: MAX_SCRAPE_INFO_HASHES + 1 }, () => INFO_HASH),
      }),
    ],
  ])('refuses %s as malformed', (_name, text) => {
    const refusal = refusalOf(validateTrackerMessage(text));
    expect(refusal.reason).toBe('malformed');
    expect(refusal.message.length).toBeGreaterThan(0);
  });

  it('names the info hash in refusals once it is readable, so the client can see them', () => {
    expect(refusalOf(validateTrackerMessage(announce({ offers: [null] }))).infoHash).toBe(
      INFO_HASH,
    );
    expect(refusalOf(validateTrackerMessage('{')).infoHash).toBeUndefined();
  });

  it.each([
    ['no info_hash', {}],
    ['info_hash null', { info_hash: null }],
    ['an empty list', { info_hash: [] }],
  ])('refuses a scrape with %s as scrape-without-info-hash', (_name, fields) => {
    const refusal = refusalOf(
      validateTrackerMessage(JSON.stringify({ action: 'scrape', ...fields })),
    );
    expect(refusal).toMatchObject({ reason: 'scrape-without-info-hash', action: 'scrape' });
  });

  it('never throws: arbitrary JSON values and strings pass well-formed or come back refused', () => {
    const text = trackerMessageText();
    let accepted = 0;
    fc.assert(
      fc.property(text, (input) => {
        const result = validateTrackerMessage(input);
        if (result.ok) {
          accepted++;
          // An accepted message survives a round trip through what bittorrent-tracker receives.
          const again = validateTrackerMessage(encodeTrackerRequest(result.request));
          expect(again).toEqual(result);
          if (result.request.kind !== 'scrape') {
            expect(isWireId(result.request.infoHash) && isWireId(result.request.peerId)).toBe(true);
          }
        } else {
          expect(REFUSAL_REASONS).toContain(result.refusal.reason);
          expect(() => JSON.parse(failureReply(result.refusal)) as unknown).not.toThrow();
        }
      }),
      { numRuns: 3000 },
    );
    // The generators reach the accepting paths too, not only refusals.
    expect(accepted).toBeGreaterThan(30);
  });
});

describe('failureReply', () => {
  it('uses the WebTorrent form with action, failure reason and (when known) info_hash', () => {
    expect(
      JSON.parse(
        failureReply({
          reason: 'rate-limited',
          message: 'slow down',
          action: 'announce',
          infoHash: INFO_HASH,
        }),
      ),
    ).toEqual({ action: 'announce', 'failure reason': 'slow down', info_hash: INFO_HASH });
    expect(
      JSON.parse(failureReply({ reason: 'malformed', message: 'bad', action: 'scrape' })),
    ).toEqual({
      action: 'scrape',
      'failure reason': 'bad',
    });
  });
});
