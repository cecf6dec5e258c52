/**
 * File extension knowledge of the origin: which `Content-Type` to send, and which files are media
 * segments (the bytes the P2P tests count) rather than playlists, manifests or init segments.
 */
import path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mpd': 'application/dash+xml',
  '.ts': 'video/mp2t',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.m4s': 'video/iso.segment',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.vtt': 'text/vtt; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Extensions of files holding media samples. */
const MEDIA_EXTENSIONS = new Set(['.ts', '.m4s', '.mp4', '.m4v', '.m4a', '.aac']);

/** The `Content-Type` for a file path or URL path (by extension); octet-stream when unknown. */
export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * True when the path names a media segment: a media file whose name does not start with `init`
 * (the init segments this project's generator writes are `init.mp4`/`init-*.mp4`). Playlists,
 * manifests and init segments are not media: tests compare media bytes between HTTP and P2P.
 */
export function isMediaSegmentPath(filePath: string): boolean {
  const extension = path.extname(filePath).toLowerCase();
  return (
    MEDIA_EXTENSIONS.has(extension) && !path.basename(filePath).toLowerCase().startsWith('init')
  );
}
