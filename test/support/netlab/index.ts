/**
 * The network lab (docs/NETLAB.md): network namespaces standing for the internet, a servers host
 * and viewers behind their own NAT routers, with per-viewer rate limits and packet loss, and coturn
 * for STUN and TURN. Entry points: {@link createNetLab}, {@link cleanupStaleLabs},
 * {@link netLabSupport}; helper child programs (net-probe.ts, wrtc-peer.ts) are driven through
 * {@link JsonLinesChild}.
 */
export {
  NetLabError,
  netLabSupport,
  type NetLabErrorCode,
  type NetLabSupport,
  type CommandOutput,
} from './commands.js';
export { createNetLab, type LabServers, type LabViewer, type NetLab } from './lab.js';
export { cleanupStaleLabs, listLabs, LAB_NAME_PREFIX, type LabRecord } from './registry.js';
export {
  DEFAULT_QUEUE_MS,
  INTERNET_GATEWAY_ADDRESS,
  MAX_VIEWERS,
  NAT_KINDS,
  TURN_PORT,
  validateNetLabSpec,
  type NatKind,
  type NetLabSpec,
  type TurnSpec,
  type ViewerSpec,
} from './spec.js';
export type { LabIceServer, LabTurnServer } from './turn.js';
export {
  JsonLinesChild,
  NET_PROBE_SCRIPT,
  REPOSITORY_ROOT,
  WRTC_PEER_SCRIPT,
  type ChildMessage,
} from './json-lines-child.js';
