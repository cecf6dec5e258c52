/**
 * jwplayer-standin: NOT JW Player. A small stand-in that mimics only the documented JW Player 8
 * API surface the P2P plugin (plugins/jwplayer) uses, so the plugin's contract with that surface
 * can be tested in a browser without JW Player (proprietary; not available to this project's CI).
 *
 * What it mimics, and where the behaviour comes from (JW's public docs and its open-source JW 8
 * repository, read for API facts):
 * - `jwplayer(id)` player lookup/creation and `jwplayer.api.registerProvider(Provider)`: providers
 *   with a static `getName()`/`supports(source)`, the most recently registered asked first;
 * - `setup({ file | playlist, autostart, mute })`: asynchronous; the page's element is replaced by
 *   the player's container (same id); a provider is chosen for the item's first source and driven
 *   the way JW 8's media controller does: `new Provider(playerId, config, videoTag)`, `off()`,
 *   `on('all', ...)`, `setContainer()`, `init(item)`, `attachMedia()`, `volume()`/`mute()`, then
 *   on play `load(item)` (awaited when it returns a promise) and `play()`;
 * - provider events `state` (→ player `play`/`pause`/`buffer`/`idle`/`complete` and `getState()`),
 *   `time`, `mediaError` (→ player `error`), forwarded under the player's own names;
 * - `on`/`off`/`once`/`trigger` (Backbone style), `getContainer`, `addButton`/`removeButton`,
 *   `getProvider`, `getState`, `getPosition`, `play`/`pause`/`seek`, `remove()` (fires `remove`,
 *   drops listeners, `provider.remove()`).
 * Everything else JW does (skins, controls, ads, analytics, casting, licensing) is absent.
 *
 * It is compiled for the browser by test/support/jwplayer-page.ts (TypeScript's transpileModule,
 * types only removed) and served to the test page at /__jwplayer/jwplayer.js.
 */
import type {
  JWEventCallback,
  JWPlayerLike,
  JWPlayerStaticLike,
  JWProviderClass,
  JWProviderInstance,
  JWProviderItem,
  JWProviderSource,
} from '../../../plugins/jwplayer/jwplayer-extensions.js';

/** Setup options the stand-in understands. */
interface StandinSetup {
  readonly file?: string;
  readonly type?: string;
  readonly playlist?: readonly { readonly file: string; readonly type?: string }[];
  readonly autostart?: boolean;
  readonly mute?: boolean;
}

interface Subscription {
  readonly callback: JWEventCallback;
  readonly context: unknown;
}

/** JW's short source type from a MIME type or the file's extension. */
function shortType(file: string, type: string | undefined): string {
  const given = (type ?? '').toLowerCase();
  if (given.includes('mpegurl') || given === 'hls' || given === 'm3u8') return 'hls';
  if (given.includes('dash') || given === 'mpd') return 'dash';
  if (given !== '') return given;
  const path = file.split(/[?#]/)[0] ?? '';
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  if (extension === 'm3u8') return 'hls';
  if (extension === 'mpd') return 'dash';
  return extension;
}

const providersSupported: JWProviderClass[] = [];
const instances: StandinPlayer[] = [];

/** Backbone-style events, as JW's API object has them. */
class StandinEvents {
  private readonly subscriptions = new Map<string, Subscription[]>();

  on(name: string, callback: JWEventCallback, context?: unknown): this {
    const list = this.subscriptions.get(name) ?? [];
    list.push({ callback, context });
    this.subscriptions.set(name, list);
    return this;
  }

  once(name: string, callback: JWEventCallback, context?: unknown): this {
    const wrapper = ((...args: unknown[]) => {
      this.off(name, wrapper);
      (callback as (...values: unknown[]) => void).apply(context ?? this, args);
    }) as JWEventCallback;
    return this.on(name, wrapper, context);
  }

  off(name?: string | null, callback?: JWEventCallback | null): this {
    if (name == null) {
      this.subscriptions.clear();
      return this;
    }
    const kept = (this.subscriptions.get(name) ?? []).filter(
      (sub) => callback != null && sub.callback !== callback,
    );
    this.subscriptions.set(name, kept);
    return this;
  }

  trigger(name: string, ...args: unknown[]): this {
    for (const key of [name, 'all']) {
      const values = key === 'all' ? [name, ...args] : args;
      for (const sub of [...(this.subscriptions.get(key) ?? [])]) {
        // JW calls API listeners safely: one throwing listener does not stop the others.
        try {
          (sub.callback as (...params: unknown[]) => void).apply(sub.context ?? this, values);
        } catch (error) {
          console.error(`jwplayer-standin: "${name}" listener threw`, error);
        }
      }
    }
    return this;
  }
}

/** One player: the API object `jwplayer(id)` returns. */
class StandinPlayer extends StandinEvents implements JWPlayerLike {
  private element: HTMLElement;
  private container: HTMLElement | undefined;
  private controlbar: HTMLElement | undefined;
  private provider: JWProviderInstance | undefined;
  private item: JWProviderItem | undefined;
  private loaded = false;
  private state = 'idle';
  private position = 0;
  private removed = false;

  constructor(
    readonly id: string,
    element: HTMLElement,
  ) {
    super();
    this.element = element;
  }

  setup(config: StandinSetup): this {
    const first = config.playlist?.[0] ?? { file: config.file ?? '', type: config.type };
    this.item = { sources: [{ file: first.file, type: shortType(first.file, first.type) }] };
    // JW sets players up asynchronously (it loads its core and providers first).
    setTimeout(() => {
      this.completeSetup(config);
    }, 0);
    return this;
  }

  getContainer(): HTMLElement {
    return this.container ?? this.element;
  }

  getState(): string {
    return this.state;
  }

  getPosition(): number {
    return this.position;
  }

  getProvider(): { name: string } | undefined {
    return this.provider?.getName();
  }

  addButton(icon: string, label: string, handler: () => void, id: string): this {
    const button = document.createElement('div');
    button.className = 'jw-icon jw-button-container';
    button.id = id;
    button.setAttribute('role', 'button');
    button.setAttribute('aria-label', label);
    button.style.backgroundImage = `url("${icon}")`;
    button.addEventListener('click', handler);
    this.controlbar?.appendChild(button);
    return this;
  }

  removeButton(id: string): this {
    this.controlbar?.querySelector(`[id="${id}"]`)?.remove();
    return this;
  }

  play(): this {
    const { provider, item } = this;
    if (!provider || !item) return this;
    const started = this.loaded ? undefined : provider.load(item);
    this.loaded = true;
    Promise.resolve(started)
      .then(() => provider.play())
      .catch((error: unknown) => {
        this.trigger('playAttemptFailed', { error });
      });
    return this;
  }

  pause(): this {
    this.provider?.pause();
    return this;
  }

  seek(position: number): this {
    this.provider?.seek(position);
    return this;
  }

  remove(): this {
    if (this.removed) return this;
    this.removed = true;
    instances.splice(instances.indexOf(this), 1);
    this.trigger('remove');
    this.off();
    const { provider } = this;
    this.provider = undefined;
    if (provider) {
      provider.off();
      if (provider.getContainer()) provider.remove();
      else provider.destroy();
    }
    // JW puts an empty element with the player's id back where the player was.
    const placeholder = document.createElement('div');
    placeholder.id = this.id;
    this.container?.replaceWith(placeholder);
    this.element = placeholder;
    this.container = undefined;
    return this;
  }

  private completeSetup(config: StandinSetup): void {
    if (this.removed || !this.item) return;
    const container = document.createElement('div');
    container.id = this.id;
    container.className = 'jwplayer jw-reset';
    container.style.position = 'relative';
    const media = document.createElement('div');
    media.className = 'jw-media';
    const controlbar = document.createElement('div');
    controlbar.className = 'jw-controlbar';
    container.append(media, controlbar);
    this.element.replaceWith(container);
    this.container = container;
    this.controlbar = controlbar;

    const source = this.item.sources[0] as JWProviderSource;
    const Provider = providersSupported.find((candidate) => candidate.supports(source));
    if (!Provider) {
      this.trigger('setupError', { message: `no provider supports ${source.file}` });
      return;
    }
    // JW 8 lends providers a video tag from its media pool.
    const videoTag = document.createElement('video');
    videoTag.setAttribute('playsinline', '');
    const provider = new Provider(this.id, { ...config }, videoTag);
    this.provider = provider;
    provider.off();
    provider.on('all', (type: string, data: unknown) => {
      this.providerEvent(type, data);
    });
    provider.setContainer(media);
    provider.init(this.item);
    provider.attachMedia();
    provider.volume(100);
    provider.mute(config.mute === true);
    this.trigger('ready', { setupTime: 0 });
    this.trigger('playlistItem', { index: 0, item: this.item });
    if (config.autostart === true) this.play();
  }

  private providerEvent(type: string, data: unknown): void {
    const payload = (data ?? {}) as Record<string, unknown>;
    if (type === 'state') {
      const next = String(payload.newstate);
      const previous = this.state;
      this.state = next === 'loading' || next === 'stalled' ? 'buffering' : next;
      if (this.state !== previous) {
        const name =
          this.state === 'playing' ? 'play' : this.state === 'paused' ? 'pause' : this.state;
        this.trigger(name, { oldstate: previous, newstate: this.state });
      }
      return;
    }
    if (type === 'time') this.position = Number(payload.position) || 0;
    if (type === 'mediaError') {
      this.state = 'error';
      this.trigger('error', payload);
      return;
    }
    this.trigger(type, payload);
  }
}

/** The `jwplayer` global. */
const jwplayerStandin = Object.assign(
  (query?: string | number | Element): StandinPlayer => {
    if (query === undefined) return instances[0] as StandinPlayer;
    if (typeof query === 'number') return instances[query] as StandinPlayer;
    const id = typeof query === 'string' ? query : query.id;
    const existing = instances.find((player) => player.id === id);
    if (existing) return existing;
    const element = typeof query === 'string' ? document.getElementById(query) : query;
    if (!(element instanceof HTMLElement)) throw new Error(`jwplayer-standin: no element #${id}`);
    const player = new StandinPlayer(id, element);
    instances.push(player);
    return player;
  },
  {
    version: '8.0.0-jwplayer-standin',
    /** Marks this as the stand-in for anyone inspecting the page. */
    isStandin: true,
    api: {
      registerProvider(provider: JWProviderClass): void {
        const name = provider.getName().name;
        if (providersSupported.some((known) => known.getName().name === name)) return;
        if (typeof provider.supports !== 'function') {
          throw new Error('Tried to register a provider with an invalid object');
        }
        providersSupported.unshift(provider);
      },
    },
  },
);

// The stand-in satisfies the surface the plugin declares (checked when the project is type-checked).
const surface: JWPlayerStaticLike = jwplayerStandin;
(globalThis as { jwplayer?: unknown }).jwplayer = surface;
