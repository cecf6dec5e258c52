// Types for bittorrent-tracker's WebSocket tracker client (v11, plain JavaScript), the one part of
// the package that TrackerSignalling builds on. Internal to core/p2p/signalling: no exported
// declaration of this package refers to them. The underscored members are the package's internal
// hooks that tracker-connection.ts relies on (see the comment there); keep the two files in step.
declare module 'bittorrent-tracker/websocket-tracker' {
  /** Options of one announce; the package sends at most five offers whatever `numwant` says. */
  export interface AnnounceOptions {
    numwant: number;
    uploaded: number;
    downloaded: number;
    event?: 'started' | 'stopped' | 'completed';
  }

  /**
   * What a WebSocketTracker expects of its owning client (normally bittorrent-tracker's Client).
   * `emit` receives 'peer' (a simple-peer instance whose `id` is the remote peer id in hex),
   * 'warning' (Error), 'update' (announce response with `complete`/`incomplete`) and 'scrape'.
   */
  export interface WebSocketTrackerClient {
    readonly infoHash: string;
    readonly _infoHashBinary: string;
    readonly _peerIdBinary: string;
    readonly _rtcConfig: RTCConfiguration | undefined;
    readonly _wrtc: undefined;
    readonly _proxyOpts: undefined;
    _defaultAnnounceOpts(options?: Partial<AnnounceOptions>): AnnounceOptions;
    emit(event: string, payload: unknown): void;
  }

  /** An announce response or a forwarded offer/answer, as the tracker sent it (JSON). */
  export interface AnnounceResponse {
    readonly info_hash?: unknown;
    readonly peer_id?: unknown;
    readonly offer?: unknown;
    readonly [key: string]: unknown;
  }

  export default class WebSocketTracker {
    constructor(client: WebSocketTrackerClient, announceUrl: string);
    readonly client: WebSocketTrackerClient;
    readonly announceUrl: string;
    destroyed: boolean;
    /** Sends an announce (with fresh offers unless stopping); waits for the socket to connect. */
    announce(options: AnnounceOptions): void;
    /** Destroys pending offers and releases the (pooled) socket; `callback` runs once it closed. */
    destroy(callback?: (error?: Error | null) => void): void;
    /** Starts the package's own announce timer (called with the tracker's suggested interval). */
    setInterval(intervalMs?: number): void;
    /**
     * The WebSocket (simple-websocket), pooled: every tracker of one URL in the page or process
     * shares it. Null once destroyed.
     */
    socket: {
      readonly connected: boolean;
      listeners(event: 'connect'): unknown[];
      once(event: 'connect', listener: () => void): void;
    } | null;
    /** `_onSocketConnect` bound to this tracker; set by `_openSocket`, removed again by `destroy`. */
    _onSocketConnectBound: () => void;
    /**
     * Takes the pooled socket of `announceUrl` or opens it (called by the constructor). Only the
     * socket's creator listens for its 'connect'; a tracker that joins a pooled socket already
     * connected gets `_onSocketConnect` at once, one that joins it while still connecting never.
     */
    _openSocket(): void;
    /** Runs when the socket connects (or at once when a pooled socket is already connected). */
    _onSocketConnect(): void;
    _onSocketError(error: Error): void;
    _onSocketClose(): void;
    _startReconnectTimer(): void;
    /** Handles one message of the tracker: swarm size, a remote offer (creates a peer), an answer. */
    _onAnnounceResponse(data: AnnounceResponse): void;
  }
}
