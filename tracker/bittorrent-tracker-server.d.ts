// Types for the parts of bittorrent-tracker's server (v11, plain JavaScript) that the embedded tracker
// uses. Internal to tracker: no exported declaration of this package refers to them.
declare module 'bittorrent-tracker/server' {
  import type { EventEmitter } from 'node:events';
  import type { Server as HttpServer } from 'node:http';

  /** A server-side socket of package `ws` 8 (untyped here: no @types/ws). */
  export interface WsSocket {
    ping(): void;
    terminate(): void;
    /** Sends a text frame; a socket that is not open reports the failure to `callback`, never throws. */
    send(data: string, callback?: (error?: Error) => void): void;
    close(code?: number, reason?: string): void;
    /** Bytes queued to send and not yet handed to the kernel (grows while the client does not read). */
    readonly bufferedAmount: number;
    on(event: 'pong' | 'close', listener: () => void): this;
    on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
    on(event: 'error', listener: (error: Error & { code?: string }) => void): this;
    removeListener(event: 'message', listener: (...args: never[]) => void): this;
    /**
     * bittorrent-tracker's own 'message' listener, set by `onWebSocketConnection` and removed (and
     * nulled) when the socket closes. Parses a text frame and handles it.
     */
    onMessageBound?: ((data: Buffer | string) => void) | null;
    /**
     * bittorrent-tracker's list of the swarms (hex info hashes) the socket announced in, set when
     * the socket connects, grown by every announce (a 'stopped' included), never shrunk, and
     * walked when the socket closes; null after the close.
     */
    infoHashes?: string[] | null;
  }

  interface WebSocketServer {
    on(
      event: 'connection',
      listener: (socket: WsSocket, request: import('node:http').IncomingMessage) => void,
    ): this;
  }

  /** One peer entry of a swarm (WebSocket peers carry their socket). */
  interface SwarmPeer {
    type: 'http' | 'udp' | 'ws';
    peerId: string;
    complete: boolean;
  }

  /** The swarm's peer cache (package `lru`): `keys` lists ids; `peek` drops an expired entry. */
  interface SwarmPeerCache {
    readonly keys: string[];
    peek(peerId: string): SwarmPeer | undefined;
  }

  interface Swarm {
    readonly infoHash: string;
    readonly peers: SwarmPeerCache;
  }

  interface ServerOptions {
    /** Announce interval told to clients, in ms (WebSocket clients get a fifth of it). */
    interval?: number;
    http?: boolean | object;
    udp?: boolean | object;
    ws?: boolean | Record<string, unknown>;
    stats?: boolean;
    trustProxy?: boolean;
    filter?: (infoHash: string, params: unknown, callback: (error?: Error | null) => void) => void;
  }

  export default class Server extends EventEmitter {
    constructor(options?: ServerOptions);
    /** Swarms by hex info hash; never pruned by the package itself. */
    torrents: Record<string, Swarm | undefined>;
    /** The HTTP server (created for WebSocket upgrades when `http: false`). */
    http: HttpServer | null;
    ws: WebSocketServer | null;
    listening: boolean;
    destroyed: boolean;
    listen(port: number, hostname?: string, onListening?: () => void): void;
    close(callback?: (error?: Error | null) => void): void;
  }
}
