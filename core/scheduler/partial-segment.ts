/**
 * Bytes of a segment received so far, possibly from several sources in turn, and who supplied
 * which of them: when the whole turns out to be wrong, each peer's part is compared with the
 * origin's bytes so that exactly the peers who sent wrong bytes are blamed.
 */

/** A run of consecutive bytes of the segment from one source. Offsets from the segment's start. */
export interface ContributedRange {
  /** The peer that sent the bytes, or `undefined` for the origin. */
  readonly peerId: string | undefined;
  /** First byte, inclusive. */
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
}

/** Bytes of one segment held so far, with their sources. */
export class PartialSegment {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private ranges: ContributedRange[] = [];

  /** Bytes held. */
  get byteLength(): number {
    return this.length;
  }

  /** True when any byte held came from a peer. */
  get hasPeerBytes(): boolean {
    return this.ranges.some((range) => range.peerId !== undefined);
  }

  /** The peers whose bytes are held, in the order they first contributed. */
  contributors(): string[] {
    const peers: string[] = [];
    for (const { peerId } of this.ranges) {
      if (peerId !== undefined && !peers.includes(peerId)) peers.push(peerId);
    }
    return peers;
  }

  /** Which source supplied which bytes, in segment order. */
  contributions(): readonly ContributedRange[] {
    return this.ranges;
  }

  /**
   * Appends the next bytes of the segment.
   * @param peerId - the peer that sent them; `undefined` for the origin
   */
  append(chunk: Uint8Array, peerId?: string): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    const start = this.length;
    this.length += chunk.byteLength;
    const last = this.ranges.at(-1);
    if (last && last.peerId === peerId && last.end === start) {
      this.ranges[this.ranges.length - 1] = { peerId, start: last.start, end: this.length };
    } else {
      this.ranges.push({ peerId, start, end: this.length });
    }
  }

  /** Drops everything (the bytes turned out to be wrong). */
  reset(): void {
    this.chunks = [];
    this.length = 0;
    this.ranges = [];
  }

  /** The bytes held, as one array. */
  concat(): Uint8Array {
    if (this.chunks.length === 1 && this.chunks[0]) return this.chunks[0];
    const result = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      result.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.chunks = [result];
    return result;
  }
}
