/**
 * Checks the shape of every WebTorrent tracker message before bittorrent-tracker sees it, and
 * rebuilds an accepted message from the checked fields only. Pure: no sockets, no clock.
 *
 * Why: bittorrent-tracker 11 parses messages loosely and handles them in callbacks scheduled with
 * `process.nextTick`, so a field of the wrong type (e.g. `offers: [null]`) throws where no
 * try/catch can contain it and the process exits. A message that passes here has exactly the
 * fields, types and sizes its handler (lib/server/parse-websocket.js, server.js, swarm.js) relies on.
 *
 * The wire format (as bittorrent-tracker's WebSocket client sends it): JSON text; info hashes, peer
 * ids and offer ids are "binary strings" of 20 characters, one per byte (code points 0-255).
 * - announce: `{action:'announce', info_hash, peer_id, event?, numwant?, uploaded?, downloaded?,
 *   left?, trackerid?, offers?: [{offer:{type:'offer', sdp}, offer_id}]}`
 * - answer: `{action:'announce', info_hash, peer_id, to_peer_id, offer_id, answer:{type:'answer', sdp}}`
 * - scrape: `{action:'scrape', info_hash: id | id[]}`
 * Fields outside these lists are dropped, not refused, so a client that adds a field still works.
 */
import { malformed, type Refusal } from './refusal.js';

/** Length of info hashes, peer ids and offer ids on the wire, in characters (one per byte). */
export const WIRE_ID_CHARS = 20;
/**
 * Offers per announce. bittorrent-tracker's client sends at most 5 (ours as well); bittorrent-tracker
 * relays one offer per peer it picks, so more offers only multiply the relay work of one message.
 */
export const MAX_OFFERS_PER_ANNOUNCE = 10;
/**
 * SDP length of one offer or answer, in characters. A data-channel-only SDP with a full non-trickle
 * ICE candidate list is 1-5 KB; 32 KiB leaves room for hosts with many interfaces.
 */
export const MAX_SDP_CHARS = 32 * 1024;
/**
 * Largest `numwant` accepted. bittorrent-tracker ignores the field for WebSocket peers (it sends
 * one peer per offer), so this only refuses nonsense; WebTorrent clients send 50 at most.
 */
export const MAX_NUMWANT = 100;
/** Info hashes of one scrape (each costs a swarm lookup and a line of the reply). */
export const MAX_SCRAPE_INFO_HASHES = 32;
/** Length of the optional `trackerid` field, which is checked and dropped. */
const MAX_TRACKER_ID_CHARS = 256;

/** Announce events of the protocol ('empty' is the HTTP protocol's name for an update). */
export const ANNOUNCE_EVENTS = ['started', 'stopped', 'completed', 'update', 'paused', 'empty'];

/** One offer as relayed to a peer. */
export interface TrackerOffer {
  readonly offer: { readonly type: 'offer'; readonly sdp: string };
  /** 20-character binary string. */
  readonly offerId: string;
}

/** An accepted message, rebuilt from checked fields. Ids are 20-character binary strings. */
export type TrackerRequest =
  | {
      readonly kind: 'announce';
      readonly infoHash: string;
      readonly peerId: string;
      readonly event: string | undefined;
      readonly numwant: number | undefined;
      /** Bytes left to download; undefined when absent or null (an unknown or infinite amount). */
      readonly left: number | undefined;
      readonly offers: readonly TrackerOffer[] | undefined;
    }
  | {
      readonly kind: 'answer';
      readonly infoHash: string;
      readonly peerId: string;
      readonly toPeerId: string;
      readonly offerId: string;
      readonly answer: { readonly type: 'answer'; readonly sdp: string };
    }
  | { readonly kind: 'scrape'; readonly infoHashes: readonly string[] };

/** What {@link validateTrackerMessage} decided. */
export type ValidationResult =
  | { readonly ok: true; readonly request: TrackerRequest }
  | { readonly ok: false; readonly refusal: Refusal };

/** True for a string of exactly 20 characters with code points 0-255 (one byte each). */
export function isWireId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== WIRE_ID_CHARS) return false;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return false;
  return true;
}

/**
 * Decides whether `text` (one WebSocket text frame) is a well-formed tracker message. Never throws,
 * whatever `text` holds: a refusal carries the reason instead.
 */
export function validateTrackerMessage(text: string): ValidationResult {
  let parsed: unknown;
  try {
    // JSON.parse may throw SyntaxError, or RangeError on pathological nesting.
    parsed = JSON.parse(text);
  } catch {
    return refuse(malformed('message is not JSON'));
  }
  if (!isRecord(parsed)) return refuse(malformed('message is not a JSON object'));
  if (parsed.action === 'announce') return validateAnnounce(parsed);
  if (parsed.action === 'scrape') return validateScrape(parsed);
  return refuse(malformed('action must be "announce" or "scrape"'));
}

/**
 * The JSON handed to bittorrent-tracker for an accepted message: the checked fields in the wire
 * format, nothing else.
 */
export function encodeTrackerRequest(request: TrackerRequest): string {
  switch (request.kind) {
    case 'announce': {
      const message: Record<string, unknown> = {
        action: 'announce',
        info_hash: request.infoHash,
        peer_id: request.peerId,
      };
      if (request.event !== undefined) message.event = request.event;
      if (request.numwant !== undefined) message.numwant = request.numwant;
      if (request.left !== undefined) message.left = request.left;
      if (request.offers !== undefined) {
        message.offers = request.offers.map((offer) => ({
          offer: { type: offer.offer.type, sdp: offer.offer.sdp },
          offer_id: offer.offerId,
        }));
      }
      return JSON.stringify(message);
    }
    case 'answer':
      return JSON.stringify({
        action: 'announce',
        info_hash: request.infoHash,
        peer_id: request.peerId,
        to_peer_id: request.toPeerId,
        offer_id: request.offerId,
        answer: { type: request.answer.type, sdp: request.answer.sdp },
      });
    case 'scrape':
      return JSON.stringify({ action: 'scrape', info_hash: [...request.infoHashes] });
  }
}

function validateAnnounce(message: Record<string, unknown>): ValidationResult {
  const infoHash = message.info_hash;
  if (!isWireId(infoHash)) return refuse(malformed('info_hash must be 20 bytes'));
  // From here on the reply names the info hash, so the client can tell which swarm failed.
  const fail = (text: string) => refuse(malformed(text, 'announce', infoHash));
  const peerId = message.peer_id;
  if (!isWireId(peerId)) return fail('peer_id must be 20 bytes');

  for (const field of ['uploaded', 'downloaded'] as const) {
    if (message[field] !== undefined && !isCount(message[field])) {
      return fail(`${field} must be a non-negative finite number`);
    }
  }
  const left = message.left;
  if (left !== undefined && left !== null && !isCount(left)) {
    return fail('left must be a non-negative finite number or null');
  }
  const trackerId = message.trackerid;
  if (
    trackerId !== undefined &&
    (typeof trackerId !== 'string' || trackerId.length > MAX_TRACKER_ID_CHARS)
  ) {
    return fail('trackerid must be a short string');
  }

  if (message.answer !== undefined) return validateAnswer(message, infoHash, peerId, fail);
  if (message.to_peer_id !== undefined) return fail('to_peer_id is only valid with an answer');

  const event = message.event;
  if (event !== undefined && (typeof event !== 'string' || !ANNOUNCE_EVENTS.includes(event))) {
    return fail(`event must be one of ${ANNOUNCE_EVENTS.join(', ')}`);
  }
  const numwant = message.numwant;
  if (
    numwant !== undefined &&
    (!Number.isInteger(numwant) || (numwant as number) < 0 || (numwant as number) > MAX_NUMWANT)
  ) {
    return fail(`numwant must be an integer from 0 to ${MAX_NUMWANT}`);
  }

  let offers: TrackerOffer[] | undefined;
  if (message.offers !== undefined) {
    const checked = validateOffers(message.offers);
    if (typeof checked === 'string') return fail(checked);
    offers = checked;
  }
  return {
    ok: true,
    request: {
      kind: 'announce',
      infoHash,
      peerId,
      event,
      numwant: numwant as number | undefined,
      left: typeof left === 'number' ? left : undefined,
      offers,
    },
  };
}

/** The checked offers, or what is wrong with them. */
function validateOffers(value: unknown): TrackerOffer[] | string {
  if (!Array.isArray(value)) return 'offers must be an array';
  if (value.length > MAX_OFFERS_PER_ANNOUNCE) {
    return `at most ${MAX_OFFERS_PER_ANNOUNCE} offers per announce`;
  }
  const offers: TrackerOffer[] = [];
  for (const entry of value as unknown[]) {
    if (!isRecord(entry)) return 'each offer must be an object';
    const sdp = sessionDescription(entry.offer, 'offer');
    if (sdp === undefined) {
      return `each offer needs offer: {type: "offer", sdp} with at most ${MAX_SDP_CHARS} characters`;
    }
    if (!isWireId(entry.offer_id)) return 'each offer needs a 20-byte offer_id';
    offers.push({ offer: { type: 'offer', sdp }, offerId: entry.offer_id });
  }
  return offers;
}

function validateAnswer(
  message: Record<string, unknown>,
  infoHash: string,
  peerId: string,
  fail: (text: string) => ValidationResult,
): ValidationResult {
  if (message.offers !== undefined) return fail('an answer cannot carry offers');
  const sdp = sessionDescription(message.answer, 'answer');
  if (sdp === undefined) {
    return fail(`answer must be {type: "answer", sdp} with at most ${MAX_SDP_CHARS} characters`);
  }
  if (!isWireId(message.to_peer_id)) return fail('to_peer_id must be 20 bytes');
  if (!isWireId(message.offer_id)) return fail('offer_id must be 20 bytes');
  return {
    ok: true,
    request: {
      kind: 'answer',
      infoHash,
      peerId,
      toPeerId: message.to_peer_id,
      offerId: message.offer_id,
      answer: { type: 'answer', sdp },
    },
  };
}

function validateScrape(message: Record<string, unknown>): ValidationResult {
  const value = message.info_hash;
  const list: unknown[] | undefined =
    typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (value === undefined || value === null || (list !== undefined && list.length === 0)) {
    return refuse({
      reason: 'scrape-without-info-hash',
      message: 'scrape needs info_hash: this tracker does not list its swarms',
      action: 'scrape',
    });
  }
  if (list === undefined) {
    return refuse(malformed('info_hash must be a 20-byte string or an array of them', 'scrape'));
  }
  if (list.length > MAX_SCRAPE_INFO_HASHES) {
    return refuse(malformed(`at most ${MAX_SCRAPE_INFO_HASHES} info hashes per scrape`, 'scrape'));
  }
  const infoHashes: string[] = [];
  for (const infoHash of list) {
    if (!isWireId(infoHash)) return refuse(malformed('info_hash must be 20 bytes', 'scrape'));
    infoHashes.push(infoHash);
  }
  return { ok: true, request: { kind: 'scrape', infoHashes } };
}

/** The SDP of `{type, sdp}` with the given type and a bounded SDP, else undefined. */
function sessionDescription(value: unknown, type: 'offer' | 'answer'): string | undefined {
  if (!isRecord(value) || value.type !== type) return undefined;
  const sdp = value.sdp;
  return typeof sdp === 'string' && sdp.length <= MAX_SDP_CHARS ? sdp : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function refuse(refusal: Refusal): ValidationResult {
  return { ok: false, refusal };
}
