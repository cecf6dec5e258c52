/**
 * `p2p-media-loader/tracker`: the embedded WebSocket tracker (Node only).
 */
export {
  startTrackerServer,
  type TrackerServer,
  type TrackerServerOptions,
} from './tracker-server.js';
export type { TrackerStats } from './tracker-stats.js';
export {
  parseTrackerCliArgs,
  type TrackerCliCommand,
  DEFAULT_CLI_HOST,
  DEFAULT_CLI_PORT,
} from './cli-args.js';
