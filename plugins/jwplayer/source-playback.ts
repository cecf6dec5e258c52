/**
 * Plays one source on the provider's media element the way the session chose: hls.js with the
 * engine's loaders, Shaka with the engine plugged in, or the element's own playback (`native`: no
 * MSE, P2P off, unknown type). The provider owns one of these per loaded item.
 */
import type { HlsInstanceLike } from '../shared/library-types.js';
import {
  type P2PPlayerSession,
  type PlaybackEngineKind,
  type PlayerSource,
} from '../shared/index.js';
import { createHlsPlayer } from '../shared/hls-start.js';
import { startShakaPlayback, type ShakaPlayer } from '../shared/shaka-start.js';

/** hls.js members used here besides the adapter's. */
interface HlsPlayer extends HlsInstanceLike {
  loadSource(url: string): void;
  attachMedia(media: HTMLMediaElement): void;
  /** -1: automatic level selection. */
  currentLevel: number;
  readonly levels: readonly (HlsInstanceLike['levels'][number] & {
    readonly height?: number;
    readonly width?: number;
  })[];
  /** False once a level was chosen by setting `currentLevel`. */
  readonly autoLevelEnabled: boolean;
  /** Index into `audioTracks` of the selected track; setting it switches. */
  audioTrack: number;
  readonly audioTracks: readonly (HlsInstanceLike['audioTracks'][number] & {
    readonly name?: string;
    readonly lang?: string;
  })[];
}

type HlsConstructor = new (config: Record<string, unknown>) => HlsPlayer;

/** `hlsError` payload fields read here. */
interface HlsErrorData {
  readonly fatal?: boolean;
  readonly details?: string;
  readonly error?: { readonly message?: string };
}

/** One quality level as JW's quality menu lists it. */
export interface QualityLevel {
  readonly label: string;
}

/** The rendition being played, as JW's `visualQuality` event describes it. */
export interface VisualQuality {
  /** 'auto': chosen by ABR; 'manual': chosen in JW's quality menu (`setQuality`). */
  readonly mode: 'auto' | 'manual';
  readonly level: {
    /** Index into {@link SourcePlayback.qualityLevels} (0 is `Auto`, so renditions start at 1). */
    readonly index: number;
    readonly label: string;
    /** Declared bitrate, bits per second. */
    readonly bitrate: number;
    /** Pixels, 0 when the manifest does not say. */
    readonly width: number;
    readonly height: number;
  };
}

/** One audio rendition as JW's audio-track menu lists it (JW labels the entry with `name`). */
export interface AudioTrack {
  readonly name: string;
  /** The rendition's language (`LANGUAGE`), when declared. */
  readonly language?: string;
}

/** What the provider needs from the playback of one source. */
export interface SourcePlayback {
  readonly kind: PlaybackEngineKind;
  /** Ready to play (Shaka loads asynchronously; hls.js and native resolve at once). */
  readonly ready: Promise<void>;
  /**
   * `Auto` first, then the renditions (hls.js levels; Shaka's video heights); `Auto` alone until
   * they are known, and for native playback.
   */
  qualityLevels(): readonly QualityLevel[];
  /** Index into {@link qualityLevels}: 0 is automatic. */
  currentQuality(): number;
  setQuality(index: number): void;
  /** The rendition being played; undefined before the first one (and for Shaka/native). */
  visualQuality(): VisualQuality | undefined;
  /** The alternate audio renditions (empty when the source has none, and for Shaka/native). */
  audioTracks(): readonly AudioTrack[];
  /** Index into {@link audioTracks}; -1 when there is none. */
  currentAudioTrack(): number;
  setAudioTrack(index: number): void;
  /** Stops loading and releases the library instance (the session's engine is ended separately). */
  destroy(): void;
}

/** Callbacks from playback to the provider. */
export interface PlaybackEvents {
  /** The source cannot play: JW shows its error screen. */
  fatal(error: Error): void;
  /** The quality levels are known or changed. */
  levels(): void;
  /** Another rendition plays ({@link SourcePlayback.visualQuality}). */
  visualQuality(): void;
  /** The audio renditions are known (`switched` false) or another one plays (`switched` true). */
  audioTracks(switched: boolean): void;
}

/** How one source plays: with which library, and whether through the engine. */
export interface PlaybackPlan {
  readonly kind: PlaybackEngineKind;
  /**
   * False when the player's P2P is off (`enabled: false`) but the provider already claimed the
   * source: hls.js/Shaka then play it alone, over HTTP.
   */
  readonly withEngine: boolean;
}

/** The members of a playback that reports no rendition and offers no choice of audio. */
const NO_TRACK_CHOICE: Pick<
  SourcePlayback,
  'audioTracks' | 'currentAudioTrack' | 'setAudioTrack' | 'visualQuality'
> = {
  visualQuality: () => undefined,
  audioTracks: () => [],
  currentAudioTrack: () => -1,
  setAudioTrack: () => undefined,
};

/** Starts playing `source` on `video` as `plan` says. */
export function startSourcePlayback(
  session: P2PPlayerSession,
  plan: PlaybackPlan,
  source: PlayerSource,
  video: HTMLVideoElement,
  events: PlaybackEvents,
): SourcePlayback {
  if (plan.kind === 'hlsjs') {
    const Hls = session.resolveHls() as unknown as HlsConstructor | undefined;
    if (Hls) return startHls(session, plan.withEngine, Hls, source, video, events);
  }
  if (plan.kind === 'shaka') return startShaka(session, plan.withEngine, source, video, events);
  return startNative(source, video);
}

function startHls(
  session: P2PPlayerSession,
  withEngine: boolean,
  Hls: HlsConstructor,
  source: PlayerSource,
  video: HTMLVideoElement,
  events: PlaybackEvents,
): SourcePlayback {
  const hls = createHlsPlayer(session, Hls, source, { withEngine });
  hls.on('hlsManifestParsed', () => {
    events.levels();
  });
  // The level whose fragments are buffered now (hls.js's LEVEL_SWITCHED).
  let playingLevel = -1;
  hls.on('hlsLevelSwitched', (_event: string, data: { readonly level: number }) => {
    playingLevel = data.level;
    events.visualQuality();
  });
  hls.on('hlsAudioTracksUpdated', () => {
    events.audioTracks(false);
  });
  // On SWITCHING (at once), as JW's own providers report a menu choice: SWITCHED only comes once
  // the new track's first fragment is buffered, and JW's menu would show the old track until then.
  hls.on('hlsAudioTrackSwitching', () => {
    events.audioTracks(true);
  });
  hls.on('hlsError', (_event: string, data: HlsErrorData) => {
    if (!data.fatal) return;
    events.fatal(
      new Error(`hls.js: ${data.details ?? 'fatal error'} ${data.error?.message ?? ''}`),
    );
  });
  hls.attachMedia(video);
  hls.loadSource(source.src);
  return {
    kind: 'hlsjs',
    ready: Promise.resolve(),
    qualityLevels: () => [{ label: 'Auto' }, ...hls.levels.map(levelLabel)],
    currentQuality: () => (hls.currentLevel < 0 ? 0 : hls.currentLevel + 1),
    setQuality: (index) => {
      hls.currentLevel = index <= 0 ? -1 : index - 1;
    },
    visualQuality: () => {
      const level = hls.levels[playingLevel];
      if (!level) return undefined;
      return {
        mode: hls.autoLevelEnabled ? 'auto' : 'manual',
        level: {
          index: playingLevel + 1,
          label: levelLabel(level, playingLevel).label,
          bitrate: level.bitrate,
          width: level.width ?? 0,
          height: level.height ?? 0,
        },
      };
    },
    audioTracks: () =>
      hls.audioTracks.map((track, index) => ({
        name: track.name ?? track.lang ?? `Audio ${index + 1}`,
        ...(track.lang === undefined ? {} : { language: track.lang }),
      })),
    currentAudioTrack: () => (hls.audioTracks.length === 0 ? -1 : hls.audioTrack),
    setAudioTrack: (index) => {
      if (index >= 0 && index < hls.audioTracks.length) hls.audioTrack = index;
    },
    destroy: () => {
      hls.destroy();
    },
  };
}

/** A rendition's entry in JW's quality menu: its height, else its bitrate. */
function levelLabel(level: HlsPlayer['levels'][number], index: number): QualityLevel {
  return {
    label: level.height ? `${level.height}p` : `${Math.round(level.bitrate / 1000)} kbps #${index}`,
  };
}

/** A Shaka variant (one video and one audio stream) as far as JW's quality menu goes. */
interface ShakaVariantTrack {
  readonly id: number;
  readonly active: boolean;
  /** Bits per second, video and audio together. */
  readonly bandwidth: number;
  readonly width?: number | null;
  readonly height?: number | null;
  readonly audioId?: number | null;
}

/** Shaka members the quality menu uses (Shaka 4 and 5). */
interface ShakaQualityPlayer extends ShakaPlayer {
  getVariantTracks(): ShakaVariantTrack[];
  selectVariantTrack(track: ShakaVariantTrack, clearBuffer?: boolean): void;
}

function startShaka(
  session: P2PPlayerSession,
  withEngine: boolean,
  source: PlayerSource,
  video: HTMLVideoElement,
  events: PlaybackEvents,
): SourcePlayback {
  // JW's menu offers one entry per video height; Shaka's ABR chooses while `Auto` is selected.
  let manualHeight: number | undefined;
  const heights = (): number[] => {
    const tracks = playback.player()?.getVariantTracks() ?? [];
    const all = tracks.map((track) => track.height ?? 0).filter((height) => height > 0);
    return [...new Set(all)].sort((a, b) => a - b);
  };
  const activeTrack = (): ShakaVariantTrack | undefined =>
    playback
      .player()
      ?.getVariantTracks()
      .find((track) => track.active);
  const playback = startShakaPlayback<ShakaQualityPlayer>({
    session,
    source,
    media: video,
    withEngine,
    resolveShaka: () => session.resolveShaka(),
    onFatal: ({ error }) => {
      events.fatal(error);
    },
    onPlayer: (player) => {
      // `trackschanged` also tells the first choice: Shaka reports no `adaptation` for it.
      player.addEventListener('trackschanged', () => {
        events.levels();
        events.visualQuality();
      });
      for (const name of ['adaptation', 'variantchanged']) {
        player.addEventListener(name, () => {
          events.visualQuality();
        });
      }
    },
  });
  return {
    kind: 'shaka',
    ready: playback.ready,
    qualityLevels: () => [
      { label: 'Auto' },
      ...heights().map((height) => ({ label: `${height}p` })),
    ],
    currentQuality: () => (manualHeight === undefined ? 0 : heights().indexOf(manualHeight) + 1),
    setQuality: (index) => {
      const player = playback.player();
      if (!player) return;
      const height = index > 0 ? heights()[index - 1] : undefined;
      manualHeight = height;
      player.configure({ abr: { enabled: height === undefined } });
      if (height === undefined) return;
      const audioId = activeTrack()?.audioId;
      const candidates = player.getVariantTracks().filter((track) => track.height === height);
      const track = candidates.find((candidate) => candidate.audioId === audioId) ?? candidates[0];
      if (track) player.selectVariantTrack(track, true);
    },
    visualQuality: () => {
      const track = activeTrack();
      if (!track?.height) return undefined;
      return {
        mode: manualHeight === undefined ? 'auto' : 'manual',
        level: {
          index: heights().indexOf(track.height) + 1,
          label: `${track.height}p`,
          bitrate: track.bandwidth,
          width: track.width ?? 0,
          height: track.height,
        },
      };
    },
    audioTracks: () => [],
    currentAudioTrack: () => -1,
    setAudioTrack: () => undefined,
    destroy: () => {
      playback.destroy();
    },
  };
}

function startNative(source: PlayerSource, video: HTMLVideoElement): SourcePlayback {
  video.src = source.src;
  return {
    kind: 'native',
    ready: Promise.resolve(),
    qualityLevels: () => [{ label: 'Auto' }],
    currentQuality: () => 0,
    setQuality: () => undefined,
    ...NO_TRACK_CHOICE,
    destroy: () => {
      video.removeAttribute('src');
      video.load();
    },
  };
}
