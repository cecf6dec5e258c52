/**
 * Our Clappr playback for MPEG-DASH (and for HLS on pages without hls.js): Clappr's `HTML5Video`
 * playback with Shaka Player owning the video element's source, and the player's P2P session
 * plugged into that Shaka player before it loads the manifest.
 */
import type { ShakaNamespace } from '../shared/library-types.js';
import { chooseEngine } from '../shared/engine-choice.js';
import { detectEnvironment } from '../shared/playback-environment.js';
import {
  startShakaPlayback,
  type ShakaFailure,
  type ShakaPlaybackHandle,
  type ShakaPlayer,
} from '../shared/shaka-start.js';
import type { EngineLibraries, PlayerSource } from '../shared/contract.js';
import type { ClapprNamespace, ClapprOptions, HTML5VideoBase } from './clappr-types.js';
import { sessionInOptions } from './player-session-link.js';
import { SUPPORTED_CLAPPR_VERSIONS } from './supported-versions.js';

/** `name` of our playback (Clappr identifies playbacks by name). */
export const SHAKA_PLAYBACK_NAME = 'p2p_shaka';

/** The source a playback's options describe. */
export function sourceOfOptions(options: ClapprOptions): PlayerSource {
  const src = options.src ?? '';
  const type = options.mimeType;
  return type === undefined || type === '' ? { src } : { src, type };
}

/** An instance of our playback (Clappr creates one per source it plays). */
export interface ShakaPlayback extends HTML5VideoBase {
  readonly name: string;
}

/** The class of our playback, built on `Clappr.HTML5Video`; register it in `plugins`. */
export interface ShakaPlaybackClass {
  new (options: ClapprOptions, ...rest: unknown[]): ShakaPlayback;
  /** Clappr's playback selection: true for what the plugin layer plays through Shaka. */
  canPlay(resource: string, mimeType?: string): boolean;
}

/**
 * Builds the playback class on the page's `Clappr` namespace. `libraries` (default: the page's
 * `Hls` and `shaka` globals) decide which sources it takes, before any player options exist.
 */
export function createShakaPlaybackClass(
  clappr: ClapprNamespace,
  libraries: EngineLibraries = {},
): ShakaPlaybackClass {
  const { Events, Playback, PlayerError } = clappr;

  return class P2PShakaPlayback extends clappr.HTML5Video {
    private startup: Promise<void> | undefined;
    private shaka: ShakaPlaybackHandle<ShakaPlayer> | undefined;
    private failed = false;
    /** `play()` was called and not undone by `pause()`/`stop()` (honoured once Shaka loaded). */
    private playRequested = false;

    get name(): string {
      return SHAKA_PLAYBACK_NAME;
    }

    get supportedVersion(): { readonly min: string; readonly max: string } {
      return SUPPORTED_CLAPPR_VERSIONS;
    }

    /**
     * Clappr asks every playback in turn; we take what the plugin layer plays through Shaka: DASH,
     * and HLS when hls.js is missing. With no MSE or no Shaka on the page Clappr's own HTML5
     * playback gets the source.
     */
    static canPlay(resource: string, mimeType?: string): boolean {
      const source = sourceOfOptions({ src: resource, ...(mimeType ? { mimeType } : {}) });
      return chooseEngine(source, detectEnvironment(libraries)).kind === 'shaka';
    }

    /** Shaka sets the element's source (a MediaSource URL), not Clappr. */
    override _setupSrc(): void {
      // Intentionally empty.
    }

    override _ready(): void {
      this.startup ??= this.startShaka();
      super._ready();
    }

    /**
     * Plays once Shaka gave the element its source: `play()` on an element without one would be
     * undone by Shaka attaching to it (after `stop()` the Shaka player is gone and a fresh one
     * starts here).
     */
    override play(): unknown {
      this.playRequested = true;
      const startup = (this.startup ??= this.startShaka());
      void startup.then(() => {
        if (this.startup === startup && this.playRequested && !this.failed) super.play();
      });
      return undefined;
    }

    override pause(): unknown {
      this.playRequested = false;
      return super.pause();
    }

    override stop(): void {
      this.playRequested = false;
      this.stopShaka();
      super.stop();
    }

    override destroy(): unknown {
      this.stopShaka();
      return super.destroy();
    }

    override getPlaybackType(): string {
      const player = this.shaka?.player();
      if (player?.isLive() === true) return Playback.LIVE;
      return player ? Playback.VOD : super.getPlaybackType();
    }

    private startShaka(): Promise<void> {
      this.failed = false;
      const session = sessionInOptions(this.options);
      const playback = startShakaPlayback({
        session,
        source: sourceOfOptions(this.options),
        media: this.el,
        resolveShaka: async () =>
          (await session?.resolveShaka()) ??
          libraries.shaka ??
          (await libraries.loadShaka?.()) ??
          (globalThis as { shaka?: ShakaNamespace }).shaka,
        onFatal: (failure) => {
          this.fail(failure);
        },
      });
      this.shaka = playback;
      return playback.ready;
    }

    private stopShaka(): void {
      this.startup = undefined;
      const playback = this.shaka;
      this.shaka = undefined;
      playback?.destroy();
    }

    /** Shows a fatal error the Clappr way (player `error` event, error screen) and reports it. */
    private fail({ error, shaka }: ShakaFailure): void {
      if (this.failed) return;
      this.failed = true;
      const code = shaka.code === undefined ? 'load' : String(shaka.code);
      const playerError = this.createError({
        code,
        description: error.message,
        level: PlayerError.Levels.FATAL,
        raw: shaka.code === undefined ? error : shaka,
      });
      this.trigger(Events.PLAYBACK_ERROR, playerError);
      sessionInOptions(this.options)?.reportError(error, true);
    }
  };
}
