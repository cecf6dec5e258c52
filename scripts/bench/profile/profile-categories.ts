/**
 * Sorts a CPU profile's self time into the categories issue 16 (item 5) asks about: protocol
 * encode/decode, map/announce traffic, upload/send, hashing, timers, WebRTC/signalling, the rest
 * of the engine, hls.js, GC and V8's `(program)`. Used by profile-page.ts; a pure function of a
 * profile node's mapped source file, its function name and its callers (natives such as
 * `RTCDataChannel.send` or `digest` go to the category of the nearest caller of ours).
 */

/** A profile frame after source mapping: `file` is a repository path or a short URL. */
export interface ProfileFrame {
  /** The function name, or `(anonymous)`, `(program)`, `(garbage collector)`. */
  readonly functionName: string;
  /** Source file mapped through the bundle's source map, or the script URL, or `(native)`. */
  readonly file: string;
}

/** Categories by source file of our code, first match wins. */
const FILE_CATEGORIES: readonly (readonly [RegExp, string])[] = [
  [/^core\/p2p\/integrity\/|^core\/engine\/trusted-hashes/, 'hashing'],
  [
    /^core\/p2p\/(protocol\/(split-map|segment-id-ranges)|peer\/(remote-segment-map|segment-id-set)|swarm\/digest-book)/,
    'map/announce',
  ],
  [/^core\/p2p\/protocol\//, 'protocol encode/decode'],
  [
    /^core\/p2p\/(peer\/(chunk-sender|served-requests|token-bucket)|swarm\/upload-limiter)/,
    'upload/send',
  ],
  [/^core\/p2p\/(signalling\/|peer\/(simple-peer-channel|connection-path))/, 'webrtc/signalling'],
  [/^core\/p2p\//, 'engine p2p (other)'],
  [/^core\//, 'engine (other)'],
  [/^(adapters|plugins)\//, 'adapter/plugin'],
  // Peer connection set-up and teardown, tracker messages (simple-peer's destroy closes the
  // RTCPeerConnection from a timer of its own).
  [
    /node_modules\/(@thaunknown\/simple-(peer|websocket)|bittorrent-tracker)\//,
    'webrtc/signalling',
  ],
  [/hls\.js|hls\.mjs|node_modules\/hls/, 'hls.js'],
];

/** Natives whose cost belongs to a category whatever calls them. */
const NATIVE_CATEGORIES: ReadonlyMap<string, string> = new Map([
  ['setTimeout', 'timers'],
  ['clearTimeout', 'timers'],
  ['setInterval', 'timers'],
  ['clearInterval', 'timers'],
  ['(garbage collector)', 'GC'],
  ['(program)', '(program)'],
]);

function fileCategory(file: string): string | undefined {
  for (const [pattern, category] of FILE_CATEGORIES) if (pattern.test(file)) return category;
  return undefined;
}

/**
 * The category of a frame's self time.
 *
 * @param frame - the frame the sample's time is in
 * @param callers - its callers, nearest first (`functionName` may include the mapped position)
 * @returns e.g. `hashing`, `timers`, `GC`, `hls.js`, or `native: <name>` / `other: <file>`
 */
export function categoryOf(frame: ProfileFrame, callers: readonly ProfileFrame[]): string {
  const native = NATIVE_CATEGORIES.get(frame.functionName);
  if (native !== undefined) return native;
  const own = fileCategory(frame.file);
  if (own !== undefined) return own;
  // A native or a library frame: charge it to the nearest caller whose file we know.
  for (const caller of callers) {
    const category = fileCategory(caller.file);
    if (category !== undefined) return category;
  }
  return frame.file === '(native)' ? `native: ${frame.functionName}` : `other: ${frame.file}`;
}
