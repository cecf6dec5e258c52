/**
 * The part of a simple-peer (`@thaunknown/simple-peer`) connection that TrackerSignalling hands out:
 * a WebRTC data channel with Node-stream-like events.
 */

/** A simple-peer connection, as created by the tracker client. */
export interface SimplePeer {
  /** True on the side that created the offer. */
  readonly initiator: boolean;
  /** True while the data channel is open. */
  readonly connected: boolean;
  /** True once destroyed (set asynchronously after `destroy()`). */
  readonly destroyed: boolean;
  /** Bytes queued in the data channel and not yet sent. */
  readonly bufferSize: number;
  /** Sends one message over the data channel. Throws when the channel is closed. */
  send(data: Uint8Array | ArrayBuffer | string): void;
  /** Closes the connection; emits 'close' (and 'error' when `error` is given). */
  destroy(error?: Error): void;
  on(event: 'data', listener: (data: Uint8Array) => void): this;
  on(event: 'connect' | 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  once(event: 'data', listener: (data: Uint8Array) => void): this;
  once(event: 'connect' | 'close', listener: () => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  off(event: 'data', listener: (data: Uint8Array) => void): this;
  off(event: 'connect' | 'close', listener: () => void): this;
  off(event: 'error', listener: (error: Error) => void): this;
  /**
   * Removes the tracker client's listener that sends this side's answer (non-initiator) through the
   * tracker once WebRTC has produced it.
   */
  removeAllListeners(event: 'signal'): this;
}
