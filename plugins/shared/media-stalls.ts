/**
 * Counts playback stalls of a media element: a `waiting` event after playback started, except while
 * seeking (waiting for data at a new position is expected, not a stall) and before the first
 * `playing` of each source (start-up buffering is not a stall either).
 */

/** The members of `HTMLMediaElement` read here. */
export type StallMediaLike = Pick<
  HTMLMediaElement,
  'seeking' | 'addEventListener' | 'removeEventListener'
>;

/** Follows one media element at a time; the count survives switching elements. */
export class StallCounter {
  private total = 0;
  private media: StallMediaLike | undefined;
  private started = false;
  private seeking = false;
  private readonly handlers: Readonly<Record<string, () => void>> = {
    playing: () => {
      this.started = true;
      this.seeking = false;
    },
    seeking: () => {
      this.seeking = true;
    },
    seeked: () => {
      this.seeking = false;
    },
    waiting: () => {
      if (this.started && !this.seeking && this.media?.seeking !== true) this.total++;
    },
    // A new source starts loading: its start-up buffering is not a stall.
    emptied: () => {
      this.started = false;
      this.seeking = false;
    },
  };

  /** Stalls counted so far, over every element followed. */
  get count(): number {
    return this.total;
  }

  /** Follows `media` (and stops following the previous element). Following it again does nothing. */
  watch(media: StallMediaLike): void {
    if (media === this.media) return;
    this.unwatch();
    this.media = media;
    this.started = false;
    this.seeking = false;
    for (const [type, handler] of Object.entries(this.handlers)) {
      media.addEventListener(type, handler);
    }
  }

  /** Stops following the current element. */
  unwatch(): void {
    const media = this.media;
    if (!media) return;
    for (const [type, handler] of Object.entries(this.handlers)) {
      media.removeEventListener(type, handler);
    }
    this.media = undefined;
  }
}
