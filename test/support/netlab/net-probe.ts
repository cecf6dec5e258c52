/**
 * A small network probe run as a child process inside a lab namespace (see json-lines-child.ts):
 * UDP sockets that send, count and reflect (a STUN-like reflector answers `probe…` datagrams with
 * `mapped <address>:<port>`, the sender's address as this host sees it), and TCP bulk senders and
 * receivers that measure how many bytes pass in a time window. Tests use it to check what NAT
 * mappings, filtering, loss and rate limits the lab really produces.
 *
 * Commands (stdin, one JSON object per line, each with an `id`; the reply carries the same `id` and
 * `ok`):
 * - `udp-bind {socket, address?, port?, reflect?, report?}` → `{port}`. `report`: emit each datagram
 *   as an `udp-message {socket, from, text}` event (default true).
 * - `udp-send {socket, host, port, text, count?}` → `{sent}`, paced (batches of 20 every 2 ms) so
 *   socket buffers do not drop what the test means the lab to drop.
 * - `udp-count {socket}` → `{received, lastFrom, bufferDrops}` (`address:port` of the last sender;
 *   `bufferDrops`: datagrams that reached this host for this socket and were dropped because its
 *   receive buffer was full, i.e. this process was not scheduled in time).
 * - `tcp-listen {server, address, port, mode: 'sink'|'source', windowMs?}` → `{port}`; a sink
 *   emits `tcp-window {server, bytes, elapsedMs}` per connection.
 * - `tcp-connect {host, port, mode: 'sink'|'source', windowMs?}` → for a sink `{bytes, elapsedMs}`
 *   once its window closes; for a source once the other side closed.
 *
 * A sink counts bytes from its first byte for `windowMs` (default 1500) and then closes the
 * connection; a source writes as fast as TCP lets it until the connection closes (at most 15 s).
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';

type Command = Record<string, unknown> & { id: number; op: string };

const sockets = new Map<
  string,
  { socket: dgram.Socket; received: number; lastFrom: string | null }
>();
const servers = new Map<string, net.Server>();
const SOURCE_LIMIT_MS = 15_000;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/**
 * Datagrams the kernel dropped for the UDP socket bound to `port` in this network namespace
 * (the `drops` column of /proc/net/udp, which is per namespace): its receive buffer was full.
 */
function udpSocketDrops(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(`:${hexPort}`)) drops += Number(fields.at(-1) ?? 0);
  }
  return drops;
}

function emit(message: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function text(command: Command, key: string): string {
  const value = command[key];
  if (typeof value !== 'string') throw new Error(`${key} must be a string`);
  return value;
}

function number(command: Command, key: string, fallback?: number): number {
  const value = command[key] ?? fallback;
  if (typeof value !== 'number') throw new Error(`${key} must be a number`);
  return value;
}

/**
 * Counts bytes for `windowMs` from the first byte, then closes; resolves with the count and the
 * real time from the first byte to the close (a busy machine fires the timer late).
 */
function sink(
  connection: net.Socket,
  windowMs: number,
): Promise<{ bytes: number; elapsedMs: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    let firstByteAt = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      connection.destroy();
      resolve({ bytes, elapsedMs: firstByteAt === 0 ? 0 : performance.now() - firstByteAt });
    };
    connection.on('data', (data: Buffer) => {
      bytes += data.length;
      if (timer === undefined) {
        firstByteAt = performance.now();
        timer = setTimeout(finish, windowMs);
      }
    });
    connection.on('error', finish);
    connection.on('close', finish);
  });
}

/** Writes until the connection closes (or the safety limit); resolves with the bytes written. */
function source(connection: net.Socket): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    let done = false;
    const limit = setTimeout(() => connection.destroy(), SOURCE_LIMIT_MS);
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(limit);
      resolve(written);
    };
    const pump = (): void => {
      while (!done && !connection.destroyed) {
        written += CHUNK.length;
        if (!connection.write(CHUNK)) {
          connection.once('drain', pump);
          return;
        }
      }
    };
    connection.on('error', () => connection.destroy());
    connection.on('close', finish);
    pump();
  });
}

async function udpSend(command: Command): Promise<number> {
  const entry = sockets.get(text(command, 'socket'));
  if (entry === undefined) throw new Error('unknown socket');
  const count = number(command, 'count', 1);
  const host = text(command, 'host');
  const port = number(command, 'port');
  const payload = text(command, 'text');
  for (let sent = 0; sent < count; sent++) {
    entry.socket.send(payload, port, host);
    if (sent % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return count;
}

async function handle(command: Command): Promise<Record<string, unknown>> {
  switch (command.op) {
    case 'udp-bind': {
      const name = text(command, 'socket');
      const socket = dgram.createSocket('udp4');
      const entry = { socket, received: 0, lastFrom: null as string | null };
      const reflect = command.reflect === true;
      const report = command.report !== false;
      socket.on('message', (data, remote) => {
        entry.received++;
        const body = data.toString('utf8');
        const from = `${remote.address}:${remote.port}`;
        entry.lastFrom = from;
        if (report) emit({ event: 'udp-message', socket: name, from, text: body });
        if (reflect && body.startsWith('probe'))
          socket.send(`mapped ${from}`, remote.port, remote.address);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        const address = typeof command.address === 'string' ? command.address : undefined;
        socket.bind(number(command, 'port', 0), address, () => {
          resolve();
        });
      });
      sockets.set(name, entry);
      return { port: socket.address().port };
    }
    case 'udp-send':
      return { sent: await udpSend(command) };
    case 'udp-count': {
      const entry = sockets.get(text(command, 'socket'));
      if (entry === undefined) throw new Error('unknown socket');
      return {
        received: entry.received,
        lastFrom: entry.lastFrom,
        bufferDrops: udpSocketDrops(entry.socket.address().port),
      };
    }
    case 'tcp-listen': {
      const name = text(command, 'server');
      const mode = text(command, 'mode');
      const windowMs = number(command, 'windowMs', 1500);
      const server = net.createServer((connection) => {
        if (mode === 'source') void source(connection);
        else
          void sink(connection, windowMs).then((result) => {
            emit({ event: 'tcp-window', server: name, ...result });
          });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(number(command, 'port', 0), text(command, 'address'), () => {
          resolve();
        });
      });
      servers.set(name, server);
      const address = server.address();
      return { port: typeof address === 'object' && address !== null ? address.port : 0 };
    }
    case 'tcp-connect': {
      const mode = text(command, 'mode');
      const windowMs = number(command, 'windowMs', 1500);
      const connection = net.connect(number(command, 'port'), text(command, 'host'));
      await new Promise<void>((resolve, reject) => {
        connection.once('connect', resolve);
        connection.once('error', reject);
      });
      if (mode === 'source') return { written: await source(connection) };
      return await sink(connection, windowMs);
    }
    default:
      throw new Error(`unknown op ${command.op}`);
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as Command;
  handle(command).then(
    (reply) => {
      emit({ id: command.id, ok: true, ...reply });
    },
    (error: unknown) => {
      emit({ id: command.id, ok: false, error: String(error) });
    },
  );
});
process.stdin.on('end', () => process.exit(0));
emit({ event: 'ready' });
