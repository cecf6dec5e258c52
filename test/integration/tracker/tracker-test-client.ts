/**
 * A bare WebTorrent tracker client over package `ws` for the tracker's hostile-input tests: sends
 * any frame (text, binary, oversized), keeps every reply in order, and waits for replies by count.
 */
import WebSocket from 'ws';

import { waitUntil } from '../../support/wait.js';

/** A reply the tracker sent, parsed (undefined fields when it was not JSON). */
export interface TrackerReply {
  readonly action?: string;
  readonly 'failure reason'?: string;
  readonly info_hash?: string;
  readonly offer?: unknown;
  readonly answer?: unknown;
  readonly offer_id?: string;
  readonly peer_id?: string;
  readonly [field: string]: unknown;
}

/** One open WebSocket to the tracker. */
export class TrackerTestClient {
  readonly replies: TrackerReply[] = [];
  /** Close code, once closed. */
  closeCode: number | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      try {
        this.replies.push(JSON.parse(data.toString('utf8')) as TrackerReply);
      } catch {
        this.replies.push({ unparsable: data.toString('utf8') });
      }
    });
    socket.on('close', (code) => (this.closeCode = code));
    socket.on('error', () => undefined);
  }

  /** Opens a socket; resolves once open, or once refused and closed (see {@link closeCode}). */
  static async open(url: string): Promise<TrackerTestClient> {
    const socket = new WebSocket(url);
    const client = new TrackerTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => {
        resolve();
      });
      socket.on('close', () => {
        resolve();
      });
      socket.on('error', reject);
    });
    return client;
  }

  /** Sends a text frame (objects as JSON) or, for a Buffer, a binary frame. */
  send(message: string | Buffer | Record<string, unknown>): void {
    if (Buffer.isBuffer(message)) this.socket.send(message, { binary: true });
    else this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends `data` as it is, e.g. bytes that are not UTF-8 in a text frame (`binary: false`). */
  sendRaw(data: Buffer, options: { binary: boolean }): void {
    this.socket.send(data, options);
  }

  /** Waits until `count` replies in all have arrived, and returns them. */
  async repliesUpTo(count: number, timeoutMs = 5000): Promise<TrackerReply[]> {
    await waitUntil(() => this.replies.length >= count, {
      timeoutMs,
      intervalMs: 10,
      description: `${count} replies`,
      lastSeen: () => `${this.replies.length} replies, last ${JSON.stringify(this.replies.at(-1))}`,
    });
    return this.replies.slice(0, count);
  }

  /** Waits for a reply matching `predicate` (already received or future). */
  async replyWhere(predicate: (reply: TrackerReply) => boolean, timeoutMs = 5000) {
    return waitUntil(() => this.replies.find(predicate), {
      timeoutMs,
      intervalMs: 10,
      description: 'a matching reply',
      lastSeen: () => JSON.stringify(this.replies.slice(-3)),
    });
  }

  /** Waits for the socket to close; resolves with the close code. */
  async closed(timeoutMs = 5000): Promise<number> {
    return waitUntil(() => this.closeCode, { timeoutMs, intervalMs: 10, description: 'close' });
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Failure replies among `replies`. */
export function failures(replies: readonly TrackerReply[]): TrackerReply[] {
  return replies.filter((reply) => reply['failure reason'] !== undefined);
}
