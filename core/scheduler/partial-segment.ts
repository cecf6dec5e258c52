/** Bytes of a segment received so far, possibly from several sources in turn. */
export class PartialSegment {
  private chunks: Uint8Array[] = [];
  private length = 0;

  /** Bytes held. */
  get byteLength(): number {
    return this.length;
  }

  /** Appends the next bytes of the segment. */
  append(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.byteLength;
  }

  /** Drops everything (the bytes turned out to be wrong). */
  reset(): void {
    this.chunks = [];
    this.length = 0;
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
