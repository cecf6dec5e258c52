/**
 * Plays an HLS source in the Html5 tech with hls.js and the session's P2P loaders, and mirrors
 * hls.js's renditions and audio tracks into Video.js's quality-level and audio-track lists.
 */
import type { HlsInstanceLike } from '../shared/library-types.js';
import { createHlsPlayer } from '../shared/hls-start.js';
import { AudioTracksBridge, type AudioOption } from './audio-tracks.js';
import { MediaErrorCode, type Playback, type PlaybackContext } from './playback.js';
import { QualityLevelsBridge, enabledRange, type Rendition } from './quality-levels.js';

/** hls.js members used here besides the adapter's (present in every 1.x). */
interface HlsPlayer extends HlsInstanceLike {
  readonly levels: readonly HlsLevel[];
  readonly audioTracks: readonly HlsAudioTrack[];
  autoLevelCapping: number;
  audioTrack: number;
  readonly config: { minAutoBitrate: number };
  loadSource(url: string): void;
  attachMedia(media: HTMLMediaElement): void;
  recoverMediaError(): void;
}

interface HlsLevel {
  readonly bitrate: number;
  readonly url: readonly string[] | string;
  readonly width?: number;
  readonly height?: number;
  readonly frameRate?: number;
}

interface HlsAudioTrack {
  readonly id: number;
  readonly url: string;
  readonly name?: string;
  readonly lang?: string;
  readonly default?: boolean;
}

interface HlsErrorData {
  readonly type: string;
  readonly details: string;
  readonly fatal: boolean;
  readonly error?: { readonly message?: string };
}

type HlsConstructor = new (config: Record<string, unknown>) => HlsPlayer;

/** hls.js event names used here (values of its `Events` enum, stable across 1.x). */
const HlsEvent = {
  MANIFEST_PARSED: 'hlsManifestParsed',
  LEVELS_UPDATED: 'hlsLevelsUpdated',
  LEVEL_SWITCHED: 'hlsLevelSwitched',
  AUDIO_TRACKS_UPDATED: 'hlsAudioTracksUpdated',
  AUDIO_TRACK_SWITCHED: 'hlsAudioTrackSwitched',
  ERROR: 'hlsError',
} as const;

/**
 * Starts hls.js for `context.source`. The caller has checked that the session resolves an `Hls`
 * class (its engine choice was `hlsjs`).
 */
export function startHlsPlayback(context: PlaybackContext): Playback {
  const { session, source, tech, player } = context;
  const Hls = session.resolveHls() as unknown as HlsConstructor | undefined;
  if (Hls === undefined) {
    context.fail(MediaErrorCode.SRC_NOT_SUPPORTED, 'hls.js is not available on this page');
    return { dispose: () => undefined };
  }
  // A live stream's duration is Infinity, as with Video.js's own VHS, unless the page says
  // otherwise: Video.js then knows the stream is live (LIVE label, live tracker, no VOD seek bar).
  // With hls.js's default (a finite, sliding duration) Video.js took a live stream for VOD and its
  // seek bar re-measured its layout every 30 ms while playing: the Video.js page cost about twice
  // the CPU of VHS's, and six such viewers on two cores started slowly and stalled.
  const liveDurationInfinity = session.options.hlsConfig?.liveDurationInfinity ?? true;
  const hls = createHlsPlayer(session, Hls, source, { config: { liveDurationInfinity } });

  const quality = new QualityLevelsBridge(player.qualityLevels?.(), (enabled) => {
    const range = enabledRange(enabled);
    // hls.js caps ABR with a level range: [lowest enabled, highest enabled].
    hls.config.minAutoBitrate = range === undefined ? 0 : (hls.levels[range.min]?.bitrate ?? 0);
    hls.autoLevelCapping = range === undefined ? -1 : range.max;
  });
  const audio = new AudioTracksBridge(tech.audioTracks(), context.AudioTrack, (id) => {
    hls.audioTrack = Number(id);
  });
  let mediaErrorRecovered = false;

  const on = (event: string, listener: (data: never) => void): void => {
    hls.on(event, (_event: never, data: never) => {
      listener(data);
    });
  };
  on(HlsEvent.MANIFEST_PARSED, () => {
    quality.setRenditions(hls.levels.map(renditionOf));
  });
  on(HlsEvent.LEVELS_UPDATED, () => {
    quality.setRenditions(hls.levels.map(renditionOf));
  });
  on(HlsEvent.LEVEL_SWITCHED, (data: { level: number }) => {
    quality.select(data.level);
  });
  on(HlsEvent.AUDIO_TRACKS_UPDATED, () => {
    audio.setTracks(hls.audioTracks.map(audioOptionOf), String(hls.audioTrack));
  });
  on(HlsEvent.AUDIO_TRACK_SWITCHED, (data: { id: number }) => {
    audio.markActive(String(data.id));
  });
  on(HlsEvent.ERROR, (data: HlsErrorData) => {
    if (!data.fatal) return;
    // A decode error is often a one-off (a bad append): hls.js's documented recovery once.
    if (data.type === 'mediaError' && !mediaErrorRecovered) {
      mediaErrorRecovered = true;
      hls.recoverMediaError();
      return;
    }
    const code =
      data.type === 'networkError'
        ? MediaErrorCode.NETWORK
        : data.type === 'mediaError'
          ? MediaErrorCode.DECODE
          : MediaErrorCode.SRC_NOT_SUPPORTED;
    const detail = data.error?.message ? ` (${data.error.message})` : '';
    context.fail(code, `hls.js: ${data.details}${detail}`);
  });

  hls.attachMedia(tech.el());
  hls.loadSource(source.src);

  let disposed = false;
  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      quality.dispose();
      audio.dispose();
      hls.destroy();
    },
  };
}

function renditionOf(level: HlsLevel, index: number): Rendition {
  return {
    id: `hlsjs-${String(index)}-${String(level.bitrate)}`,
    width: level.width || undefined,
    height: level.height || undefined,
    bitrate: level.bitrate,
    frameRate: level.frameRate || undefined,
  };
}

function audioOptionOf(track: HlsAudioTrack): AudioOption {
  return {
    id: String(track.id),
    label: track.name ?? track.lang ?? `Audio ${String(track.id + 1)}`,
    language: track.lang ?? '',
    main: track.default === true,
  };
}
