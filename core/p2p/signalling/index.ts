/**
 * Tracker signalling: finding the peers of a swarm through WebTorrent trackers (browser and Node).
 */
export {
  TrackerSignalling,
  type TrackerSignallingEvents,
  type TrackerSignallingOptions,
} from './tracker-signalling.js';
export type { SimplePeer } from './simple-peer.js';
export { createPeerId, isTwentyByteHex } from './peer-id.js';
export {
  DEFAULT_ANNOUNCE_INTERVAL_MS,
  DEFAULT_FEW_PEERS_ANNOUNCE_INTERVAL_MS,
  MAX_OFFERS_PER_ANNOUNCE,
} from './announce-policy.js';
