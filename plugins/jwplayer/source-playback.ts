/**
 * Plays one source on the provider's media element the way the session chose: hls.js with the
 * engine's loaders, Shaka with the engine plugged in, or the element's own playback (`native`: no
 * MSE, P2P off, unknown type). The provider owns one of these per loaded item.
 */
import type { HlsInstanceLike } from '../../core/hlsjs/hlsjs-types.js';
import {
  type P2PPlayerSession,
  type PlaybackEngineKind,
  type PlayerSource,
} from '../shared/index.js';
import { createHlsPlayer } from '../shared/hls-start.js';
import { startShakaPlayback } from '../shared/shaka-start.js';

/** hls.js members used here besides the adapter's. */
interface HlsPlayer extends HlsInstanceLike {
  loadSource(url: string): void;
  attachMedia(media: HTMLMediaElement): void;
  /** -1: automatic level selection. */
  currentLevel: number;
  readonly levels: readonly (HlsInstanceLike['levels'][number] & { readonly height?: number })[];
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

/** What the provider needs from the playback of one source. */
export interface SourcePlayback {
  readonly kind: PlaybackEngineKind;
  /** Ready to play (Shaka loads asynchronously; hls.js and native resolve at once). */
  readonly ready: Promise<void>;
  /** `Auto` first, then the renditions (empty until known, and for Shaka/native). */
  qualityLevels(): readonly QualityLevel[];
  /** Index into {@link qualityLevels}: 0 is automatic. */
  currentQuality(): number;
  setQuality(index: number): void;
  /** Stops loading and releases the library instance (the session's engine is ended separately). */
  destroy(): void;
}

/** Callbacks from playback to the provider. */
export interface PlaybackEvents {
  /** The source cannot play: JW shows its error screen. */
  fatal(error: Error): void;
  /** The quality levels are known or changed. */
  levels(): void;
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
    qualityLevels: () => [
      { label: 'Auto' },
      ...hls.levels.map((level, index) => ({
        label: level.height
          ? `${level.height}p`
          : `${Math.round(level.bitrate / 1000)} kbps #${index}`,
      })),
    ],
    currentQuality: () => (hls.currentLevel < 0 ? 0 : hls.currentLevel + 1),
    setQuality: (index) => {
      hls.currentLevel = index <= 0 ? -1 : index - 1;
    },
    destroy: () => {
      hls.destroy();
    },
  };
}

function startShaka(
  session: P2PPlayerSession,
  withEngine: boolean,
  source: PlayerSource,
  video: HTMLVideoElement,
  events: PlaybackEvents,
): SourcePlayback {
  const playback = startShakaPlayback({
    session,
    source,
    media: video,
    withEngine,
    resolveShaka: () => session.resolveShaka(),
    onFatal: ({ error }) => {
      events.fatal(error);
    },
  });
  return {
    kind: 'shaka',
    ready: playback.ready,
    // JW's menu lists what the provider gives; Shaka's own ABR keeps choosing (one "Auto" entry).
    qualityLevels: () => [{ label: 'Auto' }],
    currentQuality: () => 0,
    setQuality: () => undefined,
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
    destroy: () => {
      video.removeAttribute('src');
      video.load();
    },
  };
}
