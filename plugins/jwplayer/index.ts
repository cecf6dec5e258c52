/**
 * `p2p-media-loader/jwplayer` (UMD global `p2pml.jwplayer`): P2P delivery for JW Player 8.
 *
 * JW Player is closed source and exposes neither its hls.js instance nor a loader hook, so the
 * integration goes through JW's public extension points only:
 * - a media provider registered with `jwplayer.api.registerProvider` that plays HLS with hls.js and
 *   DASH with Shaka, both through the engine ({@link registerP2PProvider}; done on load by the UMD
 *   bundle when `window.jwplayer` exists);
 * - per player, {@link attachP2P} after `setup()`: the player's options, the stats overlay in the
 *   player's container (`getContainer()`) and a control-bar toggle (`addButton`), and release on
 *   `player.remove()`.
 *
 * ```js
 * const player = jwplayer('player').setup({ file: 'https://example.com/live.m3u8' });
 * const p2p = p2pml.jwplayer.attachP2P(player, { overlay: true });
 * ```
 */
import {
  chooseEngine,
  detectEnvironment,
  P2PMediaLoaderError,
  validatePluginOptions,
  type P2PPlayerHandle,
  type P2PPluginOptions,
  type PlaybackEngineKind,
  type PlayerSource,
} from '../shared/index.js';
import type { JWPlayerLike, JWPlayerStaticLike } from './jwplayer-extensions.js';
import { createP2PProviderClass, type ProviderHost } from './p2p-provider.js';
import { PlayerBinding } from './player-binding.js';

export type * from './jwplayer-extensions.js';
export type * from '../shared/contract.js';
export { PROVIDER_NAME, PROVIDER_ERROR_CODE, playerSourceOf } from './p2p-provider.js';
export { OVERLAY_LAYER_CLASS, OVERLAY_BUTTON_ID } from './player-binding.js';

/** The P2P side of one `jwplayer` library: its provider and the players it serves. */
class JWPlayerP2P implements ProviderHost {
  private readonly bindings = new Map<string, PlayerBinding>();

  constructor(
    private readonly jw: JWPlayerStaticLike,
    /**
     * Options of players not given any with {@link attachP2P}; their libraries and `enabled` also
     * decide which sources the provider claims. Replaced by later `registerP2PProvider` calls.
     */
    public defaults: P2PPluginOptions,
  ) {
    jw.api.registerProvider(createP2PProviderClass(this));
  }

  /** Only sources hls.js or Shaka can play here: JW's own providers keep everything else. */
  supports(source: PlayerSource): boolean {
    return chooseEngine(source, detectEnvironment(this.defaults)).kind !== 'native';
  }

  libraryFor(source: PlayerSource): PlaybackEngineKind {
    const environment = { ...detectEnvironment(this.defaults), enabled: true };
    return chooseEngine(source, environment).kind;
  }

  sessionFor(playerId: string): PlayerBinding['session'] {
    const existing = this.bindings.get(playerId);
    if (existing) return existing.session;
    return this.bind(this.jw(playerId), playerId, this.defaults).session;
  }

  attach(player: JWPlayerLike, options: unknown): P2PPlayerHandle {
    const playerId = idOf(player);
    const existing = this.bindings.get(playerId);
    if (!existing) return this.bind(player, playerId, options).handle;
    // JW already created a provider (and so a session with the defaults) for this player.
    existing.session.reportError(
      new P2PMediaLoaderError(
        'config-invalid',
        'attachP2P() came after the player started loading; call it right after setup(). ' +
          'This player keeps the options it started with.',
      ),
      false,
    );
    return existing.handle;
  }

  private bind(player: JWPlayerLike, playerId: string, options: unknown): PlayerBinding {
    const binding = new PlayerBinding(player, options, () => {
      if (this.bindings.get(playerId) === binding) this.bindings.delete(playerId);
    });
    this.bindings.set(playerId, binding);
    return binding;
  }
}

/** The id JW passes to providers: the player's `id` (the element id it was set up on). */
function idOf(player: JWPlayerLike): string {
  return player.id ?? player.getContainer().id;
}

/** One registration per `jwplayer` library on the page. */
const registrations = new WeakMap<JWPlayerStaticLike, JWPlayerP2P>();

function globalJWPlayer(): JWPlayerStaticLike | undefined {
  const candidate = (globalThis as { jwplayer?: unknown }).jwplayer;
  if (typeof candidate !== 'function') return undefined;
  const api = (candidate as { api?: { registerProvider?: unknown } }).api;
  return typeof api?.registerProvider === 'function'
    ? (candidate as JWPlayerStaticLike)
    : undefined;
}

function registrationFor(jw: JWPlayerStaticLike | undefined): JWPlayerP2P {
  const library = jw ?? globalJWPlayer();
  if (!library) {
    throw new Error(
      'p2p-media-loader/jwplayer: no JW Player library (load jwplayer.js first or pass it)',
    );
  }
  let registration = registrations.get(library);
  if (!registration) {
    registration = new JWPlayerP2P(library, {});
    registrations.set(library, registration);
  }
  return registration;
}

/**
 * Registers the P2P provider with a JW Player 8 library (`jwplayer.api.registerProvider`), once per
 * library. Registered providers are asked first, so from then on HLS (and DASH, with Shaka on the
 * page) sources of every player on the page play through hls.js/Shaka and the engine wherever MSE
 * exists; other sources stay with JW's own providers. The bundle calls this without `defaults` as it
 * loads when `window.jwplayer` exists; call it again with `defaults` (before setting players up) to
 * set them: a later call replaces the defaults of the existing registration.
 *
 * @param jw - the `jwplayer` global (default `globalThis.jwplayer`)
 * @param defaults - options of players not given any with {@link attachP2P}; its libraries (`Hls`,
 *   `shaka`, `loadShaka`) and `enabled` also decide which sources the provider claims (bundler users
 *   without a global `Hls` pass it here). Default: `{}` for a new registration, unchanged otherwise.
 */
export function registerP2PProvider(jw?: JWPlayerStaticLike, defaults?: P2PPluginOptions): void {
  const library = jw ?? globalJWPlayer();
  if (!library) return;
  const options = validatePluginOptions(defaults ?? {}).options;
  const existing = registrations.get(library);
  if (existing) {
    if (defaults !== undefined) existing.defaults = options;
    return;
  }
  registrations.set(library, new JWPlayerP2P(library, options));
}

/**
 * Turns P2P on for one player with its options, mounts the stats overlay and its control-bar
 * button, and releases everything on `player.remove()`. Call it right after `setup()` (JW's
 * `setup()` drops event listeners added before it, and sets the player's first source up
 * asynchronously, after this call). Players not attached play with the registration's defaults.
 *
 * @param player - `jwplayer(id)` after `setup()`
 * @param options - {@link P2PPluginOptions}; invalid keys are reported as non-fatal `error` events
 * @param jw - the `jwplayer` global (default `globalThis.jwplayer`); registers the provider if needed
 * @returns the operator API: stats, events, overlay, `destroy()`
 */
export function attachP2P(
  player: JWPlayerLike,
  options: P2PPluginOptions = {},
  jw?: JWPlayerStaticLike,
): P2PPlayerHandle {
  return registrationFor(jw).attach(player, options);
}

// Script-tag users: the provider is registered as soon as this bundle loads after jwplayer.js.
registerP2PProvider();
