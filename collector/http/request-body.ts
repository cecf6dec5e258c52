/** Reading a request body with a size cap, without buffering past it. */
import type { IncomingMessage } from 'node:http';

/** The body, or `undefined` when it passed `limitBytes` (reading stops there). */
export async function readLimitedBody(
  request: IncomingMessage,
  limitBytes: number,
): Promise<string | undefined> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limitBytes) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
