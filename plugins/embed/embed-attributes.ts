/**
 * Reads an embed element's `data-*` attributes into player and P2P settings. Pure (no DOM access
 * beyond the attribute values it is given), so every rule about what an attribute may hold lives
 * here. A bad value never throws: it is left out and described in `problems`, which the embed
 * prints on the console and shows in the element.
 */
import type { P2PPluginOptions, PlayerSource } from '../shared/contract.js';

/** The attributes the embed reads, as `HTMLElement.dataset` names them (`data-swarm-id` → `swarmId`). */
export interface EmbedAttributes {
  readonly src?: string;
  readonly type?: string;
  readonly swarmId?: string;
  readonly stats?: string;
  readonly trackers?: string;
  readonly iceServers?: string;
  readonly poster?: string;
  readonly autoplay?: string;
  readonly muted?: string;
  readonly preload?: string;
  readonly beaconUrl?: string;
  readonly p2p?: string;
}

/** Names of {@link EmbedAttributes} as written in HTML, for messages. */
const ATTRIBUTE_NAMES: Readonly<Record<keyof EmbedAttributes, string>> = {
  src: 'data-src',
  type: 'data-type',
  swarmId: 'data-swarm-id',
  stats: 'data-stats',
  trackers: 'data-trackers',
  iceServers: 'data-ice-servers',
  poster: 'data-poster',
  autoplay: 'data-autoplay',
  muted: 'data-muted',
  preload: 'data-preload',
  beaconUrl: 'data-beacon-url',
  p2p: 'data-p2p',
};

/** Every attribute name the embed understands (the element's marker included). */
export const EMBED_ATTRIBUTE_NAMES: readonly string[] = [
  'data-p2p-player',
  ...Object.values(ATTRIBUTE_NAMES),
];

/** Short forms accepted in `data-type`, besides full MIME types. */
const TYPE_SHORTHANDS: ReadonlyMap<string, string> = new Map([
  ['hls', 'application/x-mpegURL'],
  ['m3u8', 'application/x-mpegURL'],
  ['dash', 'application/dash+xml'],
  ['mpd', 'application/dash+xml'],
]);

/** MIME types `data-type` may hold (compared case-insensitively). */
const KNOWN_TYPES = new Set([
  'application/x-mpegurl',
  'application/vnd.apple.mpegurl',
  'audio/mpegurl',
  'audio/x-mpegurl',
  'application/dash+xml',
  'video/vnd.mpeg.dash.mpd',
]);

/** Values of `data-preload` (the `<video>` attribute's). */
export type EmbedPreload = 'none' | 'metadata' | 'auto';
const PRELOAD_VALUES: readonly EmbedPreload[] = ['none', 'metadata', 'auto'];

/** What the embed does with one element. */
export interface EmbedSettings {
  /** The source to play; undefined when `data-src` is missing or not a URL (the player shows an error). */
  readonly source: PlayerSource | undefined;
  /** Video.js options from the attributes (`poster`, `autoplay`, `muted`, `preload`). */
  readonly player: {
    readonly poster?: string;
    readonly autoplay?: boolean | 'any' | 'muted';
    readonly muted?: boolean;
    /**
     * What the player loads before the viewer presses play. The embed's default, `auto`: the
     * manifest and one segment of a VOD stream (none of a live one); `metadata`: the manifest;
     * `none`: nothing.
     */
    readonly preload?: EmbedPreload;
  };
  /** Options for `player.p2p()` from the attributes. */
  readonly p2p: P2PPluginOptions;
  /** One sentence per attribute that was ignored, naming it and what it may hold. */
  readonly problems: readonly string[];
}

/**
 * Turns attribute values into settings. `baseUrl` resolves relative URLs (`data-src`,
 * `data-poster`, `data-beacon-url`): the page's `document.baseURI`.
 */
export function readEmbedAttributes(attributes: EmbedAttributes, baseUrl: string): EmbedSettings {
  const problems: string[] = [];
  const problem = (key: keyof EmbedAttributes, value: string, expected: string): void => {
    problems.push(`${ATTRIBUTE_NAMES[key]}="${value}" ignored: expected ${expected}.`);
  };

  const source = readSource(attributes, baseUrl, problems);

  const player: {
    poster?: string;
    autoplay?: boolean | 'any' | 'muted';
    muted?: boolean;
    preload?: EmbedPreload;
  } = {};
  if (attributes.preload !== undefined) {
    const preload = attributes.preload.trim().toLowerCase();
    const known = PRELOAD_VALUES.find((value) => value === preload);
    if (known === undefined) problem('preload', attributes.preload, 'none, metadata or auto');
    else player.preload = known;
  }
  if (attributes.poster !== undefined) {
    const poster = resolveUrl(attributes.poster, baseUrl, ['http:', 'https:', 'data:']);
    if (poster === undefined) problem('poster', attributes.poster, 'an image URL');
    else player.poster = poster;
  }
  const muted = readSwitch(attributes, 'muted', problem);
  if (muted !== undefined) player.muted = muted;
  const autoplay = readSwitch(attributes, 'autoplay', problem);
  // Browsers block autoplay with sound without a user gesture: `any` tries with sound first and
  // falls back to muted, so an autoplaying embed starts instead of waiting for a click.
  if (autoplay === true) player.autoplay = muted === true ? 'muted' : 'any';
  else if (autoplay === false) player.autoplay = false;

  const p2p: Record<string, unknown> = {};
  // Off keeps hls.js/Shaka playing (over HTTP only): the embed's Video.js has no HLS/DASH playback
  // of its own to fall back to, so turning the whole plugin off would leave nothing to play.
  const p2pSwitch = readSwitch(attributes, 'p2p', problem);
  if (p2pSwitch === false) p2p.p2pDisabled = true;
  if (attributes.swarmId !== undefined) {
    if (attributes.swarmId.trim() === '') problem('swarmId', attributes.swarmId, 'a non-empty id');
    else p2p.swarmId = attributes.swarmId.trim();
  }
  const stats = readSwitch(attributes, 'stats', problem);
  if (stats !== undefined) p2p.overlay = { visible: stats };
  if (attributes.trackers !== undefined) {
    const trackers = readUrlList(attributes, 'trackers', ['ws:', 'wss:'], problem);
    if (trackers.length > 0) p2p.trackers = trackers;
    else
      problems.push(
        "data-trackers holds no ws:// or wss:// URL: the page's or the default trackers are used.",
      );
  }
  if (attributes.iceServers !== undefined) {
    const value = attributes.iceServers.trim().toLowerCase();
    // `none`: peers on one network need no STUN (and a private deployment may not want it).
    const urls =
      value === 'none'
        ? []
        : readUrlList(attributes, 'iceServers', ['stun:', 'turn:', 'turns:'], problem);
    if (value === 'none' || urls.length > 0) {
      p2p.rtcConfig = { iceServers: urls.map((url) => ({ urls: url })) };
    }
  }
  if (attributes.beaconUrl !== undefined) {
    const url = resolveUrl(attributes.beaconUrl, baseUrl, ['http:', 'https:']);
    if (url === undefined) problem('beaconUrl', attributes.beaconUrl, 'an http(s) URL');
    else p2p.statsBeacon = { url };
  }

  return { source, player, p2p, problems };
}

function readSource(
  attributes: EmbedAttributes,
  baseUrl: string,
  problems: string[],
): PlayerSource | undefined {
  const raw = attributes.src?.trim() ?? '';
  let type: string | undefined;
  if (attributes.type !== undefined && attributes.type.trim() !== '') {
    const given = attributes.type.trim();
    type = TYPE_SHORTHANDS.get(given.toLowerCase()) ?? given;
    if (!KNOWN_TYPES.has(type.split(';')[0]?.trim().toLowerCase() ?? '')) {
      problems.push(
        `data-type="${given}" ignored: expected hls, dash or an HLS/DASH MIME type; ` +
          'the type is guessed from the URL (.m3u8, .mpd).',
      );
      type = undefined;
    }
  }
  if (raw === '') {
    problems.push('data-src is missing: nothing to play (expected an .m3u8 or .mpd URL).');
    return undefined;
  }
  const src = resolveUrl(raw, baseUrl, ['http:', 'https:']);
  if (src === undefined) {
    problems.push(`data-src="${raw}" is not an http(s) URL: nothing to play.`);
    return undefined;
  }
  return type === undefined ? { src } : { src, type };
}

/** On/off attributes: present without a value, `on`, `true` or the attribute's name mean on. */
function readSwitch(
  attributes: EmbedAttributes,
  key: 'autoplay' | 'muted' | 'stats' | 'p2p',
  problem: (key: keyof EmbedAttributes, value: string, expected: string) => void,
): boolean | undefined {
  const raw = attributes[key];
  if (raw === undefined) return undefined;
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'on' || value === 'true' || value === key) return true;
  if (value === 'off' || value === 'false') return false;
  problem(key, raw, 'on or off');
  return undefined;
}

/** A comma-separated URL list; each URL with another scheme is reported and left out. */
function readUrlList(
  attributes: EmbedAttributes,
  key: 'trackers' | 'iceServers',
  schemes: readonly string[],
  problem: (key: keyof EmbedAttributes, value: string, expected: string) => void,
): string[] {
  const urls: string[] = [];
  for (const part of (attributes[key] ?? '').split(',')) {
    const url = part.trim();
    if (url === '') continue;
    if (resolveUrl(url, undefined, schemes) === undefined) {
      problem(key, url, `URLs starting with ${schemes.join(' or ')}`);
    } else urls.push(url);
  }
  return urls;
}

/** `url` made absolute against `baseUrl`, or undefined when it is not a URL with one of `schemes`. */
function resolveUrl(
  url: string,
  baseUrl: string | undefined,
  schemes: readonly string[],
): string | undefined {
  try {
    const parsed = baseUrl === undefined ? new URL(url) : new URL(url, baseUrl);
    return schemes.includes(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
