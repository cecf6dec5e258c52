/** Reading small request bodies (control API JSON, later stats beacons) with a size cap. */
import type { IncomingMessage } from 'node:http';

/** The body was larger than allowed. */
export class RequestBodyTooLargeError extends Error {
  constructor(limitBytes: number) {
    super(`request body larger than ${limitBytes} bytes`);
    this.name = 'RequestBodyTooLargeError';
  }
}

/**
 * Reads the whole body of `request` as UTF-8 text.
 * @throws RequestBodyTooLargeError past `limitBytes` (default 64 KiB)
 */
export async function readBodyText(
  request: IncomingMessage,
  limitBytes = 64 * 1024,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new RequestBodyTooLargeError(limitBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
