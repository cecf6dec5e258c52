/** Appends bytes and varints to a buffer that grows as needed; used by the encoder. */
import { varintByteLength, writeVarint } from './varint.js';

/** A growable byte buffer with varint support. */
export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  /** @param initialCapacity - bytes allocated up front; size it to the expected message */
  constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Appends one byte (0..255). */
  byte(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  /** Appends the varint of a non-negative safe integer. */
  varint(value: number): this {
    this.reserve(varintByteLength(value));
    this.length = writeVarint(this.buffer, this.length, value);
    return this;
  }

  /** Appends `bytes` as they are. */
  bytes(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** The bytes written so far, trimmed to their length (a view, not a copy, when already exact). */
  finish(): Uint8Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
