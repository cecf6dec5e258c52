/**
 * Sends a {@link Reply} over a Node `ServerResponse`, reporting every body byte that actually
 * reached the socket, and optionally stalling (holding the connection open without sending) after
 * some bytes, to simulate a hung origin.
 */
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { bodyLength, type Reply } from './reply.js';

/** How to write a reply. */
export interface WriteReplyOptions {
  /** HEAD request: headers only. */
  readonly headOnly: boolean;
  /**
   * Stop sending after this many body bytes and keep the connection open, silent, until the client
   * gives up (or the server stops). Bodies no longer than this are sent whole.
   */
  readonly stallAfterBytes?: number;
  /**
   * Called with the size of each body chunk once the socket has accepted it (the write callback),
   * so aborted responses report what was really written, not what was queued.
   */
  readonly onBytesWritten: (byteCount: number) => void;
}

/** Resolves when `response` is closed (finished or aborted by the client). */
function whenClosed(response: ServerResponse): Promise<void> {
  if (response.closed) return Promise.resolve();
  return new Promise((resolve) => {
    response.once('close', () => {
      resolve();
    });
  });
}

/** Resolves on 'drain' or 'close', whichever comes first. */
function whenDrainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

async function* bodyChunks(reply: Reply): AsyncGenerator<Buffer> {
  const { body } = reply;
  if (body.kind === 'bytes') {
    yield body.bytes;
    return;
  }
  if (body.range.end <= body.range.start) return;
  // `end` of createReadStream is inclusive.
  const stream = createReadStream(body.filePath, {
    start: body.range.start,
    end: body.range.end - 1,
  });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}

/**
 * Writes `reply` to `response` (status, headers, Content-Length, body) and resolves once the
 * response is closed: fully sent, aborted by the client, or torn down by the server.
 */
export async function writeReply(
  response: ServerResponse,
  reply: Reply,
  options: WriteReplyOptions,
): Promise<void> {
  const closed = whenClosed(response);
  const length = bodyLength(reply.body);
  response.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(length) });
  if (options.headOnly || length === 0) {
    response.end();
    await closed;
    return;
  }

  let budget = options.stallAfterBytes ?? Infinity;
  const stalls = budget < length;
  if (stalls) response.flushHeaders(); // a stall at 0 bytes must still send the headers
  for await (const chunk of bodyChunks(reply)) {
    if (response.destroyed) break;
    const piece = chunk.length > budget ? chunk.subarray(0, budget) : chunk;
    if (piece.length > 0) {
      budget -= piece.length;
      const accepted = response.write(piece, (error) => {
        if (error == null) options.onBytesWritten(piece.length);
      });
      if (!accepted) await whenDrainedOrClosed(response);
    }
    if (budget === 0) break;
  }
  // A stalled response is left open; the client's timeout (or server stop) closes it.
  if (!stalls && !response.destroyed) response.end();
  await closed;
}
