/**
 * `netlab`: the network lab (test/support/netlab, docs/NETLAB.md) from the command line, to look at
 * a lab by hand or to clean up after a crash. Needs root and iproute2, nftables (and coturn for
 * `--turn`).
 *
 *   tsx scripts/netlab/cli.ts up [--viewer NAME:NAT[:down=KBIT][:up=KBIT][:loss=PERCENT]]...
 *                                [--servers N] [--turn] [--spec FILE.json]
 *       Builds a lab, prints its description as one JSON line (namespaces, addresses, iceServers)
 *       and keeps it until Ctrl-C / SIGTERM, then removes it. NAT: none, port-restricted, symmetric.
 *       Run commands in it with `ip netns exec <namespace> ...`.
 *   tsx scripts/netlab/cli.ts status [--json]   every lab on the machine, its owner and namespaces
 *   tsx scripts/netlab/cli.ts down LAB_ID|--all stops labs (SIGTERM to a live owner, then removes
 *                                               whatever is left)
 *   tsx scripts/netlab/cli.ts cleanup           removes labs whose owner process is dead
 *
 * A lab lives only as long as the process that made it: `up` stays in the foreground for that reason.
 */
import { readFileSync } from 'node:fs';
import {
  cleanupStaleLabs,
  createNetLab,
  listLabs,
  NAT_KINDS,
  type NatKind,
  type NetLab,
  type NetLabSpec,
  type ViewerSpec,
} from '../../test/support/netlab/index.js';
import { processAlive, removeNamespaces } from '../../test/support/netlab/registry.js';

const USAGE = `usage:
  netlab up [--viewer NAME:NAT[:down=KBIT][:up=KBIT][:loss=PERCENT]]... [--servers N] [--turn] [--spec FILE.json]
  netlab status [--json]
  netlab down LAB_ID|--all
  netlab cleanup
NAT: ${NAT_KINDS.join(', ')}`;

class UsageError extends Error {}

/** Parses `NAME:NAT[:down=KBIT][:up=KBIT][:loss=PERCENT]`. */
function parseViewer(text: string): ViewerSpec {
  const [name, nat, ...options] = text.split(':');
  if (name === undefined || nat === undefined || !NAT_KINDS.includes(nat as NatKind))
    throw new UsageError(
      `--viewer ${text}: expected NAME:NAT with NAT one of ${NAT_KINDS.join(', ')}`,
    );
  const viewer: { -readonly [K in keyof ViewerSpec]: ViewerSpec[K] } = {
    name,
    nat: nat as NatKind,
  };
  for (const option of options) {
    const [key, value] = option.split('=');
    const amount = Number(value);
    if (value === undefined || !Number.isFinite(amount))
      throw new UsageError(`--viewer ${text}: ${option} must be KEY=NUMBER`);
    if (key === 'down') viewer.downlinkKbit = amount;
    else if (key === 'up') viewer.uplinkKbit = amount;
    else if (key === 'loss') viewer.lossPercent = amount;
    else throw new UsageError(`--viewer ${text}: unknown option ${String(key)} (down, up, loss)`);
  }
  return viewer;
}

function parseUp(args: readonly string[]): NetLabSpec {
  let spec: NetLabSpec = { viewers: [] };
  const viewers: ViewerSpec[] = [];
  let servers: number | undefined;
  let turn = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const next = (): string => {
      const value = args[++index];
      if (value === undefined) throw new UsageError(`${String(arg)} needs a value`);
      return value;
    };
    if (arg === '--viewer') viewers.push(parseViewer(next()));
    else if (arg === '--servers') servers = Number(next());
    else if (arg === '--turn') turn = true;
    else if (arg === '--spec') spec = JSON.parse(readFileSync(next(), 'utf8')) as NetLabSpec;
    else throw new UsageError(`unknown argument ${String(arg)}`);
  }
  return {
    ...spec,
    viewers: [...spec.viewers, ...viewers],
    ...(servers === undefined ? {} : { serverAddressCount: servers }),
    ...(turn ? { turn: true } : {}),
  };
}

function describeLab(lab: NetLab): Record<string, unknown> {
  return {
    id: lab.id,
    pid: process.pid,
    internetNamespace: lab.internetNamespace,
    servers: lab.servers,
    viewers: lab.viewers.map((viewer) => ({
      name: viewer.name,
      nat: viewer.nat,
      namespace: viewer.namespace,
      routerNamespace: viewer.routerNamespace,
      address: viewer.address,
      publicAddress: viewer.publicAddress,
      downlinkKbit: viewer.spec.downlinkKbit ?? null,
      uplinkKbit: viewer.spec.uplinkKbit ?? null,
      lossPercent: viewer.spec.lossPercent ?? 0,
    })),
    iceServers: lab.turn?.iceServers ?? [],
  };
}

async function up(args: readonly string[]): Promise<void> {
  const lab = await createNetLab(parseUp(args));
  process.stdout.write(JSON.stringify(describeLab(lab)) + '\n');
  process.stderr.write(`netlab: ${lab.id} is up; Ctrl-C (or netlab down ${lab.id}) removes it\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      resolve();
    };
    // The lab's own signal handler (installed by createNetLab) has already removed it synchronously
    // by the time this runs; destroy() below then only finds nothing left to do.
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Keep the event loop alive while waiting.
    setInterval(() => undefined, 60_000);
  });
  await lab.destroy();
  process.exit(0);
}

async function status(args: readonly string[]): Promise<void> {
  const labs = await listLabs();
  if (args.includes('--json')) {
    process.stdout.write(JSON.stringify(labs) + '\n');
    return;
  }
  if (labs.length === 0) {
    process.stdout.write('no labs\n');
    return;
  }
  for (const lab of labs)
    process.stdout.write(
      `${lab.labId}  owner ${lab.ownerPid} ${lab.ownerAlive ? 'running' : 'DEAD (netlab cleanup removes it)'}  ` +
        `${lab.namespaces.length} namespaces: ${lab.namespaces.map((name) => name.slice(lab.labId.length + 1)).join(' ')}\n`,
    );
}

async function down(args: readonly string[]): Promise<void> {
  const target = args[0];
  if (target === undefined) throw new UsageError('down needs a lab id or --all');
  const labs = (await listLabs()).filter((lab) => target === '--all' || lab.labId === target);
  if (labs.length === 0 && target !== '--all') throw new UsageError(`no lab ${target}`);
  for (const lab of labs) {
    if (lab.ownerAlive && lab.ownerPid !== process.pid) {
      // Let the owner tear down what it knows of (processes it spawned, coturn), then sweep.
      process.kill(lab.ownerPid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (processAlive(lab.ownerPid) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await removeNamespaces(lab.labId, lab.namespaces);
    process.stdout.write(`removed ${lab.labId}\n`);
  }
}

async function cleanup(): Promise<void> {
  const removed = await cleanupStaleLabs();
  process.stdout.write(removed.length === 0 ? 'nothing stale\n' : `removed ${removed.join(' ')}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'up':
      return up(args);
    case 'status':
      return status(args);
    case 'down':
      return down(args);
    case 'cleanup':
      return cleanup();
    default:
      throw new UsageError(command === undefined ? 'no command' : `unknown command ${command}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`netlab: ${error.message}\n${USAGE}\n`);
  else process.stderr.write(`netlab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
