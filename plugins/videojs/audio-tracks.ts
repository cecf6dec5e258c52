/**
 * Feeds the tech's audio track list (`player.audioTracks()`, which Video.js's audio menu shows) from
 * the alternate audio renditions hls.js or Shaka know, and follows switches both ways: a user
 * enabling a track asks the library to switch; the library switching on its own enables the track.
 */
import type { AudioTrackLike, AudioTrackListLike, VideojsLike } from './videojs-types.js';

/** One audio rendition as the streaming library describes it. */
export interface AudioOption {
  /** Unique within the source. */
  readonly id: string;
  readonly label: string;
  /** BCP 47 language, '' when unknown. */
  readonly language: string;
  /** The manifest's default rendition (`kind: 'main'`), else `alternative`. */
  readonly main: boolean;
}

/** Keeps one source's audio tracks in the tech's list. */
export class AudioTracksBridge {
  private tracks: AudioTrackLike[] = [];
  private activeId: string | undefined;
  private disposed = false;
  private readonly onChange = (): void => {
    const enabled = this.tracks.find((track) => track.enabled);
    if (enabled === undefined || enabled.id === this.activeId) return;
    this.activeId = enabled.id;
    this.switchTo(enabled.id);
  };

  /**
   * @param list - the tech's audio track list
   * @param AudioTrack - Video.js's track class (`videojs.AudioTrack`)
   * @param switchTo - asks the library to play the track with this id (user choice)
   */
  constructor(
    private readonly list: AudioTrackListLike,
    private readonly AudioTrack: VideojsLike['AudioTrack'],
    private readonly switchTo: (id: string) => void,
  ) {
    list.on('change', this.onChange);
  }

  /** Replaces this bridge's tracks with `options`; `activeId` is the one playing. */
  setTracks(options: readonly AudioOption[], activeId: string | undefined): void {
    if (this.disposed) return;
    this.removeTracks();
    this.activeId = activeId;
    for (const option of options) {
      const track = new this.AudioTrack({
        id: option.id,
        kind: option.main ? 'main' : 'alternative',
        label: option.label,
        language: option.language,
        enabled: option.id === activeId,
      }) as AudioTrackLike;
      this.tracks.push(track);
      this.list.addTrack(track);
    }
  }

  /** The library switched to `id` on its own: enable that track without asking it back. */
  markActive(id: string): void {
    if (this.disposed || id === this.activeId) return;
    this.activeId = id;
    const track = this.tracks.find((candidate) => candidate.id === id);
    if (track) track.enabled = true;
  }

  /** Removes this bridge's tracks and listener. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.list.off('change', this.onChange);
    this.removeTracks();
  }

  private removeTracks(): void {
    for (const track of this.tracks) this.list.removeTrack(track);
    this.tracks = [];
  }
}
