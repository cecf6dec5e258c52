/**
 * Plays a source (DASH, or HLS where hls.js is missing) in the Html5 tech with Shaka Player and the
 * session's P2P engine, and mirrors Shaka's renditions and audio languages into Video.js's
 * quality-level and audio-track lists.
 */
import {
  SHAKA_ERROR,
  startShakaPlayback as startSharedShakaPlayback,
  type ShakaPlaybackHandle,
  type ShakaPlayer,
} from '../shared/shaka-start.js';
import { AudioTracksBridge, type AudioOption } from './audio-tracks.js';
import { MediaErrorCode, type Playback, type PlaybackContext } from './playback.js';
import { QualityLevelsBridge, enabledRange, type Rendition } from './quality-levels.js';

/** `shaka.extern.Track` members read here. */
interface ShakaVariantTrack {
  readonly active: boolean;
  readonly bandwidth: number;
  readonly videoBandwidth: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly frameRate: number | null;
}

/** `shaka.extern.AudioTrack` (Shaka 5; `getAudioTracks` is absent from older 4.x). */
interface ShakaAudioTrack {
  readonly active: boolean;
  readonly label: string | null;
  readonly language: string;
  readonly roles: readonly string[];
  readonly primary: boolean;
}

/** `shaka.Player` members used here besides the shared start-up's. */
interface ShakaPlayerWithTracks extends ShakaPlayer {
  getVariantTracks(): ShakaVariantTrack[];
  getAudioTracks?: () => ShakaAudioTrack[];
  selectAudioTrack?: (track: ShakaAudioTrack) => void;
}

/** Starts Shaka for `context.source` (loading Shaka first when the session loads it on demand). */
export function startShakaPlayback(context: PlaybackContext): Playback {
  const { player: vjsPlayer, tech } = context;
  let disposed = false;
  let audioTracks: ShakaAudioTrack[] = [];
  let heights: number[] = [];

  const quality = new QualityLevelsBridge(vjsPlayer.qualityLevels?.(), (enabled) => {
    const range = enabledRange(enabled);
    playback.player()?.configure({
      abr: {
        restrictions:
          range === undefined
            ? { minHeight: 0, maxHeight: Infinity }
            : { minHeight: heights[range.min] ?? 0, maxHeight: heights[range.max] ?? Infinity },
      },
    });
  });
  const audio = new AudioTracksBridge(tech.audioTracks(), context.AudioTrack, (id) => {
    const track = audioTracks.find((candidate) => audioIdOf(candidate) === id);
    if (track) playback.player()?.selectAudioTrack?.(track);
  });

  const refreshTracks = (): void => {
    const shakaPlayer = playback.player();
    if (!shakaPlayer || disposed) return;
    const variants = shakaPlayer.getVariantTracks();
    const renditions = videoRenditionsOf(variants);
    heights = renditions.map((rendition) => rendition.height ?? 0);
    quality.setRenditions(renditions);
    audioTracks = shakaPlayer.getAudioTracks?.() ?? [];
    const active = audioTracks.find((track) => track.active);
    audio.setTracks(audioTracks.map(audioOptionOf), active ? audioIdOf(active) : undefined);
    followActive();
  };
  const followActive = (): void => {
    const shakaPlayer = playback.player();
    if (!shakaPlayer || disposed) return;
    const playing = shakaPlayer.getVariantTracks().find((track) => track.active);
    if (playing?.height != null) quality.select(heights.indexOf(playing.height));
    const active = shakaPlayer.getAudioTracks?.().find((track) => track.active);
    if (active) audio.markActive(audioIdOf(active));
  };

  const playback: ShakaPlaybackHandle<ShakaPlayerWithTracks> =
    startSharedShakaPlayback<ShakaPlayerWithTracks>({
      session: context.session,
      source: context.source,
      media: tech.el(),
      // The source handler only picks this playback for sources the session plays with its engine.
      withEngine: true,
      onPlayer: (created) => {
        created.addEventListener('trackschanged', refreshTracks);
        created.addEventListener('variantchanged', followActive);
        created.addEventListener('adaptation', followActive);
      },
      onFatal: ({ error, shaka }) => {
        const code =
          shaka.category === SHAKA_ERROR.CATEGORY_NETWORK
            ? MediaErrorCode.NETWORK
            : shaka.category === SHAKA_ERROR.CATEGORY_MEDIA
              ? MediaErrorCode.DECODE
              : MediaErrorCode.SRC_NOT_SUPPORTED;
        context.fail(code, error.message);
      },
    });
  void playback.ready.then(refreshTracks);

  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      quality.dispose();
      audio.dispose();
      const shakaPlayer = playback.player();
      if (shakaPlayer) {
        shakaPlayer.removeEventListener('trackschanged', refreshTracks);
        shakaPlayer.removeEventListener('variantchanged', followActive);
        shakaPlayer.removeEventListener('adaptation', followActive);
      }
      playback.destroy();
    },
  };
}

/** One rendition per video height (Shaka's variants multiply video by audio), lowest first. */
function videoRenditionsOf(variants: readonly ShakaVariantTrack[]): Rendition[] {
  const byHeight = new Map<number, ShakaVariantTrack>();
  for (const variant of variants) {
    if (variant.height === null) continue;
    const known = byHeight.get(variant.height);
    if (!known || videoBitrateOf(variant) > videoBitrateOf(known)) {
      byHeight.set(variant.height, variant);
    }
  }
  return [...byHeight.entries()]
    .sort(([a], [b]) => a - b)
    .map(([height, variant]) => ({
      id: `shaka-${String(height)}p`,
      width: variant.width ?? undefined,
      height,
      bitrate: videoBitrateOf(variant),
      frameRate: variant.frameRate ?? undefined,
    }));
}

function videoBitrateOf(variant: ShakaVariantTrack): number {
  return variant.videoBandwidth ?? variant.bandwidth;
}

function audioIdOf(track: ShakaAudioTrack): string {
  return `${track.language}|${track.label ?? ''}|${track.roles.join(',')}`;
}

function audioOptionOf(track: ShakaAudioTrack): AudioOption {
  return {
    id: audioIdOf(track),
    label: track.label ?? (track.language || 'Audio'),
    language: track.language,
    main: track.primary,
  };
}
