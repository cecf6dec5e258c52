// The part of package `ws` 8 (installed with bittorrent-tracker; no @types/ws) the tracker tests use.
declare module 'ws' {
  import type { EventEmitter } from 'node:events';

  export default class WebSocket extends EventEmitter {
    constructor(url: string);
    readonly readyState: number;
    send(
      data: string | Buffer,
      options?: { binary?: boolean },
      callback?: (error?: Error) => void,
    ): void;
    close(code?: number): void;
    terminate(): void;
    on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
    on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    on(event: 'open', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }
}
