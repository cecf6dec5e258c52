/**
 * The `p2p` advanced plugin: one instance per player, which is also the operator handle
 * (`player.p2p(options)` returns it). It owns the player's session, plays the sources the source
 * handler routes to it, mounts the overlay components, and on dispose releases everything; a
 * player that keeps living then plays its current source again through Video.js's own playback.
 */
import type { Listener } from '../shared/library-types.js';
import {
  chooseEngine,
  createPlayerSession,
  detectEnvironment,
  OVERLAY_EXTERNAL_TOGGLE_CLASS,
} from '../shared/index.js';
import type {
  OverlayOptions,
  P2PPlayerEventMap,
  P2PPlayerHandle,
  P2PPlayerSession,
  P2PPlayerStats,
  PlaybackEngineKind,
  PlayerSource,
  StatsOverlayHandle,
} from '../shared/contract.js';
import { startHlsPlayback } from './hlsjs-playback.js';
import { OVERLAY_BUTTON_COMPONENT, OVERLAY_COMPONENT } from './overlay-components.js';
import type { Playback, PlaybackContext } from './playback.js';
import { startShakaPlayback } from './shaka-playback.js';
import type {
  ComponentLike,
  PlayerLike,
  PluginClassLike,
  PluginInstanceLike,
  TechLike,
  VideojsLike,
} from './videojs-types.js';

/** The plugin instance: the operator handle plus what the source handler calls. */
export interface P2PPluginInstance extends PluginInstanceLike, P2PPlayerHandle {
  /**
   * Whether this player's plugin plays `source` (hls.js or Shaka) instead of Video.js. A source it
   * leaves to Video.js is announced to operators as `engine-selected` with kind `native`.
   */
  claim(source: PlayerSource): boolean;
  /** Plays `source` in the Html5 `tech` (the source handler's `handleSource`). */
  play(source: PlayerSource, tech: TechLike): Playback;
}

/** The plugin instances of one `videojs`, by player id (what the source handler looks up). */
export type PluginRegistry = Map<string, P2PPluginInstance>;

/** Event names of the handle; any other name goes to Video.js's own plugin events (`dispose`...). */
const HANDLE_EVENTS: ReadonlySet<string> = new Set([
  'engine-selected',
  'peer-connected',
  'peer-disconnected',
  'segment-loaded',
  'error',
  'stats',
]);

type EventedMethod = (this: unknown, type?: string, listener?: unknown) => void;

/** Builds the plugin class on `videojs`'s `Plugin` base class. */
export function createP2PPluginClass(
  videojs: VideojsLike,
  registry: PluginRegistry,
): PluginClassLike {
  const Plugin = videojs.getPlugin('plugin') as PluginClassLike;

  class P2PPlugin extends Plugin implements P2PPluginInstance {
    private readonly session: P2PPlayerSession;
    private readonly target: PlayerLike;
    private readonly eventedOn: EventedMethod;
    private readonly eventedOff: EventedMethod;
    private playback: Playback | undefined;
    /**
     * The source the current playback was started with. `dispose()` resumes from it: under Shaka,
     * `player.currentSources()` is already the MediaSource's `blob:` URL, which VHS cannot play.
     */
    private playbackSource: PlayerSource | undefined;
    /** Components this plugin added, with the component each was added to. */
    private components: { readonly child: ComponentLike; readonly parent: ComponentLike }[] = [];
    private disposed = false;

    constructor(player: PlayerLike, options?: unknown) {
      super(player);
      // Video.js's evented mixin put its own on/off on the instance; keep them for Video.js's
      // events and let the handle's on/off (which route P2P events to the session) show through,
      // as Plugin itself does with `trigger`.
      const own = this as unknown as Record<string, unknown>;
      this.eventedOn = own.on as EventedMethod;
      this.eventedOff = own.off as EventedMethod;
      delete own.on;
      delete own.off;
      this.target = player;
      this.session = createPlayerSession(options, { player: 'videojs' });
      this.session.on('error', ({ error, fatal }) => {
        // Fatal errors already reached player.error(); the rest must not stop playback.
        if (!fatal) player.log.warn(`p2p-media-loader: ${error.message}`);
      });
      registry.set(player.id(), this);
      player.ready(() => {
        if (this.disposed) return;
        this.mountUi();
        this.adoptCurrentSource();
      });
    }

    get engineKind(): PlaybackEngineKind {
      return this.session.engineKind;
    }

    get overlay(): StatsOverlayHandle | undefined {
      return this.session.overlay;
    }

    getStats(): P2PPlayerStats {
      return this.session.getStats();
    }

    on<K extends keyof P2PPlayerEventMap & string>(
      event: K,
      listener: Listener<P2PPlayerEventMap, K>,
    ): () => void {
      if (HANDLE_EVENTS.has(event)) return this.session.on(event, listener);
      this.eventedOn.call(this, event, listener);
      return () => {
        this.eventedOff.call(this, event, listener);
      };
    }

    off<K extends keyof P2PPlayerEventMap & string>(
      event?: K,
      listener?: Listener<P2PPlayerEventMap, K>,
    ): void {
      if (event !== undefined && listener !== undefined && HANDLE_EVENTS.has(event)) {
        this.session.off(event, listener);
        return;
      }
      // No arguments: Video.js's Plugin.dispose() removing every Video.js listener.
      this.eventedOff.call(this, event, listener);
    }

    destroy(): void {
      this.dispose();
    }

    claim(source: PlayerSource): boolean {
      if (this.disposed) return false;
      if (this.wouldPlay(source)) return true;
      this.session.chooseFor(source);
      return false;
    }

    play(source: PlayerSource, tech: TechLike): Playback {
      this.stopPlayback();
      const choice = this.session.chooseFor(source);
      this.session.watchMedia(tech.el());
      const player = this.target;
      // Filled in once started; `fail` may run during the start, before the playback exists.
      const current: { playback?: Playback } = {};
      let keepError: (() => void) | undefined;
      const context: PlaybackContext = {
        source,
        tech,
        player,
        session: this.session,
        AudioTrack: videojs.AudioTrack,
        fail: (code, message) => {
          this.session.reportError(new Error(message), true);
          const error = { code, message };
          player.error(error);
          // Video.js clears player.error() when the tech reports `loadstart`. hls.js attaching its
          // MediaSource causes one asynchronously, and a fast failure (a 404 manifest from a near
          // origin) can come first: put the error back if that `loadstart` is still this source's.
          if (keepError) player.off('loadstart', keepError);
          keepError = () => {
            keepError = undefined;
            if (this.playback === current.playback && player.error() === null) player.error(error);
          };
          player.one('loadstart', keepError);
        },
      };
      const started =
        choice.kind === 'shaka' ? startShakaPlayback(context) : startHlsPlayback(context);
      current.playback = started;
      this.playback = started;
      this.playbackSource = source;
      return {
        dispose: () => {
          if (keepError) player.off('loadstart', keepError);
          if (this.playback === started) this.stopPlayback();
          else started.dispose();
        },
      };
    }

    /**
     * Releases the session (engine, peers, timers, beacon, overlay) and the components. Called by
     * Video.js with the player's `dispose` event when the player goes; called by `destroy()` (or
     * directly) while the player lives on, in which case the current source is reloaded so that
     * Video.js's own playback (VHS) takes it over at the same position.
     */
    override dispose(event?: { readonly type: string }): void {
      if (this.disposed) return;
      this.disposed = true;
      const player = this.target;
      const playerGoing = event?.type === 'dispose' || player.isDisposed();
      // Read before stopping: hls.js/Shaka detaching empties the video's src, and Video.js then
      // forgets the player's source (`sourceset` with no src outside a src() call).
      const resume =
        !playerGoing && this.playback !== undefined
          ? positionOf(player, this.playbackSource)
          : undefined;
      if (registry.get(player.id()) === this) registry.delete(player.id());
      this.stopPlayback();
      for (const { child, parent } of this.components) {
        parent.removeChild(child);
        child.dispose();
      }
      this.components = [];
      this.session.destroy();
      super.dispose();
      if (resume) loadAgain(player, resume);
    }

    /** The plugin's choice for `source`, without telling anyone. */
    private wouldPlay(source: PlayerSource): boolean {
      return chooseEngine(source, detectEnvironment(this.session.options)).kind !== 'native';
    }

    private stopPlayback(): void {
      const playback = this.playback;
      if (!playback) return;
      this.playback = undefined;
      playback.dispose();
      this.session.endSource();
    }

    private mountUi(): void {
      if (this.session.options.enabled === false) return;
      const player = this.target;
      const option = this.session.options.overlay;
      const overlay: OverlayOptions =
        typeof option === 'object' ? option : { visible: option === true };
      this.components.push({
        child: player.addChild(OVERLAY_COMPONENT, { session: this.session, overlay }),
        parent: player,
      });
      const controlBar = player.getChild('ControlBar');
      if (!controlBar) return;
      const fullscreen = controlBar.getChild('FullscreenToggle');
      const index = fullscreen ? controlBar.children().indexOf(fullscreen) : -1;
      const button = controlBar.addChild(
        OVERLAY_BUTTON_COMPONENT,
        { onToggle: () => this.session.overlay?.toggle() },
        index === -1 ? undefined : index,
      );
      this.components.push({ child: button, parent: controlBar });
      // The control-bar button toggles the overlay: its own corner toggle would be a second one.
      this.session.overlay?.element.classList.add(OVERLAY_EXTERNAL_TOGGLE_CLASS);
    }

    /**
     * `player.p2p()` called after a source already reached the tech (Video.js played it with VHS):
     * load it again so that the source handler routes it here. A source still on its way to the
     * tech (`changingSrc_`) reaches the handler by itself.
     */
    private adoptCurrentSource(): void {
      const player = this.target;
      const current = player.currentSource();
      if (this.playback || !current.src) return;
      if ((player as { changingSrc_?: boolean }).changingSrc_ === true) return;
      const source = current.type ? { src: current.src, type: current.type } : { src: current.src };
      if (this.wouldPlay(source)) loadAgain(player, positionOf(player));
    }
  }

  return P2PPlugin;
}

/** Where a player is: its sources, position and play state. */
interface PlayerPosition {
  readonly sources: ReturnType<PlayerLike['currentSources']>;
  readonly seconds: number;
  readonly playing: boolean;
}

/** `source`: the source playback was started with, when known (else the player's current ones). */
function positionOf(player: PlayerLike, source?: PlayerSource): PlayerPosition {
  return {
    sources: source ? [source] : player.currentSources(),
    seconds: player.currentTime(),
    playing: !player.paused(),
  };
}

/** Loads `position.sources` again, resuming a VOD position and the play state. */
function loadAgain(player: PlayerLike, position: PlayerPosition): void {
  if (position.sources.length === 0) return;
  player.src(position.sources);
  player.one('loadedmetadata', () => {
    if (position.seconds > 0 && Number.isFinite(player.duration())) {
      player.currentTime(position.seconds);
    }
    if (position.playing) player.play()?.catch(() => undefined);
  });
}
