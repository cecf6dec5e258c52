/**
 * The least a connection needs from a WebRTC data channel. PeerConnection depends on this interface
 * only, so unit tests run it over an in-memory channel and `simplePeerChannel` adapts real peers.
 */

/** An open, ordered, reliable, binary message channel to one remote peer. */
export interface PeerChannel {
  /**
   * Queues one binary message. Must throw (not drop) when the channel cannot take it, e.g. when it
   * is closed or the message exceeds {@link PeerChannel.maxMessageSize}.
   */
  send(data: Uint8Array): void;
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
  /** Closes the channel (and the peer connection under it). Idempotent. */
  close(): void;
}
