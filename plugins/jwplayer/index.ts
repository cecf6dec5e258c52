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
 *   `player.remove()`;
 * - or, instead of {@link attachP2P}, JW's own `plugins` setup option: the bundle registers itself
 *   as the JW plugin {@link PLUGIN_NAME} (and under the name JW derives from the bundle's file name,
 *   so JW can also load it by URL), and the plugin's config is the player's P2P options.
 *
 * ```js
 * const player = jwplayer('player').setup({ file: 'https://example.com/live.m3u8' });
 * const p2p = p2pml.jwplayer.attachP2P(player, { overlay: true });
 * // or: jwplayer('player').setup({ file, plugins: { p2pml: { overlay: true } } });
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

/**
 * Name of the JW plugin the bundle registers (`jwplayer().registerPlugin`) when it loads after
 * jwplayer.js: `setup({ plugins: { p2pml: options } })` then attaches P2P with `options` as
 * {@link attachP2P} would, and `player.getPlugin('p2pml').handle` is the P2P handle.
 */
export const PLUGIN_NAME = 'p2pml';

/** What JW's `registerPlugin` takes: a class JW creates per player with the plugin's config. */
type JWPluginClass = new (player: JWPlayerLike, config: unknown, div: HTMLElement) => object;

/**
 * The name JW Player 8 gives a plugin it loads by URL (`plugins: { '<url>': options }`): the file
 * name without `.js`, up to its first `-` (`p2p-media-loader-jwplayer.min.js` → `p2p`,
 * `p2p.js` → `p2p`), as JW's plugin loader derives it. The script must register under that name, or JW reports it as not loaded.
 */
export function jwPluginNameOfUrl(url: string): string | undefined {
  const fileName = url.split(/[?#]/)[0]?.split('/').pop() ?? '';
  if (!fileName.endsWith('.js')) return undefined;
  return fileName.slice(0, -'.js'.length).split('-')[0] || undefined;
}

/**
 * Registers the P2P JW plugin under {@link PLUGIN_NAME} and each of `extraNames` with `jw`.
 * JW creates one instance per player during `setup()`, before the player's first provider.
 */
function registerJWPlugin(
  jw: JWPlayerStaticLike,
  extraNames: readonly (string | undefined)[],
): void {
  // Before any player exists, JW 8's `jwplayer()` returns an object with `registerPlugin` only.
  const registrar = (jw as unknown as () => { registerPlugin?: unknown } | undefined)();
  if (typeof registrar?.registerPlugin !== 'function') return;
  const register = registrar.registerPlugin as (
    name: string,
    minimumVersion: string,
    plugin: JWPluginClass,
  ) => void;
  class P2PJWPlugin {
    /** The player's P2P handle (as {@link attachP2P} returns it). */
    readonly handle: P2PPlayerHandle;
    constructor(player: JWPlayerLike, config: unknown) {
      this.handle = registrationFor(jw).attach(player, config ?? {});
    }
  }
  const names = new Set([PLUGIN_NAME, ...extraNames.filter((name) => name !== undefined)]);
  for (const name of names) register.call(registrar, name, '8.0', P2PJWPlugin);
}

/** The URL of the script being evaluated: this bundle's, when a `<script>` tag loads it. */
function currentScriptUrl(): string | undefined {
  if (typeof document === 'undefined') return undefined;
  const script = document.currentScript;
  return script instanceof HTMLScriptElement && script.src !== '' ? script.src : undefined;
}

// Script-tag users: the provider (and the JW plugin) are registered as soon as this bundle loads
// after jwplayer.js, or when JW itself loads it through the `plugins` setup option.
registerP2PProvider();
{
  const library = globalJWPlayer();
  if (library) {
    const scriptUrl = currentScriptUrl();
    registerJWPlugin(library, [scriptUrl === undefined ? undefined : jwPluginNameOfUrl(scriptUrl)]);
  }
}
