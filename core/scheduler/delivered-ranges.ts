/**
 * What the player holds of each stream, as far as the engine can tell from what it handed over: the
 * media element's buffered ranges are the intersection of all its source buffers, so with a
 * separate audio stream (DASH, HLS alternate audio) the element reports the end of whichever stream
 * lags, and it reports it only on its own events (`timeupdate` every ~250 ms), not when a segment
 * is appended. Deadlines read from it alone make the next video segment look due when only the
 * audio is short, and every segment asked for just after a delivery (a player filling its buffer at
 * startup) look due at once; those go to the origin although peers could have served them.
 * Extending the element's buffered end by the contiguous run of segments of the same stream already
 * delivered gives each stream its own deadline.
 *
 * Ranges are kept per stream (rendition), not per kind: a player that switches rendition and drops
 * what it buffered of the old one (Shaka's manual track selection clears the buffer ahead) must not
 * have the old rendition's segments counted as still buffered. The price is only that, right after
 * an ABR switch, the new rendition's deadlines fall back to the element's buffered end (early, never
 * late).
 */

/**
 * Gap, in seconds, still counted as contiguous: segment lists, container timestamps and the
 * element's ranges disagree by a few ms to a frame or two at boundaries.
 */
const CONTIGUITY_TOLERANCE_SECONDS = 0.1;
/**
 * Ranges kept per kind: enough for minutes of 2-6 s segments ahead of and just behind the playhead;
 * the oldest go first (they lie behind the playhead and no longer extend anything).
 */
const MAX_RANGES_PER_KIND = 64;

interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/** Time ranges of segments delivered to the player, per stream key. */
export class DeliveredRanges {
  private readonly ranges = new Map<string, TimeRange[]>();

  /** Records that the player received a segment of `streamKey` covering [`start`, `end`) seconds. */
  record(streamKey: string, start: number, end: number): void {
    if (!(end > start)) return;
    let list = this.ranges.get(streamKey);
    if (!list) {
      list = [];
      this.ranges.set(streamKey, list);
    }
    list.push({ start, end });
    if (list.length > MAX_RANGES_PER_KIND) list.shift();
  }

  /**
   * The end of the run of delivered `streamKey` segments that continues from `from` seconds without
   * a gap (`from` itself when no delivered segment continues it).
   */
  contiguousEnd(streamKey: string, from: number): number {
    const list = this.ranges.get(streamKey);
    if (!list) return from;
    let end = from;
    // Few ranges (see MAX_RANGES_PER_KIND): repeated scans are cheaper than keeping them sorted.
    for (let extended = true; extended;) {
      extended = false;
      for (const range of list) {
        if (range.start <= end + CONTIGUITY_TOLERANCE_SECONDS && range.end > end) {
          end = range.end;
          extended = true;
        }
      }
    }
    return end;
  }

  /** Forgets the ranges of one stream (removed by the adapter). */
  forget(streamKey: string): void {
    this.ranges.delete(streamKey);
  }

  /**
   * Forgets every range: after a seek back the player may have dropped what it held there (players
   * evict what lies far behind the playhead), so only the element's own ranges can be trusted.
   */
  clear(): void {
    this.ranges.clear();
  }
}
