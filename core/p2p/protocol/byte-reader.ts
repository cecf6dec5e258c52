/**
 * Reads a received message field by field. Every failure throws a `peer-protocol` error naming the
 * message and the field, so a log line says exactly what a misbehaving peer sent.
 */
import { P2PMediaLoaderError } from '../../errors.js';
import { MAX_VARINT_BYTES } from './varint.js';

/** The `peer-protocol` error the decoder throws. */
export function protocolError(message: string): P2PMediaLoaderError {
  return new P2PMediaLoaderError('peer-protocol', `peer message: ${message}`);
}

/** Sequential reader over one message's bytes. */
export class ByteReader {
  private offset = 0;

  /**
   * @param bytes - the whole message
   * @param context - message name used in error messages, e.g. `REQUEST`
   */
  constructor(
    private readonly bytes: Uint8Array,
    public context: string,
  ) {}

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Reads one byte. */
  byte(field: string): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw this.error(field, 'is truncated');
    this.offset++;
    return value;
  }

  /**
   * Reads a canonical (shortest-form) varint no greater than `max`.
   * @param max - largest allowed value; defaults to `Number.MAX_SAFE_INTEGER`
   */
  varint(field: string, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.rawVarint(max);
    if (typeof value === 'string') throw this.error(field, value);
    return value;
  }

  /**
   * Reads a varint field of a list element, named `list[index].part` in errors. The name is built
   * only on failure: range lists have thousands of elements, and building every name would triple
   * decoding time.
   */
  elementVarint(list: string, index: number, part: string): number {
    const value = this.rawVarint(Number.MAX_SAFE_INTEGER);
    if (typeof value === 'string') throw this.error(`${list}[${index}].${part}`, value);
    return value;
  }

  /** The varint's value, or the problem with it. */
  private rawVarint(max: number): number | string {
    let value = 0;
    let scale = 1;
    for (let index = 0; index < MAX_VARINT_BYTES; index++) {
      const byte = this.bytes[this.offset];
      if (byte === undefined) return 'is truncated';
      this.offset++;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (byte === 0 && index > 0) return 'is a non-canonical (overlong) varint';
        if (value > max) return `is ${value}, above the maximum ${max}`;
        return value;
      }
      scale *= 0x80;
    }
    return `is a varint longer than ${MAX_VARINT_BYTES} bytes (above 2^53)`;
  }

  /** Reads `length` bytes as a view into the message. */
  bytesView(field: string, length: number): Uint8Array {
    if (length > this.remaining) throw this.error(field, 'is truncated');
    const view = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }

  /** Reads everything left as a view into the message. */
  rest(): Uint8Array {
    return this.bytesView('rest', this.remaining);
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.remaining > 0) {
      throw protocolError(`${this.context} has ${this.remaining} trailing byte(s)`);
    }
  }

  /** A `peer-protocol` error about `field` of the current message. */
  error(field: string, problem: string): P2PMediaLoaderError {
    return protocolError(`${this.context} field ${field} ${problem}`);
  }
}
