/**
 * The Clappr core plugin that runs P2P for a player: owns the player's session (from the `p2p`
 * options of `new Clappr.Player`), decides how each source plays, plugs the engine into Clappr's
 * hls.js playback, ends the source's engine when its container goes (source change, destroy),
 * turns session errors into Clappr errors, and gives the player `player.p2p()`.
 */
import type { EngineLibraries, P2PPlayerHandle, P2PPlayerSession } from '../shared/contract.js';
import type {
  ClapprContainerLike,
  ClapprCoreLike,
  ClapprErrorInput,
  ClapprNamespace,
  CorePluginBase,
} from './clappr-types.js';
import { HLSJS_PLAYBACK_NAME, plugIntoHlsPlayback } from './hls-playback-hook.js';
import { sessionOfCore, unlinkSession } from './player-session-link.js';
import { SHAKA_PLAYBACK_NAME, sourceOfOptions } from './shaka-playback.js';
import { SUPPORTED_CLAPPR_VERSIONS } from './supported-versions.js';

/** `name` of the plugin: `player.getPlugin(P2P_PLUGIN_NAME).handle` is the operator handle. */
export const P2P_PLUGIN_NAME = 'p2p';

/** Name of Clappr's placeholder playback for sources nothing can play (`Playback.NO_OP`). */
const NO_OP_PLAYBACK_NAME = 'no_op';

/** Code of the Clappr errors this plugin creates (Clappr prefixes it with the plugin name). */
const CLAPPR_ERROR_CODE = 'p2p';

/**
 * The container Clappr keeps: its `sources` plugin destroys all but the first one with a real
 * playback, so that is the one whose source gets an engine.
 */
function playingContainer(
  containers: readonly ClapprContainerLike[],
): ClapprContainerLike | undefined {
  return containers.find((c) => c.playback.name !== NO_OP_PLAYBACK_NAME) ?? containers[0];
}

/** An instance of the core plugin (`player.getPlugin(P2P_PLUGIN_NAME)`). */
export interface P2PCorePlugin extends CorePluginBase {
  readonly name: string;
  /** The operator handle of this player (stats, events, overlay); the same as `player.p2p()`. */
  readonly handle: P2PPlayerHandle;
  /** The player's session (the handle plus what playbacks drive). */
  readonly session: P2PPlayerSession;
  getExternalInterface(): Record<string, () => P2PPlayerHandle>;
}

/** The core plugin class, as listed in Clappr's `plugins` option. */
export interface P2PCorePluginClass {
  new (core: ClapprCoreLike): P2PCorePlugin;
}

/**
 * Builds the core plugin class on the page's `Clappr` namespace; `libraries` are defaults under
 * each player's `p2p` options.
 */
export function createP2PCorePluginClass(
  clappr: ClapprNamespace,
  libraries: EngineLibraries = {},
): P2PCorePluginClass {
  const { Events, PlayerError } = clappr;

  return class P2PMediaLoaderPlugin extends clappr.CorePlugin {
    /** Kept from construction on: after `destroy()` the player must not grow a new session. */
    readonly session: P2PPlayerSession;
    private readonly stopErrorForwarding: () => void;

    constructor(core: ClapprCoreLike) {
      super(core);
      this.session = sessionOfCore(core, libraries);
      this.stopErrorForwarding = this.session.on('error', ({ error, fatal }) => {
        // Fatal errors come from a playback, which already raised them the Clappr way.
        if (!fatal) this.raiseWarning(error);
      });
    }

    get name(): string {
      return P2P_PLUGIN_NAME;
    }

    get supportedVersion(): { readonly min: string; readonly max: string } {
      return SUPPORTED_CLAPPR_VERSIONS;
    }

    get handle(): P2PPlayerHandle {
      return this.session;
    }

    /** Called by Clappr's CorePlugin constructor and on `enable()`. */
    bindEvents(): void {
      this.listenTo(this.core, Events.CORE_CONTAINERS_CREATED, () => {
        this.containersCreated();
      });
    }

    /** Clappr copies these onto the player: `player.p2p()` returns the operator handle. */
    getExternalInterface(): Record<string, () => P2PPlayerHandle> {
      return { p2p: () => this.session };
    }

    override destroy(): void {
      // Clappr destroys the containers (ending the source) before the core plugins.
      super.destroy();
      this.stopErrorForwarding();
      this.session.destroy();
      unlinkSession(this.core);
    }

    /**
     * P2P problems never stop playback (it goes on over HTTP): they become `WARN` level Clappr
     * errors (`Clappr.Events.ERROR` on the core; Clappr's error screen only shows `FATAL` ones),
     * and a console line for whoever listens to neither.
     */
    private raiseWarning(error: Error): void {
      console.warn('p2p-media-loader:', error.message);
      const code = (error as { code?: unknown }).code;
      const input: ClapprErrorInput = {
        code: typeof code === 'string' ? `${CLAPPR_ERROR_CODE}-${code}` : CLAPPR_ERROR_CODE,
        description: error.message,
        level: PlayerError.Levels.WARN,
        raw: error,
      };
      this.createError(input);
    }

    private containersCreated(): void {
      const container = playingContainer(this.core.containers);
      if (!container) return;
      const { playback } = container;
      const { session } = this;
      const source = sourceOfOptions(playback.options);
      const choice = session.chooseFor(source);
      const playbackName = playback.name;
      if (choice.kind === 'hlsjs' && playbackName === HLSJS_PLAYBACK_NAME) {
        plugIntoHlsPlayback(playback, session, source);
        this.listenTo(container, Events.CONTAINER_ERROR, (error: ClapprErrorInput) => {
          // hls.js gave up on the source: the handle's `error` event says so as well.
          if (error.level !== PlayerError.Levels.FATAL) return;
          const raw = error.raw instanceof Error ? error.raw : new Error(error.description);
          session.reportError(raw, true);
        });
      } else if (choice.kind !== 'native' && playbackName !== SHAKA_PLAYBACK_NAME) {
        // Our Shaka playback attaches itself; any other playback plays without P2P.
        session.reportError(
          new Error(
            `Clappr plays ${source.src} with its '${playbackName}' playback, without P2P ` +
              '(list HlsjsPlayback and the P2P plugins in the plugins option)',
          ),
          false,
        );
      }
      if (playback.el instanceof HTMLMediaElement) session.watchMedia(playback.el);
      this.listenToOnce(container, Events.CONTAINER_DESTROYED, () => {
        this.stopListening(container);
        session.endSource();
      });
    }
  };
}
