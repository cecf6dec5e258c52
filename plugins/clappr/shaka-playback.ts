/**
 * Our Clappr playback for MPEG-DASH (and for HLS on pages without hls.js): Clappr's `HTML5Video`
 * playback with Shaka Player owning the video element's source, and the player's P2P session
 * plugged into that Shaka player before it loads the manifest.
 */
import type { ShakaNamespace, ShakaPlayerLike } from '../../core/shaka/shaka-types.js';
import { chooseEngine } from '../shared/engine-choice.js';
import { detectEnvironment } from '../shared/playback-environment.js';
import type { EngineLibraries, PlayerSource } from '../shared/contract.js';
import type { ClapprNamespace, ClapprOptions, HTML5VideoBase } from './clappr-types.js';
import { sessionInOptions } from './player-session-link.js';
import { SUPPORTED_CLAPPR_VERSIONS } from './supported-versions.js';

/** `name` of our playback (Clappr identifies playbacks by name). */
export const SHAKA_PLAYBACK_NAME = 'p2p_shaka';

/** `shaka.util.Error.Severity.CRITICAL`: Shaka stopped playing (lower severities it recovers). */
const SHAKA_SEVERITY_CRITICAL = 2;

/** `shaka.Player` as this playback drives it. */
interface ShakaPlayerInstance extends ShakaPlayerLike {
  attach(media: HTMLMediaElement): Promise<void>;
  load(uri: string): Promise<unknown>;
  destroy(): Promise<void>;
}

/** The `shaka` namespace with the player class (the adapter's type leaves it out). */
interface ShakaWithPlayer extends ShakaNamespace {
  readonly Player?: (new () => ShakaPlayerInstance) & { isBrowserSupported(): boolean };
  readonly polyfill?: { installAll(): void };
}

/** What a Shaka error event's `detail` (a `shaka.util.Error`) tells. */
interface ShakaErrorDetail {
  readonly severity?: number;
  readonly code?: number;
  readonly message?: string;
}

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
    /** Bumped by every start and stop: a start that finds another number was cancelled. */
    private generation = 0;
    private startup: Promise<void> | undefined;
    private shakaPlayer: ShakaPlayerInstance | undefined;
    private failed = false;
    /** `play()` was called and not undone by `pause()`/`stop()` (honoured once Shaka loaded). */
    private playRequested = false;
    private readonly onShakaError = (event: Event): void => {
      const detail = (event as CustomEvent<ShakaErrorDetail | undefined>).detail;
      if (detail?.severity === SHAKA_SEVERITY_CRITICAL) this.fail(detail);
    };

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
      if (this.shakaPlayer?.isLive() === true) return Playback.LIVE;
      return this.shakaPlayer ? Playback.VOD : super.getPlaybackType();
    }

    private async startShaka(): Promise<void> {
      const generation = ++this.generation;
      this.failed = false;
      const session = sessionInOptions(this.options);
      const source = sourceOfOptions(this.options);
      try {
        // ShakaWithPlayer only adds optional members: any namespace is one.
        const shaka: ShakaWithPlayer | undefined =
          (await session?.resolveShaka()) ??
          libraries.shaka ??
          (await libraries.loadShaka?.()) ??
          (globalThis as { shaka?: ShakaNamespace }).shaka;
        if (generation !== this.generation) return;
        if (shaka?.Player === undefined) {
          throw new Error('Shaka Player is not on the page: add its script before the plugin');
        }
        shaka.polyfill?.installAll();
        const player = new shaka.Player();
        this.shakaPlayer = player;
        player.addEventListener('error', this.onShakaError);
        await player.attach(this.el);
        if (generation !== this.generation) return;
        // Before load(): the adapter names segments from the manifest it sees Shaka download.
        if (session && session.options.enabled !== false) session.attachShaka(player, source);
        await player.load(source.src);
      } catch (error) {
        if (generation === this.generation) this.fail(error);
      }
    }

    private stopShaka(): void {
      this.generation += 1;
      this.startup = undefined;
      const player = this.shakaPlayer;
      this.shakaPlayer = undefined;
      if (!player) return;
      player.removeEventListener('error', this.onShakaError);
      player.destroy().catch((error: unknown) => {
        console.warn('p2p-media-loader: destroying Shaka Player failed', error);
      });
    }

    /** Shows a fatal error the Clappr way (player `error` event, error screen) and reports it. */
    private fail(reason: unknown): void {
      if (this.failed) return;
      this.failed = true;
      const detail = (reason ?? {}) as ShakaErrorDetail;
      const code = detail.code === undefined ? 'load' : String(detail.code);
      const description =
        reason instanceof Error ? reason.message : `Shaka error ${code}: ${String(detail.message)}`;
      const error = this.createError({
        code,
        description,
        level: PlayerError.Levels.FATAL,
        raw: reason,
      });
      this.trigger(Events.PLAYBACK_ERROR, error);
      sessionInOptions(this.options)?.reportError(
        reason instanceof Error ? reason : new Error(description),
        true,
      );
    }
  };
}
