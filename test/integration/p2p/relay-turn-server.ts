/**
 * A coturn (`turnserver`) process for relay tests: long-term credentials, UDP only, no TLS, no CLI,
 * listening and relaying on the test namespace's host address, its config and user database in a
 * temp dir (removed by `destroy`). Used by test/integration/p2p/relay-*.test.ts.
 *
 * coturn denies loopback peers by default (since 4.5.2, CVE-2020-26262); the namespace's private
 * test address is relayed without configuration (checked with coturn 4.6.1), and `allowed-peer-ip`
 * names it anyway, so that a config that denies private ranges, as production TURN servers often
 * do, still works. A single address is enough: both relay allocations and both peers live on it,
 * and under the `relay` policy ICE selects the relay-to-relay pair.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The namespace's test host address (scripts/netns-run.sh), where coturn and the peers live. */
export const TEST_HOST = process.env['P2PML_TEST_HOST'];

/**
 * Why relay tests cannot run here (outside the namespace, or coturn missing), or undefined when
 * they can.
 */
export function turnSkipReason(): string | undefined {
  if (process.env['P2PML_NETNS'] !== '1' || TEST_HOST === undefined) {
    return 'not inside scripts/netns-run.sh (peers would use the machine’s own interfaces)';
  }
  if (spawnSync('sh', ['-c', 'command -v turnserver']).status !== 0) {
    return '`turnserver` (Debian package coturn) is not installed';
  }
  return undefined;
}

const TURN_USER = 'p2pml';
const TURN_PASSWORD = 'relay-test';
/** How long coturn may take to open its listener, ms. */
const TURN_START_TIMEOUT_MS = 5000;
/** A UDP port free on `host` right now (coturn takes a port number, not 0). */
function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => {
        resolve(port);
      });
    });
  });
}

/** A coturn process with long-term credentials on `host`, config and database in a temp dir. */
export class TurnServer {
  private constructor(
    private readonly process: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  /** Starts coturn on `host` and resolves once it listens. */
  static async start(host: string): Promise<TurnServer> {
    const dir = mkdtempSync(path.join(tmpdir(), 'p2pml-turn-'));
    const port = await freeUdpPort(host);
    // A relay port range of its own, away from the listening port and ephemeral ports' usual start.
    const minRelayPort = 40_000 + Math.floor(Math.random() * 200) * 50;
    const config = [
      `listening-ip=${host}`,
      `relay-ip=${host}`,
      `listening-port=${port}`,
      `min-port=${minRelayPort}`,
      `max-port=${minRelayPort + 49}`,
      'lt-cred-mech',
      `user=${TURN_USER}:${TURN_PASSWORD}`,
      'realm=p2pml.test',
      `allowed-peer-ip=${host}`,
      `userdb=${path.join(dir, 'turndb')}`,
      `pidfile=${path.join(dir, 'turnserver.pid')}`,
      'no-tls',
      'no-dtls',
      'no-cli',
      'no-tcp-relay',
      'log-file=stdout',
      'simple-log',
    ].join('\n');
    const configPath = path.join(dir, 'turnserver.conf');
    writeFileSync(configPath, `${config}\n`);
    const child = spawn('turnserver', ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new TurnServer(child, dir, `turn:${host}:${port}?transport=udp`);
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        reject(
          new Error(`turnserver did not start within ${TURN_START_TIMEOUT_MS} ms:\n${output}`),
        );
      }, TURN_START_TIMEOUT_MS);
      const onData = (data: Buffer): void => {
        output += data.toString();
        // Logged once the relay and listener threads are up.
        if (output.includes('Total General servers')) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.stderr.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`turnserver exited with ${code}:\n${output}`));
      });
    }).catch((error: unknown) => {
      server.destroy();
      throw error;
    });
    child.stdout.resume();
    child.stderr.resume();
    return server;
  }

  /** The server as an `iceServers` entry, with its credentials. */
  iceServer(): RTCIceServer {
    return { urls: this.url, username: TURN_USER, credential: TURN_PASSWORD };
  }

  /** Stops the process and removes its temp dir. */
  destroy(): void {
    if (this.process.exitCode === null) this.process.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
