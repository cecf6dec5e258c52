/**
 * An in-memory stand-in for a WebRTC data channel pair, for unit tests of PeerConnection. Delivery
 * is really asynchronous (one `setImmediate` turn per batch), `bufferedAmount` counts bytes sent and
 * not yet delivered, a drain rate per turn models a slow link, and delivery can be stalled to build
 * up a send buffer. `send` throws, like a real channel, on oversized messages and after close.
 */
import type { PeerChannel } from '../../../../core/p2p/peer/peer-channel.js';

/** Behaviour of one direction of a {@link memoryChannelPair}. */
export interface MemoryChannelOptions {
  /** Largest message `send` accepts. Default 16384. */
  readonly maxMessageSize?: number;
  /** Bytes delivered per event-loop turn. Default: everything queued. */
  readonly bytesPerTurn?: number;
  /** `bufferedamountlow` fires when `bufferedAmount` drops from above this to at most this. Default 0. */
  readonly lowThreshold?: number;
}

/** One end of an in-memory channel pair. */
export class MemoryChannel implements PeerChannel {
  bufferedAmount = 0;
  /** Highest `bufferedAmount` ever reached. */
  maxBufferedAmount = 0;
  /** Every message sent from this end, in order (copies). */
  readonly sentMessages: Uint8Array[] = [];
  closed = false;
  readonly maxMessageSize: number;
  private peer: MemoryChannel | undefined;
  private readonly queue: Uint8Array[] = [];
  private readonly messageListeners = new Set<(data: Uint8Array) => void>();
  private readonly lowListeners = new Set<() => void>();
  private readonly closeListeners = new Set<() => void>();
  private stalled = false;
  private drainScheduled = false;

  constructor(private readonly options: MemoryChannelOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? 16384;
  }

  /** Connects two ends. */
  static link(a: MemoryChannel, b: MemoryChannel): void {
    a.peer = b;
    b.peer = a;
  }

  send(data: Uint8Array): void {
    if (this.closed) throw new Error('InvalidStateError: channel is closed');
    if (data.length > this.maxMessageSize) {
      throw new Error(
        `OperationError: message of ${data.length} bytes exceeds ${this.maxMessageSize}`,
      );
    }
    const copy = data.slice();
    this.sentMessages.push(copy);
    this.queue.push(copy);
    this.bufferedAmount += copy.length;
    this.maxBufferedAmount = Math.max(this.maxBufferedAmount, this.bufferedAmount);
    this.scheduleDrain();
  }

  onMessage(listener: (data: Uint8Array) => void): () => void {
    return subscribe(this.messageListeners, listener);
  }

  onBufferedAmountLow(listener: () => void): () => void {
    return subscribe(this.lowListeners, listener);
  }

  onClose(listener: () => void): () => void {
    return subscribe(this.closeListeners, listener);
  }

  /** Closes both ends; each fires its close listeners on a later turn. */
  close(): void {
    if (this.closed) return;
    this.closeNow();
    this.peer?.closeNow();
  }

  /** Stops delivering messages sent from this end (the link stalls) until {@link resume}. */
  stall(): void {
    this.stalled = true;
  }

  /** Resumes delivery after {@link stall}. */
  resume(): void {
    this.stalled = false;
    this.scheduleDrain();
  }

  /** Number of listeners still attached (0 once the user released the channel). */
  get listenerCount(): number {
    return this.messageListeners.size + this.lowListeners.size + this.closeListeners.size;
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.bufferedAmount = 0;
    setImmediate(() => {
      for (const listener of [...this.closeListeners]) listener();
    });
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.stalled || this.closed) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    let budget = this.options.bytesPerTurn ?? Number.POSITIVE_INFINITY;
    const threshold = this.options.lowThreshold ?? 0;
    while (budget > 0 && !this.stalled && !this.closed) {
      const message = this.queue.shift();
      if (message === undefined) break;
      const before = this.bufferedAmount;
      this.bufferedAmount -= message.length;
      budget -= message.length;
      this.peer?.deliver(message);
      if (before > threshold && this.bufferedAmount <= threshold) {
        for (const listener of [...this.lowListeners]) listener();
      }
    }
    if (this.queue.length > 0) this.scheduleDrain();
  }

  private deliver(message: Uint8Array): void {
    if (this.closed) return;
    for (const listener of [...this.messageListeners]) listener(message);
  }
}

function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/** Two linked ends; options apply to messages sent from the respective end. */
export function memoryChannelPair(
  aOptions: MemoryChannelOptions = {},
  bOptions: MemoryChannelOptions = aOptions,
): [MemoryChannel, MemoryChannel] {
  const a = new MemoryChannel(aOptions);
  const b = new MemoryChannel(bOptions);
  MemoryChannel.link(a, b);
  return [a, b];
}
