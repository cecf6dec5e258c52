// Browsers have WebRTC built in: hand simple-peer the page's own classes.
const scope = globalThis;
export const RTCPeerConnection = scope.RTCPeerConnection;
export const RTCSessionDescription = scope.RTCSessionDescription;
export const RTCIceCandidate = scope.RTCIceCandidate;
export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate };
