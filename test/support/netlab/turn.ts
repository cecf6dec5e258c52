/**
 * coturn (`turnserver`) inside a lab's servers namespace: STUN and TURN (UDP and TCP, no TLS) with
 * long-term credentials on one lab address, allowed to relay only to the lab's internet segment.
 * The config is generated into the lab's temporary directory and passed with `-c`, so the
 * machine's /etc/turnserver.conf is never read.
 *
 * Why the peer-address rules: coturn refuses to relay to loopback (and, depending on version and
 * packaging, to other special ranges); the lab's addresses are in the benchmarking range
 * 198.18.0.0/15. Everything is denied and the lab segment explicitly allowed (`allowed-peer-ip`
 * wins over `denied-peer-ip`), so a relay can never reach anything outside the lab, even by mistake.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { NetLabError, runTool } from './commands.js';
import { INTERNET_RANGE, TURN_PORT, type TurnSpec } from './spec.js';

/** An RTCIceServer as RTCPeerConnection takes it. */
export interface LabIceServer {
  readonly urls: string[];
  readonly username?: string;
  readonly credential?: string;
}

/** A running coturn of a lab. */
export interface LabTurnServer {
  /** The lab address it listens and relays on. */
  readonly address: string;
  /** Its STUN/TURN port (UDP and TCP). */
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly realm: string;
  /** `[{ urls: [stun:…] }, { urls: [turn:…?transport=udp, turn:…?transport=tcp], username, credential }]`. */
  readonly iceServers: readonly LabIceServer[];
  /** Lines coturn logged so far (its log goes to stdout), for diagnosing a failed relay. */
  logLines(): readonly string[];
}

/** What {@link startTurnServer} needs from the lab. */
export interface TurnHost {
  readonly namespace: string;
  readonly address: string;
  readonly directory: string;
  /** Spawns `command args` inside `namespace` (the lab's `runIn`). */
  readonly spawnIn: (namespace: string, command: string, args: readonly string[]) => ChildProcess;
}

/** Relay ports: a small range, plenty for a lab (two ports per allocation at most). */
const RELAY_PORTS = { min: 49_152, max: 50_151 } as const;
const LISTEN_TIMEOUT_MS = 10_000;

function configText(host: TurnHost, settings: Required<TurnSpec>): string {
  return [
    `listening-ip=${host.address}`,
    `relay-ip=${host.address}`,
    `listening-port=${TURN_PORT}`,
    `min-port=${RELAY_PORTS.min}`,
    `max-port=${RELAY_PORTS.max}`,
    `realm=${settings.realm}`,
    'lt-cred-mech',
    `user=${settings.username}:${settings.password}`,
    'fingerprint',
    'no-cli',
    'no-tls',
    'no-dtls',
    'no-multicast-peers',
    'denied-peer-ip=0.0.0.0-255.255.255.255',
    `allowed-peer-ip=${INTERNET_RANGE.first}-${INTERNET_RANGE.last}`,
    `userdb=${path.join(host.directory, 'turndb')}`,
    `pidfile=${path.join(host.directory, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
    '',
  ].join('\n');
}

const CREDENTIAL_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Writes the config, starts `turnserver` in the servers namespace and resolves once it listens on
 * UDP and TCP (checked with `ss` inside the namespace). Rejects with `turn-start-failed` if it
 * exits or does not listen within 10 s. The returned process was started with `spawnIn`, so whoever
 * owns that (the lab) stops it.
 */
export async function startTurnServer(
  host: TurnHost,
  spec: TurnSpec,
): Promise<{ server: LabTurnServer; process: ChildProcess }> {
  const settings: Required<TurnSpec> = {
    username: spec.username ?? 'lab',
    password: spec.password ?? 'lab-password',
    realm: spec.realm ?? 'p2pml.lab',
  };
  for (const [key, value] of Object.entries(settings))
    if (!CREDENTIAL_PATTERN.test(value))
      throw new NetLabError('spec-invalid', `turn.${key} must be 1–64 of A-Z a-z 0-9 . _ -`);
  const configPath = path.join(host.directory, 'turnserver.conf');
  writeFileSync(configPath, configText(host, settings), { mode: 0o600 });

  const child = host.spawnIn(host.namespace, 'turnserver', ['-c', configPath]);
  const log: string[] = [];
  // An object, not a `let`: the exit callback sets it while the loop below awaits.
  const state: { exited: string | null } = { exited: null };
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => {
    log.push(...text.split('\n').filter((line) => line !== ''));
    if (log.length > 2000) log.splice(0, log.length - 2000);
  });
  child.stderr?.resume();
  child.once('exit', (code, signal) => {
    state.exited = `exited (code ${String(code)}, signal ${String(signal)})`;
  });

  const listenKey = `${host.address}:${TURN_PORT}`;
  const deadline = Date.now() + LISTEN_TIMEOUT_MS;
  for (;;) {
    if (state.exited !== null)
      throw new NetLabError(
        'turn-start-failed',
        `turnserver ${state.exited}: ${log.slice(-10).join(' | ')}`,
      );
    const { stdout } = await runTool('ip', ['netns', 'exec', host.namespace, 'ss', '-Hlnut']);
    const lines = stdout.split('\n').filter((line) => line.includes(listenKey));
    if (
      lines.some((line) => line.startsWith('udp')) &&
      lines.some((line) => line.startsWith('tcp'))
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new NetLabError(
        'turn-start-failed',
        `turnserver did not listen on ${listenKey} within ${LISTEN_TIMEOUT_MS} ms: ${log.slice(-10).join(' | ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const base = `${host.address}:${TURN_PORT}`;
  return {
    process: child,
    server: {
      address: host.address,
      port: TURN_PORT,
      ...settings,
      iceServers: [
        { urls: [`stun:${base}`] },
        {
          urls: [`turn:${base}?transport=udp`, `turn:${base}?transport=tcp`],
          username: settings.username,
          credential: settings.password,
        },
      ],
      logLines: () => log.slice(),
    },
  };
}
