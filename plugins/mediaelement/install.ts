/**
 * Installs the plugin into a MediaElement.js build: the `p2p_shaka` renderer, the `p2pstats`
 * feature, and the `p2p` player option. MediaElement has no hook that runs before a player picks
 * its renderer (features are built only once the renderer is ready, too late to hand hls.js our
 * loaders), so the plugin wraps `MediaElementPlayer.prototype.init` (to set the player up before
 * MediaElement is created) and `remove` (to release P2P with the player, and to keep the `<video>`
 * MediaElement gives back from loading the stream natively: see restored-media.ts).
 */
import type {
  MediaElementLike,
  MediaElementPlayerClass,
  MediaElementPlayerLike,
  MejsNamespace,
} from './mediaelement-types.js';
import { PlayerBinding } from './player-binding.js';
import { quietMediaOnRemove } from './restored-media.js';
import { createShakaRenderer } from './shaka-renderer.js';
import { P2P_SHAKA_RENDERER } from './renderer-order.js';

/** Name of the stats overlay feature (`features: [..., 'p2pstats']`). */
export const P2P_STATS_FEATURE = 'p2pstats';

/** Marks a prototype the plugin was installed on (several bundles on one page install once). */
const INSTALLED = Symbol.for('p2p-media-loader.mediaelement.installed');

/** Bindings by the page's media node (how renderers find their player) and by player. */
const bindingsByNode = new WeakMap<object, PlayerBinding>();
const bindingsByPlayer = new WeakMap<object, PlayerBinding>();

type FeatureBuilder = (
  this: MediaElementPlayerLike,
  player: MediaElementPlayerLike,
  controls: HTMLElement,
  layers: HTMLElement,
  media: unknown,
) => void;

/**
 * Installs the plugin into `mejs` (default: the page's `window.mejs`). Idempotent.
 *
 * @returns false when MediaElement (with its player) is not loaded, true otherwise
 */
export function installMediaElementP2P(mejs?: MejsNamespace): boolean {
  const namespace = mejs ?? (globalThis as { mejs?: MejsNamespace }).mejs;
  const PlayerClass: MediaElementPlayerClass | undefined =
    namespace?.MediaElementPlayer ??
    (globalThis as { MediaElementPlayer?: MediaElementPlayerClass }).MediaElementPlayer;
  if (!namespace || !PlayerClass) return false;
  const proto = PlayerClass.prototype as MediaElementPlayerLike & Record<PropertyKey, unknown>;
  if (proto[INSTALLED] === true) return true;
  proto[INSTALLED] = true;

  if (namespace.Renderers.renderers[P2P_SHAKA_RENDERER] === undefined) {
    namespace.Renderers.add(
      createShakaRenderer(namespace, (mediaElement: MediaElementLike) =>
        bindingsByNode.get(mediaElement.originalNode)?.shakaHost(mediaElement),
      ),
    );
  }

  const init = proto.init;
  proto.init = function initWithP2P(this: MediaElementPlayerLike): void {
    const option = this.options.p2p;
    if (option !== undefined && option !== false && !bindingsByPlayer.has(this)) {
      const binding = new PlayerBinding(namespace, this, option);
      bindingsByPlayer.set(this, binding);
      bindingsByNode.set(this.node, binding);
      this.p2p = binding.handle;
    }
    init.call(this);
  };

  const remove = proto.remove;
  proto.remove = function removeWithP2P(this: MediaElementPlayerLike): void {
    const binding = bindingsByPlayer.get(this);
    const quietRestored = binding ? quietMediaOnRemove(this.node, this.container) : undefined;
    try {
      remove.call(this);
    } finally {
      quietRestored?.();
      binding?.destroy();
    }
  };

  const buildStats: FeatureBuilder = function buildp2pstats(_player, _controls, layers) {
    bindingsByPlayer.get(this)?.mountOverlay(layers);
  };
  const cleanStats: FeatureBuilder = function cleanp2pstats() {
    bindingsByPlayer.get(this)?.unmountOverlay();
  };
  proto[`build${P2P_STATS_FEATURE}`] = buildStats;
  proto[`clean${P2P_STATS_FEATURE}`] = cleanStats;
  return true;
}
