/* global window */
// Loaded by clappr.html before any player or P2P script: follows what a P2P plugin can leave
// running after a source change or `player.destroy()`. Peer connections and WebSockets are counted
// while open; intervals only when created with our bundle on the stack (Clappr and hls.js run
// timers of their own). window.__leaks.read() → { openPeers, connectedPeers, openSockets,
// ourIntervals, ourIntervalPeriodsMs }.
'use strict';

(function installLeakProbe() {
  const peers = new Set();
  const sockets = new Set();
  const intervals = new Map();
  const OUR_BUNDLE = 'p2p-media-loader-clappr';

  const NativePeerConnection = window.RTCPeerConnection;
  if (NativePeerConnection) {
    window.RTCPeerConnection = class ProbedPeerConnection extends NativePeerConnection {
      constructor(...args) {
        super(...args);
        peers.add(this);
      }
    };
  }
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class ProbedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      sockets.add(this);
    }
  };
  const nativeSetInterval = window.setInterval.bind(window);
  const nativeClearInterval = window.clearInterval.bind(window);
  window.setInterval = function probedSetInterval(handler, ms, ...rest) {
    const id = nativeSetInterval(handler, ms, ...rest);
    intervals.set(id, { stack: String(new Error().stack), ms: Number(ms) || 0 });
    return id;
  };
  window.clearInterval = function probedClearInterval(id) {
    intervals.delete(id);
    nativeClearInterval(id);
  };

  window.__leaks = {
    read() {
      const ours = [...intervals.values()].filter((interval) =>
        interval.stack.includes(OUR_BUNDLE),
      );
      return {
        // Not closed: connected ones and unanswered offers (a tracker client keeps a few ready).
        openPeers: [...peers].filter((peer) => peer.connectionState !== 'closed').length,
        // Connected (or connecting) to another viewer.
        connectedPeers: [...peers].filter(
          (peer) => peer.connectionState === 'connected' || peer.connectionState === 'connecting',
        ).length,
        openSockets: [...sockets].filter(
          (socket) =>
            socket.readyState === NativeWebSocket.CONNECTING ||
            socket.readyState === NativeWebSocket.OPEN,
        ).length,
        ourIntervals: ours.length,
        // Periods say which timer it is when one is left behind.
        ourIntervalPeriodsMs: ours.map((interval) => interval.ms),
      };
    },
  };
})();
