/**
 * The stats overlay as Video.js components: `P2PStatsOverlay` (a layer over the video holding the
 * shared overlay, `createStatsOverlay`) and `P2PStatsButton` (a control-bar button toggling it).
 * Registered once per `videojs`; the plugin adds them to each player.
 */
import { createStatsOverlay } from '../shared/index.js';
import type { OverlayOptions, P2PPlayerSession, StatsOverlayHandle } from '../shared/contract.js';
import type {
  ComponentClassLike,
  ComponentLike,
  PlayerLike,
  VideojsLike,
} from './videojs-types.js';

/** Component name of the overlay layer (`videojs.getComponent('P2PStatsOverlay')`). */
export const OVERLAY_COMPONENT = 'P2PStatsOverlay';
/** Component name of the control-bar button toggling the overlay. */
export const OVERLAY_BUTTON_COMPONENT = 'P2PStatsButton';

/** Options of a `P2PStatsOverlay` (passed to `player.addChild`). */
export interface StatsOverlayComponentOptions {
  /** The session the overlay shows (it adopts the overlay: `session.overlay`). */
  readonly session: P2PPlayerSession;
  readonly overlay: OverlayOptions;
}

/** Options of a `P2PStatsButton`. */
export interface StatsButtonOptions {
  /** Called when the button is activated (click, tap, Enter/Space). */
  readonly onToggle: () => void;
}

/** A `P2PStatsOverlay` instance. */
export interface StatsOverlayComponent extends ComponentLike {
  /** The overlay it holds (undefined once disposed). */
  readonly overlay: StatsOverlayHandle | undefined;
}

interface ButtonLike extends ComponentLike {
  controlText(text: string): void;
  buildCSSClass(): string;
}

/** Registers both components on `videojs` (each registration replaces the previous class). */
export function registerOverlayComponents(videojs: VideojsLike): void {
  const Component = videojs.getComponent('Component') as ComponentClassLike;
  const Button = videojs.getComponent('Button') as new (
    player: PlayerLike,
    options?: object,
  ) => ButtonLike;

  class P2PStatsOverlay extends Component implements StatsOverlayComponent {
    private held: StatsOverlayHandle | undefined;

    constructor(player: PlayerLike, options: StatsOverlayComponentOptions) {
      super(player, options);
      // The session adopts it (`session.overlay`); this component only holds it for dispose().
      this.held = createStatsOverlay(this.el(), options.session, options.overlay);
    }

    get overlay(): StatsOverlayHandle | undefined {
      return this.held;
    }

    /** Video.js calls this from the Component constructor to build the root element. */
    createEl(): HTMLElement {
      const el = document.createElement('div');
      el.className = 'vjs-p2p-stats-overlay';
      // Spans the player above the video and lets clicks through to it (the overlay's own root
      // takes pointer events back); under the control bar's menus.
      el.style.cssText = 'position:absolute;inset:0;pointer-events:none;z-index:1';
      return el;
    }

    override dispose(): void {
      this.held?.destroy();
      this.held = undefined;
      super.dispose();
    }
  }

  class P2PStatsButton extends Button {
    private readonly onToggle: () => void;

    constructor(player: PlayerLike, options: StatsButtonOptions) {
      super(player, options);
      this.onToggle = options.onToggle;
      this.controlText('P2P statistics');
      const label = document.createElement('span');
      label.textContent = 'P2P';
      label.setAttribute('aria-hidden', 'true');
      label.style.cssText = 'font-size:1.1em;font-weight:bold;line-height:3em';
      this.el().appendChild(label);
    }

    override buildCSSClass(): string {
      return `vjs-p2p-stats-button ${super.buildCSSClass()}`;
    }

    /** Video.js calls this on click, tap and keyboard activation. */
    handleClick(): void {
      this.onToggle();
    }
  }

  videojs.registerComponent(OVERLAY_COMPONENT, P2PStatsOverlay);
  videojs.registerComponent(OVERLAY_BUTTON_COMPONENT, P2PStatsButton);
}
