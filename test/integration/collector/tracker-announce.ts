/**
 * A viewer's announce to the tracker over a hand-made WebSocket (RFC 6455 client frames), so a
 * test can put peers in a swarm without WebRTC. The socket stays open until the test destroys it.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** A masked client text frame (RFC 6455 §5.2), for payloads under 64 KiB. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const mask = Buffer.from([7, 1, 9, 3]);
  const masked = payload.map((byte, index) => byte ^ (mask[index % 4] ?? 0));
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, mask, masked]);
}

/** Opens a WebSocket to the tracker on `port` and announces `peerId` (20 chars) in `infoHash`. */
export async function announceToTracker(
  port: number,
  infoHash: string,
  peerId: string,
): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    'GET /announce HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const [response] = (await once(socket, 'data')) as [Buffer];
  if (!response.toString('latin1').startsWith('HTTP/1.1 101')) {
    socket.destroy();
    throw new Error(`tracker refused the WebSocket: ${response.toString('latin1').slice(0, 80)}`);
  }
  socket.write(
    textFrame(
      JSON.stringify({
        action: 'announce',
        info_hash: infoHash,
        peer_id: peerId,
        numwant: 0,
        event: 'started',
        uploaded: 0,
        downloaded: 0,
        left: 0,
      }),
    ),
  );
  return socket;
}
