/**
 * A hostile peer (test/support/hostile-peer) as a process of its own, for `npm run bench --
 * --attackers N --network …`: the bench starts it inside a public slot of the arm's network lab
 * (network-lab.ts), where every lab viewer can reach it as it reaches any public peer, because a
 * Node process cannot move its own WebRTC sockets into another network namespace.
 *
 * Started as `node --import tsx scripts/bench/lab-hostile-peer.ts '<spec JSON>'` (see
 * {@link LabHostilePeerSpec}); speaks JSON lines (test/support/netlab/json-lines-child.ts): it
 * writes `{"event":"started","peerId":…}` once it has joined, or `{"event":"error","message":…}`
 * and exits 1; it answers `{"id":n,"command":"report"}` with `{"id":n,"ok":true,"report":…}` and
 * `{"id":n,"command":"stop"}` by leaving every swarm, replying and exiting. It also leaves when its
 * stdin closes (the bench is gone).
 *
 * The segments it alters are read from disk (`mediaDir`), as in the bench's own process, so they
 * never count as the arm's origin bytes.
 */
import { createInterface } from 'node:readline';
import {
  startHostilePeer,
  type HostileBehaviour,
  type HostilePeer,
} from '../../test/support/hostile-peer/index.js';
import { readOriginFile } from './origin-files.js';

/** What the bench tells the process (its one argument, JSON). */
export interface LabHostilePeerSpec {
  /** The arm's source, as the lab's viewers open it (their loopback forward reaches the origin). */
  readonly manifestUrl: string;
  readonly swarmId: string;
  readonly trackers: readonly string[];
  readonly behaviour: HostileBehaviour;
  /** Where the origin's media files are (examples/media/streams). */
  readonly mediaDir: string;
}

function write(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LabHostilePeerSpec;
  let peer: HostilePeer;
  try {
    peer = await startHostilePeer({
      manifestUrl: spec.manifestUrl,
      swarmId: spec.swarmId,
      trackers: spec.trackers,
      behaviour: spec.behaviour,
      readSegment: (url, byteRange) => readOriginFile(spec.mediaDir, url, byteRange),
    });
  } catch (error) {
    write({ event: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
  write({ event: 'started', peerId: peer.peerId });
  const stop = async (): Promise<void> => {
    await peer.destroy();
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let command: { id?: unknown; command?: unknown };
    try {
      command = JSON.parse(line) as { id?: unknown; command?: unknown };
    } catch {
      return;
    }
    if (command.command === 'report') {
      write({ id: command.id, ok: true, report: peer.report() });
    } else if (command.command === 'stop') {
      void stop().then(() => {
        write({ id: command.id, ok: true });
        process.exit(0);
      });
    } else {
      write({ id: command.id, ok: false, message: `unknown command ${String(command.command)}` });
    }
  });
  lines.on('close', () => {
    void stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  write({ event: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
