/**
 * The least a connection needs from a WebRTC data channel. PeerConnection depends on this interface
 * only, so unit tests run it over an in-memory channel and `simplePeerChannel` adapts real peers.
 */
import type { ConnectionPath } from './connection-path.js';

/** An open, ordered, reliable, binary message channel to one remote peer. */
export interface PeerChannel {
  /**
   * Queues one binary message. Must throw (not drop) when the channel cannot take it, e.g. when it
   * is closed or the message exceeds {@link PeerChannel.maxMessageSize}.
   */
  send(data: Uint8Array): void;
  /**
   * True when `send` has copied `data` by the time it returns (RTCDataChannel's does), so the
   * caller may reuse the buffer for the next message. Absent or false: the channel may keep `data`,
   * which must then stay unchanged.
   */
  readonly copiesOnSend?: boolean;
  /** Bytes queued by `send` and not yet handed to the network, for back-pressure. */
  readonly bufferedAmount: number;
  /** Largest message `send` accepts, in bytes (SCTP `maxMessageSize`); 0 when unknown. */
  readonly maxMessageSize: number;
  /** Subscribes to incoming messages. Returns the unsubscribe function. */
  onMessage(listener: (data: Uint8Array) => void): () => void;
  /** Subscribes to "the send buffer drained below its low threshold". Returns the unsubscribe function. */
  onBufferedAmountLow(listener: () => void): () => void;
  /** Subscribes to the channel closing (either side, or a failure). Returns the unsubscribe function. */
  onClose(listener: () => void): () => void;
  /**
   * Reads which way the connection's packets go (direct or through a TURN relay) from the
   * connection's stats. Never rejects; `unknown` when it cannot tell. Absent on channels without a
   * peer connection under them (in-memory test channels): their path is `unknown`.
   */
  readPath?(): Promise<ConnectionPath>;
  /**
   * Subscribes to "the path may have changed": ICE re-established the connection (after it was
   * disconnected, or after an ICE restart), possibly over another candidate pair. Returns the
   * unsubscribe function.
   */
  onPathMayChange?(listener: () => void): () => void;
  /** Closes the channel (and the peer connection under it). Idempotent. */
  close(): void;
}
