/**
 * The bench peers' side of the WebTorrent tracker protocol: ids of the wire's size, announces and
 * answers as bittorrent-tracker's client sends them (so the embedded tracker's validator accepts
 * them), the send time carried in the SDP, and every kind of tracker frame told apart.
 */
import { validateTrackerMessage } from '../../../tracker/message-validation.js';
import {
  classifyTrackerFrame,
  encodeAnnounce,
  encodeAnswer,
  infoHashOf,
  offerIdOf,
  peerIdOf,
  runTagOf,
  sdpWithSentTime,
  sentNsOf,
  WIRE_ID_CHARS,
} from '../../../scripts/bench-tracker/wire.js';

const TAG = runTagOf(123456);

describe('ids', () => {
  it('are 20 characters, distinct per peer, swarm and offer', () => {
    const ids = [
      peerIdOf(TAG, 0),
      peerIdOf(TAG, 9999),
      infoHashOf(TAG, 0),
      infoHashOf(TAG, 99),
      offerIdOf(0, 0),
      offerIdOf(9999, 123456789),
    ];
    for (const id of ids) expect(id).toHaveLength(WIRE_ID_CHARS);
    expect(new Set(ids).size).toBe(ids.length);
    expect(runTagOf(0)).toHaveLength(4);
  });
});

describe('SDP send time', () => {
  it('round-trips the send time and has the requested size', () => {
    const sdp = sdpWithSentTime('offer', 123456789012345n, 1500);
    expect(sdp).toHaveLength(1500);
    expect(sentNsOf(sdp)).toBe(123456789012345n);
    expect(sentNsOf('v=0\r\n')).toBeUndefined();
  });
});

describe('messages', () => {
  it('builds announces and answers the embedded tracker accepts', () => {
    const announce = encodeAnnounce(infoHashOf(TAG, 1), peerIdOf(TAG, 2), 'started', [
      { offerId: offerIdOf(2, 0), sdp: sdpWithSentTime('offer', 1n, 500) },
    ]);
    const parsedAnnounce = validateTrackerMessage(announce);
    expect(parsedAnnounce.ok).toBe(true);
    expect(parsedAnnounce.ok && parsedAnnounce.request).toMatchObject({
      kind: 'announce',
      event: 'started',
      numwant: 1,
    });
    const answer = encodeAnswer(
      infoHashOf(TAG, 1),
      peerIdOf(TAG, 3),
      peerIdOf(TAG, 2),
      offerIdOf(2, 0),
      sdpWithSentTime('answer', 2n, 500),
    );
    const parsedAnswer = validateTrackerMessage(answer);
    expect(parsedAnswer.ok && parsedAnswer.request.kind).toBe('answer');
  });

  it('classifies every frame a tracker sends', () => {
    const infoHash = infoHashOf(TAG, 1);
    const from = peerIdOf(TAG, 2);
    const offerId = offerIdOf(2, 7);
    expect(
      classifyTrackerFrame(
        JSON.stringify({
          action: 'announce',
          info_hash: infoHash,
          complete: 3,
          incomplete: 4,
          interval: 120,
        }),
      ),
    ).toEqual({ kind: 'announce-response', infoHash, members: 7 });
    expect(
      classifyTrackerFrame(
        JSON.stringify({
          action: 'announce',
          offer: { type: 'offer', sdp: sdpWithSentTime('offer', 42n, 200) },
          offer_id: offerId,
          peer_id: from,
          info_hash: infoHash,
        }),
      ),
    ).toEqual({ kind: 'offer', infoHash, fromPeerId: from, offerId, sentNs: 42n });
    expect(
      classifyTrackerFrame(
        JSON.stringify({
          action: 'announce',
          answer: { type: 'answer', sdp: 'x' },
          offer_id: offerId,
          peer_id: from,
          info_hash: infoHash,
        }),
      ),
    ).toEqual({ kind: 'answer', fromPeerId: from, offerId });
    expect(
      classifyTrackerFrame(
        JSON.stringify({ action: 'announce', 'failure reason': 'rate-limited' }),
      ),
    ).toEqual({ kind: 'failure', reason: 'rate-limited' });
    expect(classifyTrackerFrame('not json')).toEqual({ kind: 'unknown' });
    expect(classifyTrackerFrame('null')).toEqual({ kind: 'unknown' });
    expect(classifyTrackerFrame(JSON.stringify({ action: 'scrape', files: {} }))).toEqual({
      kind: 'unknown',
    });
  });
});
