/**
 * Stream identity for HLS, shared by every HLS adapter (hls.js, Shaka): viewers of one source must
 * name each rendition the same way, whatever CDN or signed URL they were handed.
 */
import type { StreamKind } from '../model/segment.js';

/**
 * The stream key of an HLS media playlist: `<kind>:<path>`, e.g. `main:v720/index.m3u8` or
 * `audio:audio/en/index.m3u8`.
 *
 * `<path>` is the playlist URL's path, without query string and fragment (signed CDN URLs and LL-HLS
 * delivery directives differ per viewer and per request only there), made relative to the
 * directory of the manifest URL's path when the playlist lies under it. That way the copies of one
 * stream on several CDNs with the same layout, e.g. `https://a.example/x/master.m3u8` and
 * `https://b.example/y/master.m3u8`, name their renditions identically. Hosts are not compared:
 * content steering and multi-CDN manifests point the same relative layout at other hosts. A playlist
 * elsewhere keeps its absolute path (still host-independent).
 *
 * @param kind - what the playlist carries
 * @param playlistUrl - absolute URL of the media playlist
 * @param manifestUrl - absolute URL of the manifest (multivariant playlist) relative keys are based
 *   on, when known; for a source that is a media playlist itself it is the same URL
 */
export function hlsStreamKey(
  kind: StreamKind,
  playlistUrl: string,
  manifestUrl: string | undefined,
): string {
  return `${kind}:${playlistPath(playlistUrl, manifestUrl)}`;
}

/**
 * The fallback stream key for a playlist whose URL is unknown: `<kind>:#<index>`, index being the
 * player's rendition index. Unlike {@link hlsStreamKey} it is only stable across viewers whose
 * player lists renditions in the same order (players do, for one manifest), so it is used only
 * when no URL is available. It cannot collide with a URL-derived key, which never contains `#`.
 */
export function hlsIndexStreamKey(kind: StreamKind, index: number): string {
  return `${kind}:#${index}`;
}

function playlistPath(playlistUrl: string, manifestUrl: string | undefined): string {
  const playlist = parseUrl(playlistUrl);
  if (!playlist) return withoutQueryAndFragment(playlistUrl);
  const manifest = manifestUrl === undefined ? undefined : parseUrl(manifestUrl);
  if (manifest) {
    const directory = manifest.pathname.slice(0, manifest.pathname.lastIndexOf('/') + 1);
    if (playlist.pathname.startsWith(directory) && playlist.pathname.length > directory.length) {
      return playlist.pathname.slice(directory.length);
    }
  }
  return playlist.pathname;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function withoutQueryAndFragment(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
