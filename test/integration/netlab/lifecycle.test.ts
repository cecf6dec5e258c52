/**
 * A lab leaves nothing behind: `destroy()` kills the processes placed in it and removes every
 * namespace and its temporary directory; a lab whose owner was killed with SIGKILL (here the
 * `netlab up` CLI, with coturn running) is found by name and removed by `cleanupStaleLabs()`,
 * coturn included. Also: the lab never adds an interface to the namespace it was created from, its
 * internet namespace routes nowhere, and a bad spec is refused before anything is built.
 * Needs root, iproute2, nftables and coturn; skipped with the reason printed otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTool } from '../../support/netlab/commands.js';
import {
  cleanupStaleLabs,
  createNetLab,
  listLabs,
  NetLabError,
  netLabSupport,
  REPOSITORY_ROOT,
} from '../../support/netlab/index.js';
import { processAlive } from '../../support/netlab/registry.js';
import { waitUntil } from '../../support/wait.js';

const support = netLabSupport({ withTurn: true });
if (!support.ok) console.log(`netlab lifecycle test skipped: ${support.reason}`);
const maybe = support.ok ? it : it.skip;

// Generous: on a loaded 2-core CI machine the CLI (tsx) takes seconds to start.
jest.setTimeout(60_000);

async function namespacesOf(labId: string): Promise<string[]> {
  const { stdout } = await runTool('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${labId}-`));
}

/** The `netlab up` CLI of the stale-lab test, killed after it if an assertion left it running. */
let cli: ChildProcess | undefined;

afterEach(async () => {
  if (cli === undefined || cli.exitCode !== null || cli.signalCode !== null) return;
  // SIGKILL leaves its lab behind, as in the test; remove it here.
  const exited = new Promise((resolve) => cli?.once('exit', resolve));
  cli.kill('SIGKILL');
  await exited;
  await cleanupStaleLabs();
});

/** Labs owned by this test process (files running in parallel make and remove their own). */
async function ownLabIds(): Promise<string[]> {
  return (await listLabs()).filter((lab) => lab.ownerPid === process.pid).map((lab) => lab.labId);
}

describe('network lab lifecycle', () => {
  maybe('destroy() kills its processes and removes every namespace and its directory', async () => {
    const linksBefore = (await runTool('ip', ['-o', 'link', 'show'])).stdout;
    const lab = await createNetLab({
      viewers: [
        { name: 'a', nat: 'symmetric', uplinkKbit: 1000, lossPercent: 1 },
        { name: 'b', nat: 'none' },
      ],
    });
    expect((await namespacesOf(lab.id)).sort()).toEqual(
      [
        lab.internetNamespace,
        lab.servers.namespace,
        ...lab.viewers.flatMap((viewer) => [viewer.namespace, viewer.routerNamespace]),
      ].sort(),
    );
    // Nothing was added to the namespace the test runs in.
    expect((await runTool('ip', ['-o', 'link', 'show'])).stdout).toBe(linksBefore);
    // The internet namespace is a dead end: no route beyond its own segment, no forwarding.
    await expect(
      lab.execIn(lab.internetNamespace, 'ip', ['route', 'get', '8.8.8.8']),
    ).rejects.toThrow(/unreachable/i);
    const forwarding = await lab.execIn(lab.internetNamespace, 'cat', [
      '/proc/sys/net/ipv4/ip_forward',
    ]);
    expect(forwarding.stdout.trim()).toBe('0');
    const sleeper = lab.runIn(lab.viewer('a').namespace, 'sleep', ['60'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => sleeper.once('exit', resolve));
    expect(existsSync(lab.directory)).toBe(true);

    await lab.destroy();
    await exited;
    expect(await namespacesOf(lab.id)).toEqual([]);
    expect(existsSync(lab.directory)).toBe(false);
    expect(() => lab.runIn(lab.servers.namespace, 'true', [])).toThrow(NetLabError);
    await lab.destroy(); // idempotent
  });

  maybe('cleanupStaleLabs() removes a lab whose owner was killed, coturn included', async () => {
    cli = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPOSITORY_ROOT, 'scripts/netlab/cli.ts'),
        'up',
        '--viewer',
        'x:port-restricted',
        '--turn',
      ],
      { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const owner = cli;
    let output = '';
    owner.stdout?.setEncoding('utf8');
    owner.stdout?.on('data', (text: string) => (output += text));
    const description = await waitUntil(
      () =>
        output.includes('\n')
          ? (JSON.parse(output.split('\n')[0] ?? '') as { id: string; pid: number })
          : undefined,
      { timeoutMs: 20_000, description: 'the CLI describing its lab', lastSeen: () => output },
    );
    expect(description.pid).toBe(owner.pid);
    const servers = `${description.id}-srv`;
    const turnPids = (await runTool('ip', ['netns', 'pids', servers])).stdout
      .trim()
      .split('\n')
      .map(Number);
    expect(turnPids.length).toBeGreaterThan(0);

    const killed = new Promise((resolve) => owner.once('exit', resolve));
    owner.kill('SIGKILL');
    await killed;
    // The owner is dead but its lab, and coturn inside it, remain until someone cleans up (a lab
    // created meanwhile by a test file running in parallel may already have done so).
    const stale = (await listLabs()).find((lab) => lab.labId === description.id);
    if (stale !== undefined) expect(stale.ownerAlive).toBe(false);

    await cleanupStaleLabs();
    expect(await namespacesOf(description.id)).toEqual([]);
    await waitUntil(() => turnPids.every((pid) => !processAlive(pid)), {
      timeoutMs: 5000,
      description: 'coturn of the stale lab to exit',
    });
    expect(existsSync(path.join(os.tmpdir(), description.id))).toBe(false);
  });

  maybe('a bad spec is refused before anything is built', async () => {
    const before = await ownLabIds();
    await expect(
      createNetLab({ viewers: [{ name: 'Bad Name', nat: 'none' }] }),
    ).rejects.toMatchObject({ code: 'spec-invalid' });
    await expect(
      createNetLab({ viewers: [{ name: 'a', nat: 'none', lossPercent: 120 }] }),
    ).rejects.toMatchObject({ code: 'spec-invalid' });
    expect(await ownLabIds()).toEqual(before);
  });
});
