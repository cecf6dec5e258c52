/**
 * The engine's configuration: one typed object with documented defaults. Users pass a partial
 * object; `resolveEngineConfig` merges it with the defaults once and validates every key, throwing a
 * `config-invalid` error that names the key and the allowed range.
 */
import type { ByteRange, Segment } from '../model/segment.js';
import type { TrackerList } from '../p2p/signalling/tracker-fleet.js';

/** What the request hook may change about an HTTP request before it is sent. */
export interface HttpRequestInit {
  /** URL to fetch (rewrite it to sign CDN URLs, switch CDNs, ...). */
  url: string;
  /** Request headers. `Range` is set by the engine for byte ranges and must not be overridden. */
  headers: Record<string, string>;
  /** `fetch` credentials mode. Default `'same-origin'`. */
  credentials: RequestCredentials;
}

/**
 * What an HTTP request is for: a media `segment`, or `integrity` (the origin's hash manifest, see
 * {@link EngineConfig.integrity}, or its detached signature).
 */
export type HttpRequestPurpose = 'segment' | 'integrity';

/** Context passed to the request hook. */
export interface HttpRequestContext {
  /**
   * The segment being fetched. For requests whose `purpose` is not `segment` a stand-in: its `url`
   * is the requested URL, its id and times are 0.
   */
  readonly segment: Segment;
  /** The byte range requested (the segment's own range, or the rest of it when completing a P2P download). */
  readonly byteRange?: ByteRange;
  /**
   * Set instead of `byteRange` when the engine asks for everything from this byte to the end of the
   * resource (completing a partial P2P download of a segment whose size only the origin can tell).
   */
  readonly fromByte?: number;
  /** Key of the segment's stream (empty for requests whose `purpose` is not `segment`). */
  readonly streamKey: string;
  /** What the request is for. Absent in hooks written for older versions means `segment`. */
  readonly purpose?: HttpRequestPurpose;
}

/**
 * Called before every HTTP request the engine makes; may change URL, headers and credentials.
 * May be async (e.g. to fetch a fresh CDN token). Throwing fails the request with `http-network`.
 */
export type HttpRequestHook = (
  request: HttpRequestInit,
  context: HttpRequestContext,
) => HttpRequestInit | Promise<HttpRequestInit>;

/**
 * What a viewer does with a segment its hash manifest does not list (or while the manifest cannot
 * be loaded): `strict` takes it from the origin only; `fallback` takes it from peers with the
 * checks used without trusted hashes (size, the sending peer's digest, container structure).
 */
export type IntegrityPolicy = 'strict' | 'fallback';

/**
 * Trusted segment hashes: the site publishes the SHA-256 of every segment (a hash manifest, see
 * docs/INTEGRITY.md), and bytes from peers are accepted only when they match.
 */
export interface IntegrityConfig {
  /**
   * URL of the hash manifest. A string is resolved against the stream's manifest URL (the URL
   * given to the player), so `'segments-sha256.json'` names a file next to the master playlist and
   * an absolute URL works as is. A function receives the stream's manifest URL and returns the
   * hash manifest's absolute URL (for query tokens, another host, one file per presentation...).
   * The request goes through `httpRequestHook` with `purpose: 'integrity'`.
   */
  hashManifestUrl: string | ((manifestUrl: string) => string);
  /**
   * The publisher's raw Ed25519 public key (32 bytes, base64 or hex). When set, the manifest is
   * trusted only with a valid detached signature at `<hash manifest URL>.sig`, so a manifest
   * changed on a CDN or in transit is refused. Default: none (trusted as the origin serves it).
   */
  publicKey?: string;
  /** See {@link IntegrityPolicy}. Default `'strict'`. */
  policy?: IntegrityPolicy;
}

/** Engine configuration. Every key has a default; see {@link DEFAULT_ENGINE_CONFIG}. */
export interface EngineConfig {
  // ---- HTTP ----
  /** Retries after a network error, idle timeout or 5xx/408/429 status. Integer 0..10. Default 3. */
  httpRetries: number;
  /** Delay before the first retry in ms; doubles on each further retry (with ±20 % jitter). 0..60000. Default 300. */
  httpRetryDelayMs: number;
  /** Fail an HTTP attempt when no bytes arrive for this long, in ms. 500..120000. Default 10000. */
  httpIdleTimeoutMs: number;
  /** Hook to add headers/credentials or rewrite URLs (signed CDN URLs). Default: none. */
  httpRequestHook: HttpRequestHook | undefined;

  // ---- segment store ----
  /** Memory the segment store may use, in bytes. 1 MiB..4 GiB. Default 64 MiB. */
  storeBudgetBytes: number;
  /** Live: segments ending more than this many seconds behind the playhead are dropped. 0..3600. Default 60. */
  liveEvictionMarginSeconds: number;

  // ---- P2P ----
  /** Turns P2P off entirely: HTTP only, no tracker connection. Default false. */
  p2pDisabled: boolean;
  /** Download from peers but never upload to them. Default: true on metered/cellular connections the browser reports, false elsewhere. */
  uploadDisabled: boolean | undefined;
  /**
   * WebTorrent trackers (ws:// or wss:// URLs). Non-empty unless p2pDisabled. Default: public trackers.
   *
   * Two forms:
   * - a list of URLs, `['wss://a', 'wss://b']`: every swarm is announced to all of them at once;
   * - a fleet, an array of groups, `[['wss://a1', 'wss://a2'], ['wss://b1']]`: each swarm uses ONE
   *   group (announced to all of that group's trackers, which must therefore hold the same swarms).
   *   The group is chosen per swarm by rendezvous hashing of the swarm's info hash with each group's
   *   URLs, so every viewer of a swarm picks the same group and adding or removing a group moves only
   *   the swarms that ranked it first. When every tracker of the group is failing (3 failed
   *   connection attempts each, or 15 s without an open socket), the swarm falls over to the next
   *   group in its order, and returns as soon as the preferred group answers an announce again.
   *   All viewers must be given the same groups (in any order); a URL may appear in one group only.
   *
   * A URL list equals a fleet of one group. Elements are all URLs or all groups, never mixed.
   */
  trackers: TrackerList;
  /** `RTCPeerConnection` configuration (ICE servers). Default: public STUN servers. */
  rtcConfig: RTCConfiguration;
  /** Swarm identity; default: the manifest URL without its query string. Set it for signed URLs and multi-CDN. */
  swarmId: string | undefined;
  /** Peers to connect to per stream swarm. 1..50. Default 12. */
  maxPeers: number;
  /**
   * For very large channels: the most members a stream's swarm should have before it splits into
   * sub-swarms. Default undefined: one swarm per stream, whatever its size. Otherwise an integer
   * >= 2 (well above `maxPeers`, e.g. 100, so peers still choose among many).
   *
   * When a tracker reports more members than this, a viewer moves one level down a binary tree of
   * sub-swarms, into the half its peer id hashes to (see core/p2p/swarm/sub-swarms.ts); viewers
   * start at the stream's ordinary swarm and move down only as far as the audience requires. Sub-
   * swarms keep around this many members or fewer; they do not merge back when an audience shrinks.
   * Viewers in different sub-swarms do not exchange segments. All viewers of a channel must use the
   * same value: it decides where they meet (docs/SWARM-IDENTITY.md, "Sub-swarms").
   */
  swarmPeerCap: number | undefined;
  /** Seconds ahead of the playhead the engine prefetches over P2P (VOD and live). 0..600. Default 60. */
  p2pPrefetchSeconds: number;
  /**
   * Seconds of slack kept for HTTP: a segment whose playback deadline is closer than this (plus the
   * time HTTP is expected to take for it) is fetched or completed over HTTP instead of waiting on
   * peers. 0.5..60. Default 1.5 (hls.js plays ~3 segments behind the live edge, so a new live segment
   * has 2-4 s of slack: a larger margin would send every live segment to HTTP).
   */
  httpSafetyMarginSeconds: number;
  /** A peer that sends no data for this long during a transfer is dropped from the choice, in ms. 200..60000. Default 2000. */
  peerIdleTimeoutMs: number;
  /** Concurrent uploads to peers. 0..50. Default 6. */
  maxConcurrentUploads: number;
  /** Upload rate limit in bytes/s; 0 = unlimited. Default 0. */
  uploadRateLimitBytesPerSecond: number;
  /**
   * Back off P2P work while the engine's thread runs late (a CPU-starved phone, a busy page): while
   * `strained` (smoothed timer lateness >= 50 ms) prefetch looks half as far ahead at half the pace
   * and half the upload slots are offered; while `starved` (>= 150 ms) there is no prefetch, new
   * upload requests are refused at once with ABSENT `busy` (peers turn to others) and no new peer
   * connection is offered. The player's own requests are never held back, and transfers already
   * running go on. The level is reported either way (`main-thread-load` event,
   * `getMainThreadLoad()`). Default true.
   */
  mainThreadBackoff: boolean;

  // ---- integrity ----
  /**
   * Trusted segment hashes (see {@link IntegrityConfig}). With them, every segment holding a byte
   * from a peer is checked against the origin's SHA-256 before the player sees it, and a peer whose
   * bytes differ from the origin's is banned. Default: undefined (no trusted hashes: segments from
   * peers pass size, digest and container checks, and peer bytes are never joined to origin bytes).
   */
  integrity: IntegrityConfig | undefined;
}

/** Public WebTorrent trackers used when none are configured. */
export const PUBLIC_TRACKERS: readonly string[] = [
  'wss://tracker.openwebtorrent.com',
  'wss://tracker.webtorrent.dev',
  'wss://tracker.files.fm:7073/announce',
];

/** Public STUN servers used when no `rtcConfig` is given. */
export const PUBLIC_STUN_SERVERS: RTCConfiguration = {
  iceServers: [
    { urls: 'stun:stun.l.google.com:19302' },
    { urls: 'stun:global.stun.twilio.com:3478' },
  ],
};

/** Defaults for every key of {@link EngineConfig}. */
export const DEFAULT_ENGINE_CONFIG: Readonly<EngineConfig> = {
  httpRetries: 3,
  httpRetryDelayMs: 300,
  httpIdleTimeoutMs: 10_000,
  httpRequestHook: undefined,
  storeBudgetBytes: 64 * 1024 * 1024,
  liveEvictionMarginSeconds: 60,
  p2pDisabled: false,
  uploadDisabled: undefined,
  trackers: PUBLIC_TRACKERS,
  rtcConfig: PUBLIC_STUN_SERVERS,
  swarmId: undefined,
  maxPeers: 12,
  swarmPeerCap: undefined,
  p2pPrefetchSeconds: 60,
  httpSafetyMarginSeconds: 1.5,
  peerIdleTimeoutMs: 2000,
  maxConcurrentUploads: 6,
  uploadRateLimitBytesPerSecond: 0,
  mainThreadBackoff: true,
  integrity: undefined,
};
