/**
 * The stats overlay as a Clappr UI core plugin: a layer over the player's video holding the shared
 * overlay (`createStatsOverlay`: its "P2P" button, the panel, and the keyboard shortcut, default
 * Shift+P while the player has focus). The overlay belongs to the player's session, so
 * `player.p2p().overlay` controls it too and the session's `destroy()` removes it.
 */
import type { EngineLibraries, P2PPlayerSession, StatsOverlayHandle } from '../shared/contract.js';
import { createStatsOverlay, overlayOptionsFrom } from '../shared/index.js';
import type { ClapprCoreLike, ClapprNamespace, UICorePluginBase } from './clappr-types.js';
import { P2P_PLUGIN_NAME } from './p2p-core-plugin.js';
import { sessionOfCore, unlinkSession } from './player-session-link.js';
import { SUPPORTED_CLAPPR_VERSIONS } from './supported-versions.js';

/** `name` of the plugin. */
export const OVERLAY_PLUGIN_NAME = 'p2p_stats_overlay';

/** Class of the layer element holding the overlay. */
const LAYER_CLASS = 'p2pml-clappr-layer';

/**
 * Above Clappr's containers (the video), and transparent to the pointer except on the overlay, so
 * clicks elsewhere still reach the video. The font is the overlay's own: Clappr's reset stylesheet
 * (`[data-player] div { font: inherit }`) outranks the overlay's class rule, so the overlay's root
 * inherits its font from here instead of the player's 16px.
 */
const LAYER_STYLE =
  'position:absolute;inset:0;z-index:20;pointer-events:none;overflow:hidden;text-align:left;' +
  'font:12px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;';

/** An instance of the overlay plugin. */
export interface StatsOverlayPlugin extends UICorePluginBase {
  readonly name: string;
}

/** The class of the overlay plugin, as listed in Clappr's `plugins` option. */
export interface StatsOverlayPluginClass {
  new (core: ClapprCoreLike): StatsOverlayPlugin;
}

/**
 * Builds the overlay plugin class on the page's `Clappr` namespace (`libraries`: as for the core
 * plugin, used when this plugin is built first and creates the player's session).
 */
export function createStatsOverlayPluginClass(
  clappr: ClapprNamespace,
  libraries: EngineLibraries = {},
): StatsOverlayPluginClass {
  return class P2PStatsOverlayPlugin extends clappr.UICorePlugin {
    private readonly session: P2PPlayerSession;
    private readonly overlay: StatsOverlayHandle;

    constructor(core: ClapprCoreLike) {
      super(core);
      this.session = sessionOfCore(core, libraries);
      this.el.className = LAYER_CLASS;
      this.el.setAttribute('style', LAYER_STYLE);
      const options = overlayOptionsFrom(this.session.options.overlay);
      // The overlay joins the session: `player.p2p().overlay`, destroyed with the session.
      this.overlay = createStatsOverlay(this.el, this.session, options);
      this.overlay.element.style.pointerEvents = 'auto';
    }

    get name(): string {
      return OVERLAY_PLUGIN_NAME;
    }

    get supportedVersion(): { readonly min: string; readonly max: string } {
      return SUPPORTED_CLAPPR_VERSIONS;
    }

    /** Called by Clappr's UICorePlugin constructor: puts the layer over the containers. */
    override render(): this {
      this.core.el.appendChild(this.el);
      return this;
    }

    override destroy(): void {
      this.overlay.destroy();
      super.destroy();
      // Without the core plugin nobody else ends the session this plugin created.
      if (this.core.getPlugin(P2P_PLUGIN_NAME) === undefined) {
        this.session.destroy();
        unlinkSession(this.core);
      }
    }
  };
}
