// Node has no WebRTC: use @roamhq/wrtc (prebuilt binaries from the registry, no download at install).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');
export const RTCPeerConnection = wrtc.RTCPeerConnection;
export const RTCSessionDescription = wrtc.RTCSessionDescription;
export const RTCIceCandidate = wrtc.RTCIceCandidate;
export default wrtc;
