/**
 * The parts of Video.js 8 the plugin touches, declared structurally. The plugin takes the `videojs`
 * function as an argument (the page's global, an npm import, or the copy an embed bundle carries)
 * and never imports Video.js at runtime, so it relies only on these members, which are stable
 * public API across Video.js 7 and 8 (`sourceHandler_`-style private fields are never read).
 */

/** A source as Video.js passes it around (`Tech~SourceObject`). */
export interface VideojsSource {
  readonly src: string;
  readonly type?: string;
}

/** Listener of Video.js's event system. */
export type VideojsListener = (event: { readonly type: string }) => void;

/** What Video.js's evented objects (players, components, techs, track lists) offer. */
export interface VideojsEvented {
  on(type: string, listener: VideojsListener): void;
  one(type: string, listener: VideojsListener): void;
  off(type?: string, listener?: VideojsListener): void;
}

/** `videojs.log` and its per-player children. */
export interface VideojsLog {
  (...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** One rendition in `player.qualityLevels()` (videojs-contrib-quality-levels). */
export interface QualityLevelLike {
  readonly id: string;
  label: string;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly bitrate?: number | undefined;
  enabled: boolean;
}

/** What `addQualityLevel` takes: `enabled` is a getter/setter function. */
export interface QualityRepresentation {
  readonly id: string;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** Bits per second (the list copies it into the level's `bitrate`). */
  readonly bandwidth: number | undefined;
  readonly frameRate: number | undefined;
  readonly enabled: (enable?: boolean) => boolean;
}

/** `player.qualityLevels()`. `selectedIndex_` is the field the list's own getter reads. */
export interface QualityLevelListLike extends VideojsEvented {
  readonly length: number;
  readonly [index: number]: QualityLevelLike | undefined;
  selectedIndex_: number;
  readonly selectedIndex: number;
  addQualityLevel(representation: QualityRepresentation): QualityLevelLike;
  removeQualityLevel(level: QualityLevelLike): QualityLevelLike | null;
  trigger(event: { readonly type: string; readonly selectedIndex?: number }): void;
}

/** An entry of `player.audioTracks()`. */
export interface AudioTrackLike {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly language: string;
  enabled: boolean;
}

/** `player.audioTracks()` / `tech.audioTracks()`. */
export interface AudioTrackListLike extends VideojsEvented {
  readonly length: number;
  readonly [index: number]: AudioTrackLike | undefined;
  addTrack(track: AudioTrackLike): void;
  removeTrack(track: AudioTrackLike): void;
}

/** Options of `new videojs.AudioTrack(...)`. */
export interface AudioTrackOptions {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly language: string;
  readonly enabled: boolean;
}

/** The Html5 tech instance a source handler is given. */
export interface TechLike extends VideojsEvented {
  el(): HTMLVideoElement;
  audioTracks(): AudioTrackListLike;
  isDisposed(): boolean;
}

/** A source handler as `Tech.registerSourceHandler` takes it. */
export interface SourceHandlerLike {
  canPlayType(type: string): '' | 'maybe' | 'probably';
  canHandleSource(source: VideojsSource, options?: TechOptionsLike): '' | 'maybe' | 'probably';
  handleSource(
    source: VideojsSource,
    tech: TechLike,
    options?: TechOptionsLike,
  ): { dispose(): void };
}

/** Tech options: the tech instance's carry the player's id; the player's own selection pass not. */
export interface TechOptionsLike {
  readonly playerId?: string;
}

/** The Html5 tech class. */
export interface Html5TechClassLike {
  registerSourceHandler(handler: SourceHandlerLike, index?: number): void;
}

/** A Video.js media error (`player.error()`). */
export interface MediaErrorLike {
  readonly code: number;
  readonly message: string;
}

/** The parts of a Component the plugin uses. */
export interface ComponentLike extends VideojsEvented {
  el(): HTMLElement;
  addChild(child: string | ComponentLike, options?: object, index?: number): ComponentLike;
  removeChild(child: ComponentLike): void;
  getChild(name: string): ComponentLike | undefined;
  children(): ComponentLike[];
  dispose(): void;
  isDisposed(): boolean;
  name(): string;
}

/** A player. */
export interface PlayerLike extends ComponentLike {
  id(): string;
  ready(callback: () => void): void;
  currentSource(): Partial<VideojsSource>;
  currentSources(): VideojsSource[];
  src(source: VideojsSource | VideojsSource[]): void;
  currentTime(seconds?: number): number;
  duration(): number;
  paused(): boolean;
  play(): Promise<void> | undefined;
  error(error?: MediaErrorLike | null): MediaErrorLike | null;
  techName_?: string;
  readonly log: VideojsLog;
  qualityLevels?: () => QualityLevelListLike;
  audioTracks(): AudioTrackListLike;
  /** The control bar (absent with `controlBar: false`). */
  readonly controlBar?: ComponentLike;
}

/** Constructor of a component class (Component, Button, or one of ours). */
export type ComponentClassLike = new (player: PlayerLike, options?: object) => ComponentLike;

/** The instance side of `videojs.getPlugin('plugin')`. */
export interface PluginInstanceLike {
  readonly player: PlayerLike;
  dispose(event?: { readonly type: string }): void;
}

/** `videojs.getPlugin('plugin')`: the base class of advanced plugins. */
export type PluginClassLike = new (player: PlayerLike) => PluginInstanceLike;

/** The `videojs` function/namespace. */
export interface VideojsLike {
  readonly VERSION?: string;
  readonly log: VideojsLog;
  getPlugin(name: string): unknown;
  /** Takes a {@link PluginClassLike} (typed loosely so Video.js's own declarations match). */
  registerPlugin(name: string, plugin: unknown): unknown;
  getComponent(name: string): unknown;
  /** Takes a {@link ComponentClassLike} (typed loosely so Video.js's own declarations match). */
  registerComponent(name: string, component: unknown): unknown;
  getTech(name: string): unknown;
  /**
   * `videojs.AudioTrack`; its instances are {@link AudioTrackLike} (Video.js's declarations miss
   * the properties it defines at runtime, hence `object`).
   */
  readonly AudioTrack: new (options: AudioTrackOptions) => object;
}
