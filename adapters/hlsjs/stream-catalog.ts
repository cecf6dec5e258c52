/**
 * What the adapter knows about the current source: the manifest URL and the streams seen so far.
 * Shared by the loaders (which may run without `bindHls`) and the hls.js event binding, so both
 * name streams identically.
 */
import { hlsIndexStreamKey, hlsStreamKey } from '../../core/hls/stream-key.js';
import type { StreamDescriptor, StreamKind } from '../../core/model/segment.js';
import { fragmentStreamKind } from './fragment-mapping.js';
import type { FragmentLike } from './hlsjs-types.js';

/** The adapter's view of the current source and its streams. */
export class StreamCatalog {
  private requestedManifestUrl: string | undefined;
  private keyBaseUrl: string | undefined;
  private readonly bitrates = new Map<string, number>();

  /** The manifest URL as requested (what the swarm id derives from), once known. */
  get manifestUrl(): string | undefined {
    return this.requestedManifestUrl;
  }

  /**
   * Records that the player requested a manifest. Returns true when it is a new source (the
   * engine must be told), false when the same URL is loaded again.
   */
  setManifestUrl(url: string): boolean {
    if (url === this.requestedManifestUrl) return false;
    this.requestedManifestUrl = url;
    this.keyBaseUrl = url;
    this.bitrates.clear();
    return true;
  }

  /**
   * Records the URL the manifest was finally served from. Relative playlist URIs resolve against
   * it, so stream keys are made relative to it rather than to the URL before redirects.
   */
  setManifestResponseUrl(url: string): void {
    if (url !== '' && !url.startsWith('data:')) this.keyBaseUrl = url;
  }

  /**
   * The descriptor of the stream a media playlist URL names; remembers the bitrate when given.
   * hls.js always has the URL; should it ever lack one, the key falls back to the rendition's index
   * (see {@link hlsIndexStreamKey}).
   */
  streamFor(
    kind: StreamKind,
    playlistUrl: string | undefined,
    index: number,
    bitrate?: number,
  ): StreamDescriptor {
    const key = playlistUrl
      ? hlsStreamKey(kind, playlistUrl, this.keyBaseUrl)
      : hlsIndexStreamKey(kind, index);
    if (bitrate !== undefined && Number.isFinite(bitrate) && bitrate > 0) {
      this.bitrates.set(key, bitrate);
    }
    const known = this.bitrates.get(key);
    return known === undefined ? { key, kind } : { key, kind, bitrate: known };
  }

  /**
   * The stream a fragment belongs to, from the playlist it is listed in (`frag.baseurl`, the same
   * URL as the playlist's `details.url`), or undefined for subtitles.
   */
  streamOfFragment(frag: FragmentLike): StreamDescriptor | undefined {
    const kind = fragmentStreamKind(frag);
    if (!kind) return undefined;
    return this.streamFor(kind, frag.baseurl || undefined, frag.level);
  }
}
