/**
 * The parts of hls.js the adapter touches, declared structurally. The adapter must work with any
 * hls.js 1.x, including copies bundled inside players whose type declarations differ from the one
 * this package is compiled against, so it relies only on members that exist across 1.x and never on
 * hls.js runtime values (enums, classes). hls.js 1.7's own types satisfy these interfaces (checked
 * by test/unit/hlsjs/hlsjs-types.test.ts).
 */

/** A fragment (media or init segment) as hls.js describes it (`Fragment`). */
export interface FragmentLike {
  /** Media sequence number, or `'initSegment'` for an `EXT-X-MAP` init segment. */
  readonly sn: number | 'initSegment';
  /** Absolute URL. */
  readonly url: string;
  /** `[start, end)` (end exclusive) for `EXT-X-BYTERANGE`, else empty. */
  readonly byteRange: readonly number[];
  /** Start on the media timeline, in seconds. */
  readonly start: number;
  /** `EXTINF` duration, in seconds. */
  readonly duration: number;
  /** `'main'`, `'audio'` or `'subtitle'` (hls.js `PlaylistLevelType`). */
  readonly type: string;
  /** URL of the media playlist the fragment is listed in (as loaded, so possibly with a query). */
  readonly baseurl: string;
  /** Index of its level (main) or audio track (audio). */
  readonly level: number;
  /** True for `EXT-X-GAP` segments, which are never loaded. */
  readonly gap?: boolean | undefined;
}

/** A parsed media playlist (`LevelDetails`). */
export interface LevelDetailsLike {
  /** URL the playlist was loaded from (after redirects). */
  readonly url: string;
  /** True while the playlist has no `EXT-X-ENDLIST`. */
  readonly live: boolean;
  /** Segments, oldest first; delta updates (`EXT-X-SKIP`) hold nulls until hls.js merged them. */
  readonly fragments: readonly (FragmentLike | null | undefined)[];
}

/** A variant stream (`Level`). */
export interface LevelLike {
  /** Declared `BANDWIDTH`, bits per second. */
  readonly bitrate: number;
  /** Playlist URL(s): redundant streams in early 1.x. */
  readonly url: readonly string[] | string;
  /** Index into `url` of the redundant stream in use (1.x before 1.5). */
  readonly urlId?: number;
  /** The media playlist once loaded. */
  readonly details?: LevelDetailsLike | undefined;
}

/** An alternate audio rendition (`MediaPlaylist`). */
export interface AudioTrackLike {
  /** Declared bitrate when known, else 0. */
  readonly bitrate?: number;
  /** Playlist URL. */
  readonly url: string;
  /** The media playlist once loaded. */
  readonly details?: LevelDetailsLike | undefined;
}

/**
 * An event listener as the adapter registers it. Parameters are `never` so that listeners typed with
 * any payload can be registered and any hls.js `on()` signature accepts them.
 */
export type HlsListenerLike = (event: never, data: never) => void;

/** An hls.js player instance (`Hls`). */
export interface HlsInstanceLike {
  on(event: string, listener: HlsListenerLike): void;
  off(event: string, listener?: HlsListenerLike): void;
  /** Variant streams, by level index. */
  readonly levels: readonly LevelLike[];
  /** Audio renditions of the current group, by track id. */
  readonly audioTracks: readonly AudioTrackLike[];
  /** The attached media element. */
  readonly media: HTMLMediaElement | null;
  /** The source URL passed to `loadSource` (hls.js 1.1+). */
  readonly url?: string | null;
  /** Index of the level hls.js loads fragments from. */
  readonly loadLevel?: number;
  /** Id of the selected audio track, -1 for none. */
  readonly audioTrack?: number;
  destroy(): void;
}

/** The `Hls` class (or a subclass), as passed to `HlsJsP2PEngine.injectMixin`. */
export type HlsClassLike = new (...args: never[]) => HlsInstanceLike;

// ---- event payloads: the fields the adapter reads, present in every 1.x ----

/** `hlsManifestLoading`. */
export interface ManifestLoadingPayload {
  readonly url: string;
}

/** `hlsManifestLoaded`: `url` is the manifest URL after redirects. */
export interface ManifestLoadedPayload {
  readonly url: string;
}

/** `hlsLevelLoaded`, `hlsLevelUpdated`. */
export interface LevelDetailsPayload {
  readonly details: LevelDetailsLike;
  readonly level: number;
}

/** `hlsAudioTrackLoaded`, `hlsAudioTrackUpdated`. */
export interface AudioTrackDetailsPayload {
  readonly details: LevelDetailsLike;
  readonly id: number;
}

/** `hlsLevelSwitching`. */
export interface LevelSwitchingPayload {
  readonly level: number;
}

/** `hlsAudioTrackSwitching`. */
export interface AudioTrackSwitchingPayload {
  readonly id: number;
  readonly url?: string;
}

/** `hlsMediaAttached`. */
export interface MediaAttachedPayload {
  readonly media: HTMLMediaElement;
}

/**
 * hls.js event names (values of its `Events` enum), unchanged across 1.x. Kept as strings because
 * importing the enum would pull in a runtime copy of hls.js.
 */
export const HlsEvent = {
  MANIFEST_LOADING: 'hlsManifestLoading',
  MANIFEST_LOADED: 'hlsManifestLoaded',
  LEVEL_LOADED: 'hlsLevelLoaded',
  LEVEL_UPDATED: 'hlsLevelUpdated',
  LEVEL_SWITCHING: 'hlsLevelSwitching',
  AUDIO_TRACK_LOADED: 'hlsAudioTrackLoaded',
  AUDIO_TRACK_UPDATED: 'hlsAudioTrackUpdated',
  AUDIO_TRACK_SWITCHING: 'hlsAudioTrackSwitching',
  MEDIA_ATTACHED: 'hlsMediaAttached',
  MEDIA_DETACHING: 'hlsMediaDetaching',
  BUFFER_APPENDED: 'hlsBufferAppended',
  DESTROYING: 'hlsDestroying',
} as const;
