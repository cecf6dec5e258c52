/**
 * `GET /live/<session>/<stream>/<path>`: a live stream simulated from the VOD stream `<stream>`.
 * Manifests are rewritten for the moment of the request by a renderer chosen by file extension
 * (HLS media playlists become a sliding window; a DASH renderer can be added for `.mpd`); every
 * other file (segments, init segments) is the VOD file itself, so live segment URLs, relative to
 * the live playlist, stay under `/live/<session>/` and are counted per session.
 * `/live/<session>/<stream>/segments-sha256.json` (and `.sig`) is the live hash manifest: the
 * trusted hashes of the segments the session's window lists at that moment (live-hash-manifest.ts).
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { contentTypeFor, isMediaSegmentPath } from './content-types.js';
import { isMasterPlaylist, parseMediaPlaylist } from './hls-playlist.js';
import { demoHashSigningKeyPath } from '../media/streams-manifest.js';
import { loadSigningKey } from '../../tools/hash-manifest/signing-key.js';
import {
  HASH_MANIFEST_FILE_NAME,
  liveHashManifestSignature,
  renderLiveHashManifest,
} from './live-hash-manifest.js';
import { computeLiveWindow, renderLivePlaylist } from './live-playlist.js';
import { isValidSessionId, type LiveSessions } from './live-sessions.js';
import { textReply } from './reply.js';
import type { Route } from './routes.js';
import { fileReply, resolveInside } from './static-files.js';

/** What a live manifest renderer is given. */
export interface LiveManifestContext {
  /** The VOD manifest text. */
  readonly vodText: string;
  /** Time since the session started, in ms. */
  readonly elapsedMs: number;
  /** Clock time (ms, epoch-based with the system clock) the session started. */
  readonly sessionStartMs: number;
  /** Segments a live window lists. */
  readonly segmentsInWindow: number;
}

/** Rewrites a VOD manifest into the live manifest of the moment. */
export type LiveManifestRenderer = (context: LiveManifestContext) => string;

/**
 * HLS: master playlists are served unchanged (their URIs are relative, so they resolve under the
 * live path); media playlists become the live window of the moment.
 */
export const renderHlsLiveManifest: LiveManifestRenderer = (context) => {
  if (isMasterPlaylist(context.vodText)) return context.vodText;
  const window = computeLiveWindow(parseMediaPlaylist(context.vodText), context.elapsedMs, {
    segmentsInWindow: context.segmentsInWindow,
  });
  return renderLivePlaylist(window, { sessionStartEpochMs: context.sessionStartMs });
};

/** Settings of the live route. */
export interface LiveRouteOptions {
  /** Root of the generated VOD streams. */
  readonly mediaDir: string;
  /** Session start times (shared clock). */
  readonly sessions: LiveSessions;
  /** Segments a live window lists. */
  readonly segmentsInWindow: number;
  /** Renderers by lower-case file extension; default: `.m3u8` -> {@link renderHlsLiveManifest}. */
  readonly renderers?: Readonly<Record<string, LiveManifestRenderer>>;
  /** URL prefix; default `/live`. */
  readonly pathPrefix?: string;
  /**
   * Private key signing live hash manifests (`.sig`); default: generate.sh's demo key for
   * `mediaDir`, when it exists (else live manifests are served unsigned and `.sig` is 404).
   */
  readonly hashSigningKeyPath?: string;
}

/** The live route. */
export function createLiveRoute(options: LiveRouteOptions): Route {
  const renderers = options.renderers ?? { '.m3u8': renderHlsLiveManifest };
  let signingKey: Promise<KeyObject | undefined> | undefined;
  const keyPath = options.hashSigningKeyPath ?? demoHashSigningKeyPath(options.mediaDir);
  const loadKey = () =>
    (signingKey ??= loadSigningKey(keyPath).catch((error: unknown) => {
      // Once per route: viewers with trusted hashes then take no live segment from peers.
      console.warn(
        `origin: live hash manifests are served unsigned: cannot read the signing key ${keyPath} ` +
          `(${error instanceof Error ? error.message : String(error)}); ` +
          'examples/media/generate.sh --force creates it for this checkout',
      );
      return undefined;
    }));
  return {
    pathPrefix: options.pathPrefix ?? '/live',
    methods: ['GET'],
    instrumented: true,
    handle: async (request) => {
      const match = /^\/([^/]+)\/(.+)$/.exec(request.subPath);
      if (match === null) return textReply(404, 'Expected /live/<session>/<stream>/<path>\n');
      const [, sessionId = '', streamPath = ''] = match;
      if (!isValidSessionId(sessionId)) return textReply(400, 'Bad live session id\n');
      const filePath = resolveInside(options.mediaDir, streamPath);
      if (filePath === undefined) return textReply(400, 'Bad path\n');
      // Any request starts the session clock, so all renditions of a session share one timeline.
      const sessionStartMs = options.sessions.startOf(sessionId);

      const relative = path.relative(options.mediaDir, filePath).split(path.sep);
      const [stream = '', fileName] = relative;
      if (
        relative.length === 2 &&
        (fileName === HASH_MANIFEST_FILE_NAME || fileName === `${HASH_MANIFEST_FILE_NAME}.sig`)
      ) {
        const text = await renderLiveHashManifest({
          streamDir: path.join(options.mediaDir, stream),
          elapsedMs: options.sessions.elapsedMs(sessionId),
          segmentsInWindow: options.segmentsInWindow,
        });
        if (text === undefined) return textReply(404, 'Not found\n');
        if (fileName === HASH_MANIFEST_FILE_NAME) {
          return textReply(200, text, 'application/json; charset=utf-8');
        }
        const key = await loadKey();
        if (key === undefined) {
          return textReply(404, 'No signing key for live hash manifests on this origin\n');
        }
        return textReply(200, liveHashManifestSignature(text, key));
      }

      const renderer = renderers[path.extname(filePath).toLowerCase()];
      if (renderer === undefined) {
        return fileReply(filePath, {
          ...(request.headers.range === undefined ? {} : { rangeHeader: request.headers.range }),
          isMedia: isMediaSegmentPath(filePath),
        });
      }
      const vodText = await readFile(filePath, 'utf8').catch(() => undefined);
      if (vodText === undefined) return textReply(404, 'Not found\n');
      const liveText = renderer({
        vodText,
        elapsedMs: options.sessions.elapsedMs(sessionId),
        sessionStartMs,
        segmentsInWindow: options.segmentsInWindow,
      });
      return textReply(200, liveText, contentTypeFor(filePath));
    },
  };
}
