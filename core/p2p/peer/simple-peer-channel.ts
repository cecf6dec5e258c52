/**
 * Adapts a `@thaunknown/simple-peer` instance (connected) to {@link PeerChannel}. simple-peer is a
 * Duplex stream over one RTCDataChannel; its stream-level back-pressure hides `bufferedAmount`, so
 * the adapter reads the data channel (`_channel`) and SCTP transport (`_pc.sctp`) directly, and the
 * RTCPeerConnection's stats (`_pc.getStats`) for the connection's path (see connection-path.ts).
 */
import { readConnectionPath } from './connection-path.js';
import type { PeerChannel } from './peer-channel.js';

/**
 * The parts of a simple-peer instance the adapter uses. `_channel` and `_pc` are simple-peer
 * internals (stable since simple-peer 9): the RTCDataChannel and the RTCPeerConnection.
 */
export interface SimplePeerLike {
  send(chunk: Uint8Array): void;
  destroy(): void;
  on(event: 'data', listener: (data: Uint8Array) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'data', listener: (data: Uint8Array) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  /** True once destroyed. */
  readonly destroyed?: boolean;
  /** simple-peer's `_channel.bufferedAmount` shortcut, used when `_channel` is not exposed. */
  readonly bufferSize?: number;
  readonly _channel?: RTCDataChannel | null;
  readonly _pc?: RTCPeerConnection | null;
}

/** ICE states in which the connection carries packets over a selected candidate pair. */
const CONNECTED_ICE_STATES: ReadonlySet<string> = new Set(['connected', 'completed']);

/** When the SCTP transport does not say, assume the size every browser handles. */
const FALLBACK_MAX_MESSAGE_SIZE = 16 * 1024;

/** Wraps connected simple-peer `peer` as a {@link PeerChannel}. */
export function simplePeerChannel(peer: SimplePeerLike): PeerChannel {
  const onError = (): void => {
    // simple-peer destroys itself after an error and then emits 'close', which the connection
    // handles; listening here only keeps an unhandled 'error' from being thrown by the emitter.
  };
  peer.on('error', onError);
  return {
    send(data) {
      peer.send(data);
    },
    // simple-peer hands `data` straight to RTCDataChannel.send, which copies it before returning.
    copiesOnSend: true,
    get bufferedAmount() {
      return peer._channel?.bufferedAmount ?? peer.bufferSize ?? 0;
    },
    get maxMessageSize() {
      const size = peer._pc?.sctp?.maxMessageSize;
      return typeof size === 'number' && size > 0 ? size : FALLBACK_MAX_MESSAGE_SIZE;
    },
    onMessage(listener) {
      const onData = (data: Uint8Array): void => {
        listener(data);
      };
      peer.on('data', onData);
      return () => {
        peer.off('data', onData);
      };
    },
    onBufferedAmountLow(listener) {
      // addEventListener, not `onbufferedamountlow`: simple-peer owns that property. Without the
      // channel, PeerConnection's drain poll still resumes sending.
      const channel = peer._channel;
      if (!channel) return () => undefined;
      const onLow = (): void => {
        listener();
      };
      channel.addEventListener('bufferedamountlow', onLow);
      return () => {
        channel.removeEventListener('bufferedamountlow', onLow);
      };
    },
    onClose(listener) {
      // simple-peer does not always emit 'close': when the REMOTE side closes, it tears itself down
      // through its own path, which streamx never completes, so 'close' never comes (seen with
      // @thaunknown/simple-peer 10.1 on @roamhq/wrtc). The data channel's own 'close' event does.
      let fired = false;
      const onClose = (): void => {
        if (fired) return;
        fired = true;
        listener();
      };
      const channel = peer._channel;
      peer.on('close', onClose);
      channel?.addEventListener('close', onClose);
      if (peer.destroyed === true || channel === null || channel?.readyState === 'closed') {
        queueMicrotask(onClose);
      }
      return () => {
        fired = true;
        peer.off('close', onClose);
        channel?.removeEventListener('close', onClose);
      };
    },
    readPath() {
      const connection = peer._pc;
      if (!connection) return Promise.resolve('unknown');
      return readConnectionPath(connection);
    },
    onPathMayChange(listener) {
      // addEventListener, not `oniceconnectionstatechange`: simple-peer owns that property. Only a
      // return to a connected state after a lapse can change the pair (a reconnect or an ICE
      // restart); 'connected' -> 'completed' keeps it, so that step is not reported.
      const connection = peer._pc;
      if (!connection) return () => undefined;
      let wasConnected = CONNECTED_ICE_STATES.has(connection.iceConnectionState);
      const onStateChange = (): void => {
        const connected = CONNECTED_ICE_STATES.has(connection.iceConnectionState);
        if (connected && !wasConnected) listener();
        wasConnected = connected;
      };
      connection.addEventListener('iceconnectionstatechange', onStateChange);
      return () => {
        connection.removeEventListener('iceconnectionstatechange', onStateChange);
      };
    },
    close() {
      peer.off('error', onError);
      peer.destroy();
    },
  };
}
