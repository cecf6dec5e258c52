/**
 * Subscribes to one hls.js instance and feeds the engine: the source, each stream's segment list
 * (every live refresh included), the streams hls.js loads from, and the media element's playback
 * state. Unsubscribes everything on `destroy()`.
 */
import type { SegmentEngine } from '../../core/engine/engine-api.js';
import type { StreamDescriptor } from '../../core/model/segment.js';
import { levelPlaylistUrl, playlistSegments } from './fragment-mapping.js';
import {
  HlsEvent,
  type AudioTrackDetailsPayload,
  type AudioTrackSwitchingPayload,
  type HlsInstanceLike,
  type HlsListenerLike,
  type LevelDetailsLike,
  type LevelDetailsPayload,
  type LevelSwitchingPayload,
  type ManifestLoadedPayload,
  type ManifestLoadingPayload,
  type MediaAttachedPayload,
} from './hlsjs-types.js';
import { MediaPlaybackReporter } from '../../core/playback/media-playback.js';
import type { StreamCatalog } from './stream-catalog.js';

/** What the binding needs from the adapter. */
export interface HlsBindingHost {
  readonly engine: SegmentEngine;
  readonly catalog: StreamCatalog;
  /** The player requested a manifest: tells the engine when the source changed. */
  manifestRequested(url: string): void;
  /** hls.js asked to be destroyed: the adapter drops this binding. */
  hlsDestroying(): void;
}

/** The binding of an adapter to one hls.js instance. */
export class HlsBinding {
  private readonly subscriptions: [string, HlsListenerLike][] = [];
  private playback: MediaPlaybackReporter | undefined;
  /** Level / audio track hls.js loads from, as announced by the last switch; -1 before any. */
  private activeLevel = -1;
  private activeAudioTrack = -1;
  /** Keys last made active, to tell the engine only about changes. */
  private readonly activeKeys = { main: '', audio: '' };
  private destroyed = false;

  /**
   * @param hls - the player to follow
   * @param host - the adapter
   */
  constructor(
    readonly hls: HlsInstanceLike,
    private readonly host: HlsBindingHost,
  ) {
    this.listen(HlsEvent.MANIFEST_LOADING, (data: ManifestLoadingPayload) => {
      this.activeLevel = this.activeAudioTrack = -1;
      this.activeKeys.main = this.activeKeys.audio = '';
      host.manifestRequested(data.url);
    });
    this.listen(HlsEvent.MANIFEST_LOADED, (data: ManifestLoadedPayload) => {
      host.catalog.setManifestResponseUrl(data.url);
    });
    // LEVEL_UPDATED carries hls.js's live timeline alignment and merged delta playlists;
    // LEVEL_LOADED is kept for hls.js versions and code paths that do not emit it.
    for (const event of [HlsEvent.LEVEL_LOADED, HlsEvent.LEVEL_UPDATED]) {
      this.listen(event, (data: LevelDetailsPayload) => {
        this.levelDetails(data.level, data.details);
      });
    }
    for (const event of [HlsEvent.AUDIO_TRACK_LOADED, HlsEvent.AUDIO_TRACK_UPDATED]) {
      this.listen(event, (data: AudioTrackDetailsPayload) => {
        this.audioTrackDetails(data.id, data.details);
      });
    }
    // *_SWITCHING, not *_SWITCHED: the engine prefetches for the stream hls.js is about to load
    // from; the SWITCHED events come a buffer length later, when playback reaches it.
    this.listen(HlsEvent.LEVEL_SWITCHING, (data: LevelSwitchingPayload) => {
      this.activeLevel = data.level;
      this.activateMain();
    });
    this.listen(HlsEvent.AUDIO_TRACK_SWITCHING, (data: AudioTrackSwitchingPayload) => {
      this.activeAudioTrack = data.id;
      this.activateAudio(data.url);
    });
    this.listen(HlsEvent.MEDIA_ATTACHED, (data: MediaAttachedPayload) => {
      this.attachMedia(data.media);
    });
    this.listen(HlsEvent.MEDIA_DETACHING, () => {
      this.detachMedia();
    });
    this.listen(HlsEvent.BUFFER_APPENDED, () => {
      this.playback?.report();
    });
    this.listen(HlsEvent.DESTROYING, () => {
      host.hlsDestroying();
    });
    this.syncWithCurrentState();
  }

  /** Unsubscribes from hls.js and the media element. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const [event, listener] of this.subscriptions) this.hls.off(event, listener);
    this.subscriptions.length = 0;
    this.detachMedia();
  }

  /** Catches up when bound to a player that already loaded a source or attached media. */
  private syncWithCurrentState(): void {
    const { hls } = this;
    if (hls.url) this.host.manifestRequested(hls.url);
    if (hls.loadLevel !== undefined && hls.loadLevel >= 0) this.activeLevel = hls.loadLevel;
    if (hls.audioTrack !== undefined && hls.audioTrack >= 0) this.activeAudioTrack = hls.audioTrack;
    hls.levels.forEach((level, index) => {
      if (level.details) this.levelDetails(index, level.details);
    });
    hls.audioTracks.forEach((track, id) => {
      if (track.details) this.audioTrackDetails(id, track.details);
    });
    this.activateMain();
    this.activateAudio();
    if (hls.media) this.attachMedia(hls.media);
  }

  /** Subscribes `handler` (typed with the event's payload interface from hlsjs-types). */
  private listen(event: string, handler: (data: never) => void): void {
    const listener = (_event: string, data: never): void => {
      // hls.js turns listener exceptions into player errors; an engine failure must not be one.
      try {
        if (!this.destroyed) handler(data);
      } catch (error) {
        console.error(`p2p-media-loader: handling hls.js ${event} failed`, error);
      }
    };
    this.hls.on(event, listener);
    this.subscriptions.push([event, listener]);
  }

  private mainStream(index: number, playlistUrl?: string): StreamDescriptor {
    const level = this.hls.levels[index];
    const url = playlistUrl || (level ? levelPlaylistUrl(level) : undefined);
    return this.host.catalog.streamFor('main', url, index, level?.bitrate);
  }

  /** The audio stream of a track, or undefined for a track muxed into main (no playlist URI). */
  private audioStream(id: number, playlistUrl?: string): StreamDescriptor | undefined {
    const track = this.hls.audioTracks[id];
    const url = playlistUrl || track?.details?.url || track?.url;
    if (!url) return undefined;
    return this.host.catalog.streamFor('audio', url, id, track?.bitrate);
  }

  private levelDetails(index: number, details: LevelDetailsLike): void {
    this.updateStream(this.mainStream(index, details.url), details);
    if (index === this.activeLevel) this.activateMain();
  }

  private audioTrackDetails(id: number, details: LevelDetailsLike): void {
    const stream = this.audioStream(id, details.url);
    if (!stream) return;
    this.updateStream(stream, details);
    if (id === this.activeAudioTrack) this.activateAudio();
  }

  private updateStream(stream: StreamDescriptor, details: LevelDetailsLike): void {
    const segments = playlistSegments(details);
    if (segments) this.host.engine.updateStream(stream, { segments, isLive: details.live });
  }

  private activateMain(): void {
    if (this.activeLevel < 0 || !this.hls.levels[this.activeLevel]) return;
    this.activate(this.mainStream(this.activeLevel));
  }

  private activateAudio(switchingUrl?: string): void {
    if (this.activeAudioTrack < 0) return;
    const stream = this.audioStream(this.activeAudioTrack, switchingUrl);
    if (stream) this.activate(stream);
  }

  private activate(stream: StreamDescriptor): void {
    if (this.activeKeys[stream.kind] === stream.key) return;
    this.activeKeys[stream.kind] = stream.key;
    this.host.engine.setActiveStream(stream);
  }

  private attachMedia(media: HTMLMediaElement): void {
    this.detachMedia();
    this.playback = new MediaPlaybackReporter(media, (state) => {
      this.host.engine.setPlayback(state);
    });
  }

  private detachMedia(): void {
    this.playback?.destroy();
    this.playback = undefined;
  }
}
