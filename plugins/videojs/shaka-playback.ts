/**
 * Plays a source (DASH, or HLS where hls.js is missing) in the Html5 tech with Shaka Player and the
 * session's P2P engine, and mirrors Shaka's renditions and audio languages into Video.js's
 * quality-level and audio-track lists.
 */
import type { ShakaPlayerLike } from '../../core/shaka/shaka-types.js';
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

/** `shaka.util.Error` fields read here. */
interface ShakaError {
  readonly severity?: number;
  readonly category?: number;
  readonly code?: number;
  readonly message?: string;
}

/** `shaka.Player` members used here besides the adapter's. */
interface ShakaPlayer extends ShakaPlayerLike {
  attach(media: HTMLMediaElement): Promise<void>;
  load(uri: string): Promise<void>;
  destroy(): Promise<void>;
  configure(config: object): boolean;
  getVariantTracks(): ShakaVariantTrack[];
  getAudioTracks?: () => ShakaAudioTrack[];
  selectAudioTrack?: (track: ShakaAudioTrack) => void;
}

/** `shaka.util.Error` numbers used here (stable across Shaka 3-5). */
const ShakaError = {
  SEVERITY_CRITICAL: 2,
  CATEGORY_NETWORK: 1,
  CATEGORY_MEDIA: 3,
  /** `LOAD_INTERRUPTED`, `OPERATION_ABORTED`: a newer load or destroy() cancelled this one. */
  INTERRUPTIONS: [7000, 7001],
} as const;

/** Starts Shaka for `context.source` (loading Shaka first when the session loads it on demand). */
export function startShakaPlayback(context: PlaybackContext): Playback {
  const { player: vjsPlayer, tech } = context;
  let disposed = false;
  let shakaPlayer: ShakaPlayer | undefined;
  let audioTracks: ShakaAudioTrack[] = [];
  let heights: number[] = [];

  const quality = new QualityLevelsBridge(vjsPlayer.qualityLevels?.(), (enabled) => {
    const range = enabledRange(enabled);
    shakaPlayer?.configure({
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
    if (track) shakaPlayer?.selectAudioTrack?.(track);
  });

  const refreshTracks = (): void => {
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
    if (!shakaPlayer || disposed) return;
    const playing = shakaPlayer.getVariantTracks().find((track) => track.active);
    if (playing?.height != null) quality.select(heights.indexOf(playing.height));
    const active = shakaPlayer.getAudioTracks?.().find((track) => track.active);
    if (active) audio.markActive(audioIdOf(active));
  };
  const onError = (event: Event): void => {
    const error = (event as Event & { detail?: ShakaError }).detail ?? {};
    if (error.severity === ShakaError.SEVERITY_CRITICAL) failWith(error);
  };
  const failWith = (error: ShakaError): void => {
    if (disposed || ShakaError.INTERRUPTIONS.some((code) => code === error.code)) return;
    const code =
      error.category === ShakaError.CATEGORY_NETWORK
        ? MediaErrorCode.NETWORK
        : error.category === ShakaError.CATEGORY_MEDIA
          ? MediaErrorCode.DECODE
          : MediaErrorCode.SRC_NOT_SUPPORTED;
    context.fail(code, `Shaka Player error ${String(error.code ?? '?')}${describe(error)}`);
  };

  const start = async (): Promise<void> => {
    const shaka = await context.session.resolveShaka();
    if (disposed) return;
    const Player = (shaka as { Player?: new () => ShakaPlayer } | undefined)?.Player;
    if (Player === undefined) {
      context.fail(MediaErrorCode.SRC_NOT_SUPPORTED, 'Shaka Player is not available on this page');
      return;
    }
    const created = new Player();
    shakaPlayer = created;
    created.addEventListener('error', onError);
    created.addEventListener('trackschanged', refreshTracks);
    created.addEventListener('variantchanged', followActive);
    created.addEventListener('adaptation', followActive);
    await created.attach(tech.el());
    // dispose() may run while attach() is pending (the linter cannot see closures change `disposed`).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (disposed) return;
    // Before load(): the adapter names segments from the manifests it sees Shaka download.
    context.session.attachShaka(created, context.source);
    await created.load(context.source.src);
    refreshTracks();
  };
  start().catch((error: unknown) => {
    failWith(typeof error === 'object' && error !== null ? error : {});
  });

  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      quality.dispose();
      audio.dispose();
      if (shakaPlayer) {
        shakaPlayer.removeEventListener('error', onError);
        shakaPlayer.removeEventListener('trackschanged', refreshTracks);
        shakaPlayer.removeEventListener('variantchanged', followActive);
        shakaPlayer.removeEventListener('adaptation', followActive);
        // destroy() detaches from the video element; nothing waits for it.
        shakaPlayer.destroy().catch(() => undefined);
      }
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

function describe(error: ShakaError): string {
  return error.message ? `: ${error.message}` : '';
}
