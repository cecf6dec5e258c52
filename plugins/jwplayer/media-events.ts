/**
 * Translates the provider's media element events into the events and states JW Player's model
 * follows (`'time'`, `'meta'`, `'bufferChange'`, `'bufferFull'`, `'providerFirstFrame'`,
 * `'seek'`/`'seeked'`, `'volume'`/`'mute'`, `'complete'`, `'state'`). Event names and payload fields
 * are those of JW Player 8's public `events.ts` and of what its HTML5 provider reports.
 */
import type { JWProviderState } from './jwplayer-extensions.js';

/** The provider members the bridge drives. */
export interface MediaEventTarget {
  readonly state: JWProviderState;
  setState(state: JWProviderState): void;
  trigger(name: string, payload?: unknown): unknown;
  getDuration(): number;
  getSeekRange(): { start: number; end: number };
}

/** Follows one media element for one provider, between `attach()` and `detach()`. */
export class MediaEventBridge {
  /** A seek is in progress (a `waiting` then is loading, not a stall). */
  private seeking = false;
  /** Position when a stall started: playback resumed once `currentTime` moves away from it. */
  private stallTime = -1;
  private attached = false;
  private readonly handlers: Readonly<Record<string, () => void>>;

  constructor(
    private readonly target: MediaEventTarget,
    private readonly video: HTMLVideoElement,
  ) {
    this.handlers = {
      loadedmetadata: () => {
        this.target.trigger('meta', {
          metadataType: 'media',
          duration: this.target.getDuration(),
          width: this.video.videoWidth,
          height: this.video.videoHeight,
          seekRange: this.target.getSeekRange(),
        });
      },
      canplay: () => {
        this.target.trigger('bufferFull');
      },
      progress: () => {
        this.progress();
      },
      durationchange: () => {
        this.progress();
      },
      play: () => {
        this.stallTime = -1;
        if (!this.video.paused && this.target.state !== 'playing') this.target.setState('loading');
      },
      playing: () => {
        // While stalled, `playing` can fire before frames move: timeupdate decides then.
        if (this.stallTime === -1) this.target.setState('playing');
        this.target.trigger('providerFirstFrame');
      },
      timeupdate: () => {
        this.timeupdate();
      },
      waiting: () => {
        if (this.seeking || this.video.seeking) {
          this.target.setState('loading');
        } else if (this.target.state === 'playing') {
          this.stallTime = this.video.currentTime;
          this.target.setState('stalled');
        }
      },
      pause: () => {
        if (this.target.state === 'complete' || this.video.ended || this.video.error) return;
        this.target.setState('paused');
      },
      seeking: () => {
        if (this.target.state === 'idle') return;
        this.seeking = true;
      },
      seeked: () => {
        if (!this.seeking) return;
        this.seeking = false;
        this.target.trigger('seeked');
      },
      volumechange: () => {
        this.target.trigger('volume', { volume: Math.round(this.video.volume * 100) });
        this.target.trigger('mute', { mute: this.video.muted });
      },
      ratechange: () => {
        this.target.trigger('ratechange', { playbackRate: this.video.playbackRate });
      },
      ended: () => {
        if (this.target.state !== 'idle' && this.target.state !== 'complete') {
          this.target.trigger('complete');
        }
      },
    };
  }

  /** Starts following the element (JW's `attachMedia`, and when a provider is created). */
  attach(): void {
    if (this.attached) return;
    this.attached = true;
    for (const [name, handler] of Object.entries(this.handlers)) {
      this.video.addEventListener(name, handler);
    }
  }

  /** Stops following it (JW's `detachMedia` during ads, and on destroy). */
  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    for (const [name, handler] of Object.entries(this.handlers)) {
      this.video.removeEventListener(name, handler);
    }
  }

  /** A seek requested through JW: reported as JW's `'seek'` event before the element moves. */
  seekRequested(offset: number): void {
    this.seeking = true;
    this.target.trigger('seek', { position: this.video.currentTime, offset });
  }

  private timeupdate(): void {
    const currentTime = this.video.currentTime;
    const duration = this.target.getDuration();
    if (Number.isNaN(duration)) return;
    const { state } = this.target;
    if (
      !this.seeking &&
      !this.video.paused &&
      (state === 'stalled' || state === 'loading') &&
      this.stallTime !== currentTime
    ) {
      this.stallTime = -1;
      this.target.setState('playing');
      this.target.trigger('providerFirstFrame');
    }
    // JW only expects time events while playing or seeking.
    if (this.target.state === 'playing' || (this.seeking && this.target.state !== 'idle')) {
      this.target.trigger('time', {
        position: currentTime,
        duration,
        currentTime,
        seekRange: this.target.getSeekRange(),
        metadata: { currentTime },
      });
    }
  }

  private progress(): void {
    const duration = this.target.getDuration();
    const buffered = this.video.buffered;
    // Live streams have no buffer percentage in JW.
    if (!(duration > 0) || duration === Infinity || buffered.length === 0) return;
    const end = buffered.end(buffered.length - 1);
    this.target.trigger('bufferChange', {
      bufferPercent: Math.min(1, Math.max(0, end / duration)) * 100,
      position: this.video.currentTime,
      duration,
      currentTime: this.video.currentTime,
      seekRange: this.target.getSeekRange(),
    });
  }
}
