/**
 * `p2p-media-loader/tracker`: the embedded WebSocket tracker (Node only).
 */
export {
  startTrackerServer,
  type TrackerServer,
  type TrackerServerOptions,
} from './tracker-server.js';
export type { TrackerStats } from './tracker-stats.js';
export type { TrackerCounts } from './tracker-metrics.js';
export { TRACKER_METRICS } from './tracker-metrics.js';
export { MAX_UNREAD_REPLY_BYTES } from './message-guard.js';
export { REFUSAL_REASONS, type RefusalReason } from './refusal.js';
export {
  DEFAULT_ANNOUNCE_BURST,
  DEFAULT_ANNOUNCES_PER_SECOND,
  DEFAULT_MAX_INFO_HASHES_PER_SOCKET,
  DEFAULT_MAX_SOCKETS_PER_IP,
} from './socket-policy.js';
export {
  MAX_NUMWANT,
  MAX_OFFERS_PER_ANNOUNCE,
  MAX_SCRAPE_INFO_HASHES,
  MAX_SDP_CHARS,
} from './message-validation.js';
export {
  parseTrackerCliArgs,
  type TrackerCliCommand,
  type TrackerCliLimits,
  DEFAULT_CLI_HOST,
  DEFAULT_CLI_PORT,
} from './cli-args.js';
