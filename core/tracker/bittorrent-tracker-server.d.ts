// Types for the parts of bittorrent-tracker's server (v11, plain JavaScript) that the embedded tracker
// uses. Internal to core/tracker: no exported declaration of this package refers to them.
declare module 'bittorrent-tracker/server' {
  import type { EventEmitter } from 'node:events';
  import type { Server as HttpServer } from 'node:http';

  /** A server-side socket of package `ws` (untyped here: no @types/ws). */
  export interface WsSocket {
    ping(): void;
    terminate(): void;
    on(event: 'pong' | 'close', listener: () => void): this;
  }

  interface WebSocketServer {
    on(event: 'connection', listener: (socket: WsSocket) => void): this;
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
