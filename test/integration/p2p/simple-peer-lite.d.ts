/** Just enough of `@thaunknown/simple-peer` (untyped) for the PeerConnection integration test. */
declare module '@thaunknown/simple-peer/lite.js' {
  /** A simple-peer instance: an RTCPeerConnection with one data channel, as a Duplex stream. */
  export default class Peer {
    constructor(options: { initiator?: boolean; trickle?: boolean; config?: RTCConfiguration });
    readonly destroyed: boolean;
    readonly _channel: RTCDataChannel | null;
    readonly _pc: RTCPeerConnection | null;
    signal(data: unknown): void;
    send(chunk: Uint8Array): void;
    destroy(): void;
    on(event: 'signal', listener: (data: unknown) => void): this;
    on(event: 'data', listener: (data: Uint8Array) => void): this;
    on(event: 'connect' | 'close', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    once(event: 'connect' | 'close', listener: () => void): this;
    once(event: 'error', listener: (error: Error) => void): this;
    off(event: 'data', listener: (data: Uint8Array) => void): this;
    off(event: 'connect' | 'close', listener: () => void): this;
    off(event: 'error', listener: (error: Error) => void): this;
  }
}
