/**
 * The JW Player media provider that plays HLS (hls.js) and DASH (Shaka) sources through the P2P
 * engine. JW Player 8 chooses a provider per source by asking each registered class's static
 * `supports(source)`, most recently registered first, and then drives the instance (`setContainer`,
 * `init`, `load`, `play`, `seek`, ...) while following its events through `on('all', ...)`. Which
 * player an instance belongs to comes from the `playerId` JW passes to the constructor.
 */
import type { P2PPlayerSession, PlaybackEngineKind, PlayerSource } from '../shared/index.js';
import type {
  JWProviderClass,
  JWProviderInstance,
  JWProviderItem,
  JWProviderSource,
  JWProviderState,
} from './jwplayer-extensions.js';
import { MediaEventBridge } from './media-events.js';
import { ProviderEvents } from './provider-events.js';
import { startSourcePlayback, type AudioTrack, type SourcePlayback } from './source-playback.js';

/** The provider's name as JW reports it (`jwplayer().getProvider().name`). */
export const PROVIDER_NAME = 'p2pml';

/**
 * Code of the `mediaError` the provider reports when a source cannot play. JW Player documents its
 * own error codes per provider; this one is ours (JW shows it with its generic error message).
 */
export const PROVIDER_ERROR_CODE = 239000;

/** How the provider reaches the P2P side of the player it plays for. */
export interface ProviderHost {
  /** Whether the provider should play `source` (static: JW asks before any player is known). */
  supports(source: PlayerSource): boolean;
  /** The library that plays `source` here with P2P off (`native`: none). */
  libraryFor(source: PlayerSource): PlaybackEngineKind;
  /** The session of player `playerId` (created with default options when the page attached none). */
  sessionFor(playerId: string): P2PPlayerSession;
}

/** JW's source description as the plugin layer's: JW's short types become MIME types. */
export function playerSourceOf(source: JWProviderSource | undefined): PlayerSource {
  if (!source) return { src: '' };
  if (source.mimeType) return { src: source.file, type: source.mimeType };
  if (source.type === 'hls') return { src: source.file, type: 'application/x-mpegURL' };
  if (source.type === 'dash') return { src: source.file, type: 'application/dash+xml' };
  return { src: source.file };
}

/** JW's `stretching` option as CSS `object-fit`. */
const OBJECT_FIT: Readonly<Record<string, string>> = {
  uniform: 'contain',
  exactfit: 'fill',
  fill: 'cover',
  none: 'none',
};

/** Creates the provider class bound to `host` (one class per registration). */
export function createP2PProviderClass(host: ProviderHost): JWProviderClass {
  class P2PProvider extends ProviderEvents implements JWProviderInstance {
    static getName(): { name: string } {
      return { name: PROVIDER_NAME };
    }

    static supports(source: JWProviderSource): boolean {
      return host.supports(playerSourceOf(source));
    }

    readonly video: HTMLVideoElement;
    state: JWProviderState = 'idle';
    readonly supportsPlaybackRate = true;
    /** JW reads these two (captions rendering, ad mode); the provider renders nothing natively. */
    readonly renderNatively = false;
    instreamMode = false;
    private container: HTMLElement | null = null;
    private readonly session: P2PPlayerSession;
    private readonly bridge: MediaEventBridge;
    private playback: SourcePlayback | undefined;
    private loadedSrc: string | undefined;
    private destroyed = false;

    constructor(
      playerId: string,
      _config: Readonly<Record<string, unknown>>,
      mediaElement?: HTMLVideoElement,
    ) {
      super();
      // JW 8 lends providers a video tag from its pool; without one, bring our own.
      this.video = mediaElement ?? document.createElement('video');
      this.session = host.sessionFor(playerId);
      this.session.watchMedia(this.video);
      this.bridge = new MediaEventBridge(this, this.video);
      this.bridge.attach();
    }

    getName(): { name: string } {
      return P2PProvider.getName();
    }

    init(_item: JWProviderItem): void {
      // Nothing to do before load: sources start in preload() or load().
    }

    preload(item: JWProviderItem): void {
      this.startItem(item);
    }

    load(item: JWProviderItem): Promise<void> {
      this.setState('loading');
      const playback = this.startItem(item);
      const starttime = item.starttime ?? 0;
      return playback.ready.then(() => {
        if (starttime > 0 && this.playback === playback) this.video.currentTime = starttime;
      });
    }

    play(): Promise<void> {
      return this.video.play();
    }

    pause(): void {
      this.video.pause();
    }

    stop(): void {
      this.endPlayback();
      this.setState('idle');
    }

    seek(position: number): void {
      // Live DVR positions are negative offsets from the live edge (JW's convention).
      const target = position < 0 ? this.getSeekRange().end + position : position;
      this.bridge.seekRequested(position);
      this.video.currentTime = target;
    }

    volume(volume: number): void {
      this.video.volume = Math.min(Math.max(0, volume / 100), 1);
    }

    mute(muted: boolean | string): void {
      this.video.muted = muted === true || muted === 'true';
    }

    resize(_width: number, _height: number, stretching: string): void {
      this.video.style.objectFit = Object.hasOwn(OBJECT_FIT, stretching)
        ? (OBJECT_FIT[stretching] ?? 'contain')
        : 'contain';
    }

    setVisibility(visible: boolean): void {
      this.video.style.visibility = visible ? '' : 'hidden';
    }

    supportsFullscreen(): boolean {
      return true;
    }

    setContainer(element: HTMLElement): void {
      this.container = element;
      if (this.video.parentNode !== element) element.appendChild(this.video);
    }

    getContainer(): HTMLElement | null {
      return this.container;
    }

    removeFromContainer(): void {
      const { container } = this;
      this.container = null;
      if (container && this.video.parentNode === container) container.removeChild(this.video);
    }

    remove(): void {
      this.stop();
      this.destroy();
      this.removeFromContainer();
    }

    destroy(): void {
      if (this.destroyed) return;
      this.destroyed = true;
      this.endPlayback();
      this.bridge.detach();
      this.off();
    }

    attachMedia(): void {
      this.bridge.attach();
    }

    detachMedia(): void {
      this.bridge.detach();
    }

    isLive(): boolean {
      return this.video.duration === Infinity;
    }

    getDuration(): number {
      return this.isLive() ? Infinity : this.video.duration;
    }

    getSeekRange(): { start: number; end: number } {
      const { seekable } = this.video;
      if (seekable.length === 0) return { start: 0, end: 0 };
      return { start: seekable.start(0), end: seekable.end(seekable.length - 1) };
    }

    getPlaybackRate(): number {
      return this.video.playbackRate;
    }

    setPlaybackRate(rate: number): void {
      this.video.playbackRate = rate;
    }

    setState(state: JWProviderState): void {
      this.state = state;
      this.trigger('state', { newstate: state });
    }

    getQualityLevels(): readonly { label: string }[] {
      return this.playback?.qualityLevels() ?? [];
    }

    getCurrentQuality(): number {
      return this.playback?.currentQuality() ?? 0;
    }

    setCurrentQuality(index: number): void {
      this.playback?.setQuality(index);
      this.trigger('levelsChanged', {
        currentQuality: this.getCurrentQuality(),
        levels: this.getQualityLevels(),
      });
    }

    getAudioTracks(): readonly AudioTrack[] {
      return this.playback?.audioTracks() ?? [];
    }

    getCurrentAudioTrack(): number {
      return this.playback?.currentAudioTrack() ?? -1;
    }

    /** JW's audio-track menu; `audioTrackChanged` follows as soon as hls.js starts switching. */
    setCurrentAudioTrack(index: number): void {
      this.playback?.setAudioTrack(index);
    }

    /** How the current source plays (for tests and diagnostics). */
    get engineKind(): PlaybackEngineKind | undefined {
      return this.playback?.kind;
    }

    /** Starts the item's first source unless it is the one already loaded (after `preload`). */
    private startItem(item: JWProviderItem): SourcePlayback {
      const source = playerSourceOf(item.sources[0]);
      if (this.playback && this.loadedSrc === source.src) return this.playback;
      this.endPlayback();
      const choice = this.session.chooseFor(source);
      // P2P off for this player, but JW already gave the source to this provider: play it alone.
      const plan =
        choice.kind === 'native' && choice.reason === 'disabled'
          ? { kind: host.libraryFor(source), withEngine: false }
          : { kind: choice.kind, withEngine: choice.kind !== 'native' };
      this.loadedSrc = source.src;
      const playback = startSourcePlayback(this.session, plan, source, this.video, {
        fatal: (error) => {
          if (this.playback !== playback) return;
          this.session.reportError(error, true);
          this.trigger('mediaError', {
            code: PROVIDER_ERROR_CODE,
            message: error.message,
            sourceError: error,
          });
        },
        levels: () => {
          if (this.playback !== playback) return;
          this.trigger('levels', {
            levels: this.getQualityLevels(),
            currentQuality: this.getCurrentQuality(),
          });
        },
        visualQuality: () => {
          const quality = playback.visualQuality();
          if (this.playback !== playback || !quality) return;
          this.trigger('visualQuality', {
            reason: quality.mode === 'manual' ? 'api' : 'auto',
            mode: quality.mode,
            bitrate: quality.level.bitrate,
            level: quality.level,
          });
        },
        audioTracks: (switched) => {
          if (this.playback !== playback) return;
          // JW's model keeps the list from `audioTracks` and the index from both events.
          this.trigger(switched ? 'audioTrackChanged' : 'audioTracks', {
            tracks: this.getAudioTracks(),
            currentTrack: this.getCurrentAudioTrack(),
          });
        },
      });
      this.playback = playback;
      return playback;
    }

    private endPlayback(): void {
      const playback = this.playback;
      if (!playback) return;
      this.playback = undefined;
      this.loadedSrc = undefined;
      playback.destroy();
      this.session.endSource();
    }
  }
  return P2PProvider;
}
