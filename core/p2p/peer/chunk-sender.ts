/**
 * Streams the bytes of our uploads to one peer as DATA_CHUNK messages, taking turns between uploads
 * (one chunk each, round-robin) so that every request the peer has in flight makes progress and none
 * of them trips the peer's idle timeout behind a big one.
 *
 * Back-pressure: a data channel buffers whatever `send` is given, and browsers close the channel
 * when that buffer passes ~16 MiB. So sending pauses while `bufferedAmount` is above the high-water
 * mark and resumes on the channel's buffered-amount-low event. A slow poll backs the event up:
 * the event only fires when the buffer crosses the channel's low threshold, which may be set above
 * our high-water mark, and some WebRTC implementations have missed it.
 */
import type { PeerChannel } from './peer-channel.js';

/** What {@link ChunkSender} needs from its connection. */
export interface ChunkSenderHost {
  /** Largest payload one DATA_CHUNK may carry now. */
  maxPayloadBytes(): number;
  /** Sends one DATA_CHUNK; never throws (a failed send closes the connection). */
  sendChunk(requestId: number, payload: Uint8Array): void;
  /** Every byte of upload `requestId` was handed to the channel. */
  onFinished(requestId: number): void;
}

/** Tuning of {@link ChunkSender}. */
export interface ChunkSenderOptions {
  /** Pause while the channel buffers more than this, in bytes. */
  readonly highWaterBytes: number;
  /** While paused, also check the buffer this often, in ms. */
  readonly drainPollMs: number;
}

interface Upload {
  readonly requestId: number;
  readonly bytes: Uint8Array;
  position: number;
}

/** Round-robin, back-pressured sender of upload bytes. */
export class ChunkSender {
  private readonly uploads = new Map<number, Upload>();
  /** Upload ids in turn order; the head sends next. */
  private turns: number[] = [];
  private pumping = false;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly channel: PeerChannel,
    private readonly host: ChunkSenderHost,
    private readonly options: ChunkSenderOptions,
  ) {
    this.unsubscribe = channel.onBufferedAmountLow(() => {
      this.pump();
    });
  }

  /** Number of uploads still sending. */
  get count(): number {
    return this.uploads.size;
  }

  /** True while sending waits for the channel's buffer to drain. */
  get paused(): boolean {
    return this.pollTimer !== undefined;
  }

  /** Starts sending `bytes` (non-empty) as the chunks of upload `requestId`. */
  start(requestId: number, bytes: Uint8Array): void {
    if (this.destroyed) return;
    this.uploads.set(requestId, { requestId, bytes, position: 0 });
    this.turns.push(requestId);
    this.pump();
  }

  /** Stops upload `requestId`. Returns false when it was not sending. */
  cancel(requestId: number): boolean {
    if (!this.uploads.delete(requestId)) return false;
    this.turns = this.turns.filter((id) => id !== requestId);
    return true;
  }

  /** Stops every upload and releases the timer and the channel listener. */
  destroy(): void {
    this.destroyed = true;
    this.uploads.clear();
    this.turns = [];
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.unsubscribe();
  }

  /** Not a field read: TypeScript would keep narrowing `destroyed` across calls that change it. */
  private isDestroyed(): boolean {
    return this.destroyed;
  }

  private pump(): void {
    if (this.pumping || this.destroyed) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.pumping = true;
    try {
      for (;;) {
        const requestId = this.turns.shift();
        if (requestId === undefined) return;
        const upload = this.uploads.get(requestId);
        if (!upload) continue;
        if (this.channel.bufferedAmount > this.options.highWaterBytes) {
          this.turns.unshift(requestId);
          this.pollTimer = setTimeout(() => {
            this.pump();
          }, this.options.drainPollMs);
          return;
        }
        const end = Math.min(upload.bytes.length, upload.position + this.host.maxPayloadBytes());
        const payload = upload.bytes.subarray(upload.position, end);
        upload.position = end;
        const finished = end === upload.bytes.length;
        if (finished) this.uploads.delete(requestId);
        else this.turns.push(requestId);
        this.host.sendChunk(requestId, payload);
        // A failed send closes the connection, which destroys us.
        if (this.isDestroyed()) return;
        if (finished) this.host.onFinished(requestId);
      }
    } finally {
      this.pumping = false;
    }
  }
}
