/**
 * A small real HTTP origin on 127.0.0.1 for the hls.js adapter's unit tests: playlists and segment
 * bytes from in-memory maps, Range support, a throttled route, a route that never answers, and a
 * log of every request (with whether the client went away before the answer was complete).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the origin received. */
export interface OriginRequest {
  readonly path: string;
  readonly range: string | undefined;
  /** True when the client closed the connection before the response was complete. */
  closedEarly: boolean;
}

/** A resource: a playlist (text), bytes, or a function of the request count (live playlists). */
export type OriginResource =
  | { readonly kind: 'text'; readonly body: string | ((requestCount: number) => string) }
  | { readonly kind: 'bytes'; readonly body: Buffer; readonly throttleBytesPerSecond?: number }
  | { readonly kind: 'stall' };

/** Deterministic pseudo-random bytes, different for every `seed`. */
export function testBytes(seed: string, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 2166136261;
  for (const char of seed) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** The running origin. */
export class TestOrigin {
  readonly requests: OriginRequest[] = [];
  private readonly resources = new Map<string, OriginResource>();
  private readonly requestCounts = new Map<string, number>();
  private readonly server: Server;
  private readonly openResponses = new Set<ServerResponse>();

  private constructor() {
    this.server = createServer((request, response) => {
      this.handle(request, response);
    });
  }

  /** Starts an origin on an ephemeral port of 127.0.0.1. */
  static async start(): Promise<TestOrigin> {
    const origin = new TestOrigin();
    await new Promise<void>((resolve) => origin.server.listen(0, '127.0.0.1', resolve));
    return origin;
  }

  /** `http://127.0.0.1:<port>` */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Absolute URL of `path`. */
  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** Serves `resource` at `path` (without query). */
  set(path: string, resource: OriginResource): void {
    this.resources.set(path, resource);
  }

  /** Requests received for `path`. */
  requestsFor(path: string): OriginRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Closes the server and every connection still open. */
  async close(): Promise<void> {
    for (const response of this.openResponses) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', this.baseUrl).pathname;
    const entry: OriginRequest = { path, range: request.headers.range, closedEarly: false };
    this.requests.push(entry);
    this.openResponses.add(response);
    response.on('close', () => {
      this.openResponses.delete(response);
      if (!response.writableFinished) entry.closedEarly = true;
    });
    response.setHeader('Access-Control-Allow-Origin', '*');
    const count = (this.requestCounts.get(path) ?? 0) + 1;
    this.requestCounts.set(path, count);
    const resource = this.resources.get(path);
    if (!resource) {
      response.writeHead(404).end('not found');
      return;
    }
    if (resource.kind === 'stall') {
      response.writeHead(200, { 'Content-Type': 'video/mp2t' });
      response.flushHeaders();
      return;
    }
    if (resource.kind === 'text') {
      const body = typeof resource.body === 'string' ? resource.body : resource.body(count);
      response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl' }).end(body);
      return;
    }
    this.sendBytes(request, response, resource.body, resource.throttleBytesPerSecond);
  }

  private sendBytes(
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    throttleBytesPerSecond: number | undefined,
  ): void {
    let bytes = body;
    const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    if (match) {
      const start = Number(match[1]);
      const end = Number(match[2]) + 1;
      bytes = body.subarray(start, end);
      response.writeHead(206, {
        'Content-Type': 'video/mp2t',
        'Content-Length': bytes.length,
        'Content-Range': `bytes ${start}-${end - 1}/${body.length}`,
      });
    } else {
      response.writeHead(200, { 'Content-Type': 'video/mp2t', 'Content-Length': bytes.length });
    }
    if (!throttleBytesPerSecond) {
      response.end(bytes);
      return;
    }
    const chunkBytes = Math.max(1, Math.round(throttleBytesPerSecond / 50));
    let offset = 0;
    const timer = setInterval(() => {
      if (response.destroyed) {
        clearInterval(timer);
        return;
      }
      const chunk = bytes.subarray(offset, offset + chunkBytes);
      offset += chunk.length;
      if (offset >= bytes.length) {
        clearInterval(timer);
        response.end(chunk);
      } else {
        response.write(chunk);
      }
    }, 20);
  }
}
