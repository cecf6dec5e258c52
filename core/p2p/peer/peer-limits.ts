/**
 * Every bound one remote peer is held to, in one place (docs/PROTOCOL.md, "Limits"). A peer that
 * follows the protocol never comes near them; each one exists because a hostile peer could
 * otherwise cost a viewer CPU, memory, bandwidth or playback time for next to nothing.
 */

/**
 * Most ranges a peer's map (held plus fetching) may hold. A live viewer's map is one or two ranges
 * and a VOD viewer's a few dozen; 4096 ranges cost about 200 KiB and keep every map update to a
 * linear merge over at most a few thousand entries. More is a `peer-protocol` violation.
 */
export const MAX_REMOTE_MAP_RANGES = 4096;

/**
 * Most segment ids a peer's map may claim (held plus fetching), counted over its ranges. 65 536
 * segments are 72 hours of 4-second segments: more than any store holds. Bounds what one map can
 * claim, so a single range [0, 2^53) is refused as a `peer-protocol` violation.
 */
export const MAX_REMOTE_MAP_IDS = 65_536;

/**
 * SEGMENT_MAP and MAP_DELTA messages a peer may send per second, sustained. A viewer announces each
 * change of its store as it happens (fetch started; have and fetch ended; evicted), so one buffering
 * ahead over a fast link announces a few dozen per second for a while.
 */
export const MAP_MESSAGES_PER_SECOND = 50;

/** Map messages a peer may send in a burst, on top of the sustained rate. */
export const MAP_MESSAGE_BURST = 200;

/**
 * Ranges (summed over all lists) a peer's map messages may carry per second, sustained. Ranges are
 * what a map message costs the receiver; a viewer's changes carry one or two each.
 */
export const MAP_RANGES_PER_SECOND = 2048;

/**
 * Ranges a peer's map messages may carry in a burst: twice the largest map ({@link
 * MAX_REMOTE_MAP_RANGES}), so a full map split over several messages always fits.
 */
export const MAP_RANGE_BURST = 8192;

/**
 * REQUESTs a peer may send per second, sustained, before we answer ABSENT `busy` without looking
 * at the store. A requester holds at most a handful in flight, each lasting the transfer of a segment.
 */
export const REQUESTS_PER_SECOND = 20;

/** REQUESTs a peer may send in a burst before the sustained rate applies. */
export const REQUEST_BURST = 40;

/**
 * A peer that keeps sending REQUESTs at this many times {@link REQUESTS_PER_SECOND} (burst likewise)
 * after being told `busy` is flooding: `peer-protocol` violation.
 */
export const REQUEST_FLOOD_FACTOR = 4;

/**
 * Share of the engine's upload slots (`maxConcurrentUploads`) one peer may hold at once, so a single
 * peer cannot take every slot: at least one slot, at most half of them (rounded down).
 */
export function maxUploadsPerPeer(maxConcurrentUploads: number): number {
  return Math.max(1, Math.floor(maxConcurrentUploads / 2));
}

/**
 * Largest segment a DATA_START may ever announce, in bytes; more is a `peer-protocol` violation.
 * A 6-second segment at 80 Mbit/s (high-bitrate 4K) is 57 MiB.
 */
export const ABSOLUTE_MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * Largest segment a DATA_START may announce while we hold no segment of the stream to compare with,
 * in bytes; more cancels the request (`oversized`). A 4-second segment at 50 Mbit/s is 25 MiB.
 */
export const UNKNOWN_STREAM_MAX_SEGMENT_BYTES = 32 * 1024 * 1024;

/**
 * When segments of the stream are already held, a DATA_START may announce at most this many times
 * the largest of them (segments of one rendition vary by a factor of two or three, not more).
 */
export const SEGMENT_SIZE_HEADROOM = 4;

/**
 * The bound derived from held segments is never below this, in bytes (tiny audio segments), nor
 * above {@link ABSOLUTE_MAX_SEGMENT_BYTES}.
 */
export const MIN_DERIVED_SEGMENT_BOUND_BYTES = 2 * 1024 * 1024;

/**
 * Bytes a peer may still send for a request after we cancelled it (they were on the wire when our
 * CANCEL left): the sender's buffer high-water mark (256 KiB) plus what the channel holds, doubled.
 * Beyond it (over the request's remaining size when DATA_START said it) is a `peer-protocol`
 * violation. These bytes are never counted as P2P bytes.
 */
export const MAX_BYTES_AFTER_CANCEL = 1024 * 1024;

/**
 * Slowest transfer we wait for, in bytes/s, checked over every {@link TRANSFER_RATE_WINDOW_MS}
 * window after DATA_START (a window in which the rest of the segment is smaller passes when it
 * completes). 8 KiB/s is below the bitrate of any video rendition: a peer this slow only delays the
 * segment. A 1 byte/s drip, which the idle timeout alone would let run, is cut after one window.
 */
export const MIN_TRANSFER_BYTES_PER_SECOND = 8 * 1024;

/** Window over which {@link MIN_TRANSFER_BYTES_PER_SECOND} is measured, in ms. */
export const TRANSFER_RATE_WINDOW_MS = 2000;

/** Longest one request to a peer may take from REQUEST to last byte, in ms, whatever its rate. */
export const MAX_REQUEST_DURATION_MS = 30_000;

/**
 * Protocol or integrity violations (each one already closes the connection and excludes the peer
 * for 30 s, doubling) after which the peer id is banned for the page's lifetime.
 */
export const MISBEHAVIOURS_BEFORE_BAN = 3;

/** Peer ids whose penalties are remembered; the oldest are forgotten beyond it. */
export const MAX_PENALIZED_PEERS = 1024;

/** Peer ids banned at most; the oldest ban is lifted beyond it (the list must not grow unbounded). */
export const MAX_BANNED_PEERS = 4096;
