/**
 * bittorrent-tracker's own Server, WebSocket only and unwrapped (no message checks, no limits), as
 * the bench's baseline target: `node --import tsx scripts/bench-tracker/target-bittorrent-tracker.ts`.
 * Prints `tracker: ws://127.0.0.1:PORT` once listening (the line the embedded tracker's CLI
 * prints too) and stops on SIGTERM or SIGINT. Its options are the package's defaults except that
 * HTTP and UDP announces and the stats page are off, as in our embedded tracker.
 */
import type { AddressInfo } from 'node:net';

import Server from 'bittorrent-tracker/server';

const server = new Server({ http: false, udp: false, stats: false, ws: true });
// The package's clients and ours are noisy about peers that vanished; a baseline must not die of it.
server.on('warning', () => undefined);
server.on('error', (error: Error) => {
  console.error(`bittorrent-tracker: ${error.message}`);
  process.exit(1);
});
server.listen(0, '127.0.0.1', () => {
  const port = (server.http?.address() as AddressInfo).port;
  console.log(`tracker: ws://127.0.0.1:${port}`);
});

const stop = (): void => {
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  server.close(() => {
    console.log('stopped');
    process.exit(0);
  });
  // Open WebSockets keep the HTTP server's close waiting; they are the bench's own peers.
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
