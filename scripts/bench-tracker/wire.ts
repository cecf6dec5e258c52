/**
 * The WebTorrent tracker protocol as the bench's peers speak it: JSON text frames whose ids (info
 * hash, peer id, offer id) are 20-character "binary strings". The bench builds exactly the fields
 * bittorrent-tracker's WebSocket client sends (lib/client/websocket-tracker.js), so any WebTorrent
 * tracker accepts them:
 * - announce: `{action:'announce', info_hash, peer_id, event?, numwant, uploaded, downloaded,
 *   offers:[{offer:{type:'offer', sdp}, offer_id}]}`; the tracker answers
 *   `{action:'announce', info_hash, complete, incomplete, interval}` and relays each offer to one
 *   other peer of the swarm as `{action:'announce', offer, offer_id, peer_id, info_hash}`;
 * - answer: `{action:'announce', info_hash, peer_id, to_peer_id, offer_id, answer:{type:'answer', sdp}}`,
 *   relayed to the offering peer as `{action:'announce', answer, offer_id, peer_id, info_hash}`.
 *
 * Offers carry their send time (CLOCK_MONOTONIC, shared by every process of the machine) inside
 * the SDP, which trackers relay untouched: the receiving process, possibly another one, measures
 * the one-way relay time from it. Pure: ids and messages from numbers, no sockets.
 */

/** Length of ids on the wire, in characters. */
export const WIRE_ID_CHARS = 20;

const PEER_ID_PREFIX = '-PB0001-';
const INFO_HASH_PREFIX = 'bench-';
const SENT_MARKER = 'a=x-bench-sent-ns:';
const CANDIDATE_LINE = 'a=candidate:0 1 udp 2122260223 127.0.0.1 9 typ host\r\n';

/** Current CLOCK_MONOTONIC time in ns, comparable across processes of this machine. */
export function monotonicNs(): bigint {
  return process.hrtime.bigint();
}

/** A 4-character tag, so ids of two runs against one long-running tracker never collide. */
export function runTagOf(seed: number): string {
  return (seed >>> 0).toString(36).padStart(4, '0').slice(-4);
}

/** The peer id of peer number `index` (0-based, over all client processes). */
export function peerIdOf(runTag: string, index: number): string {
  return fixed(PEER_ID_PREFIX + runTag, index.toString(36));
}

/** The info hash of swarm number `index`. */
export function infoHashOf(runTag: string, index: number): string {
  return fixed(INFO_HASH_PREFIX + runTag, index.toString(36));
}

/** The id of offer number `counter` of peer `peerIndex`; unique within a run. */
export function offerIdOf(peerIndex: number, counter: number): string {
  return fixed(peerIndex.toString(36).padStart(7, '0') + '.', counter.toString(36));
}

/** An SDP-like text of `bytes` characters that carries `sentNs`. */
export function sdpWithSentTime(kind: 'offer' | 'answer', sentNs: bigint, bytes: number): string {
  const head = `v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=bench-${kind}\r\n${SENT_MARKER}${sentNs}\r\n`;
  const fill = Math.max(0, bytes - head.length);
  // Candidate-like filler lines, so the size matches a real SDP with ICE candidates.
  return head + CANDIDATE_LINE.repeat(Math.ceil(fill / CANDIDATE_LINE.length)).slice(0, fill);
}

/** The send time an SDP from {@link sdpWithSentTime} carries; undefined for any other SDP. */
export function sentNsOf(sdp: string): bigint | undefined {
  const start = sdp.indexOf(SENT_MARKER);
  if (start === -1) return undefined;
  const end = sdp.indexOf('\r\n', start);
  const digits = sdp.slice(start + SENT_MARKER.length, end === -1 ? undefined : end);
  return /^\d{1,20}$/.test(digits) ? BigInt(digits) : undefined;
}

/** One offer of an announce. */
export interface WireOffer {
  readonly offerId: string;
  readonly sdp: string;
}

/** The JSON of an announce. */
export function encodeAnnounce(
  infoHash: string,
  peerId: string,
  event: 'started' | 'update' | undefined,
  offers: readonly WireOffer[],
): string {
  const message: Record<string, unknown> = {
    action: 'announce',
    info_hash: infoHash,
    peer_id: peerId,
    numwant: offers.length,
    uploaded: 0,
    downloaded: 0,
    offers: offers.map((offer) => ({
      offer: { type: 'offer', sdp: offer.sdp },
      offer_id: offer.offerId,
    })),
  };
  if (event !== undefined) message.event = event;
  return JSON.stringify(message);
}

/** The JSON of an answer to `offerId` from peer `toPeerId`. */
export function encodeAnswer(
  infoHash: string,
  peerId: string,
  toPeerId: string,
  offerId: string,
  sdp: string,
): string {
  return JSON.stringify({
    action: 'announce',
    info_hash: infoHash,
    peer_id: peerId,
    to_peer_id: toPeerId,
    offer_id: offerId,
    answer: { type: 'answer', sdp },
  });
}

/** What a frame from the tracker is. */
export type TrackerFrame =
  | { readonly kind: 'announce-response'; readonly infoHash: string; readonly members: number }
  | {
      readonly kind: 'offer';
      readonly infoHash: string;
      readonly fromPeerId: string;
      readonly offerId: string;
      readonly sentNs: bigint | undefined;
    }
  | { readonly kind: 'answer'; readonly fromPeerId: string; readonly offerId: string }
  | { readonly kind: 'failure'; readonly reason: string }
  | { readonly kind: 'unknown' };

/** Classifies one text frame from the tracker. Never throws. */
export function classifyTrackerFrame(text: string): TrackerFrame {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: 'unknown' };
  }
  if (typeof message !== 'object' || message === null) return { kind: 'unknown' };
  const m = message as Record<string, unknown>;
  if (typeof m['failure reason'] === 'string') {
    return { kind: 'failure', reason: m['failure reason'] };
  }
  if (m.action !== 'announce') return { kind: 'unknown' };
  const offer = m.offer as { sdp?: unknown } | undefined;
  if (offer && isId(m.peer_id) && isId(m.offer_id) && isId(m.info_hash)) {
    return {
      kind: 'offer',
      infoHash: m.info_hash,
      fromPeerId: m.peer_id,
      offerId: m.offer_id,
      sentNs: typeof offer.sdp === 'string' ? sentNsOf(offer.sdp) : undefined,
    };
  }
  if (m.answer !== undefined && isId(m.peer_id) && isId(m.offer_id)) {
    return { kind: 'answer', fromPeerId: m.peer_id, offerId: m.offer_id };
  }
  if (isId(m.info_hash) && (m.complete !== undefined || m.interval !== undefined)) {
    return {
      kind: 'announce-response',
      infoHash: m.info_hash,
      members: count(m.complete) + count(m.incomplete),
    };
  }
  return { kind: 'unknown' };
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length === WIRE_ID_CHARS;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** `prefix` + `suffix`, left-padded with zeros between them to exactly 20 characters. */
function fixed(prefix: string, suffix: string): string {
  const room = WIRE_ID_CHARS - prefix.length;
  if (suffix.length > room) throw new RangeError(`id part ${suffix} does not fit after ${prefix}`);
  return prefix + suffix.padStart(room, '0');
}
