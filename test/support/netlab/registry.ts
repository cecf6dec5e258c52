/**
 * Finding and removing labs by name, so nothing a lab made outlives it: every namespace of a lab is
 * named `p2pml-lab-<owner pid>-<tag>-<role>` (and its temporary directory
 * `<tmpdir>/p2pml-lab-<owner pid>-<tag>`), so a lab whose owning process died (crash, `kill -9`) is
 * recognisable from the names alone and {@link cleanupStaleLabs} can remove it. Labs of the current
 * process are also removed synchronously on `exit`, SIGINT and SIGTERM.
 *
 * Only names matching that pattern are ever touched: never the host's interfaces, routes or
 * firewall (a lab's nftables tables and tc qdiscs live inside its own namespaces and vanish with
 * them).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTool, runToolSync } from './commands.js';

/** Prefix of every lab's names. */
export const LAB_NAME_PREFIX = 'p2pml-lab-';

const LAB_ID_PATTERN = /^p2pml-lab-(\d+)-([0-9a-f]{4})$/;
const NAMESPACE_PATTERN = /^(p2pml-lab-\d+-[0-9a-f]{4})-[a-z0-9-]+$/;

/** A lab found on this machine by its namespaces' names. */
export interface LabRecord {
  /** `p2pml-lab-<pid>-<tag>`: the prefix of all its names. */
  readonly labId: string;
  /** Pid of the process that created it. */
  readonly ownerPid: number;
  /** Whether that process still runs. */
  readonly ownerAlive: boolean;
  /** Its namespaces, sorted. */
  readonly namespaces: readonly string[];
}

/** Pid of the process that created lab `labId`, or `null` if `labId` is not a lab id. */
export function labOwnerPid(labId: string): number | null {
  const match = LAB_ID_PATTERN.exec(labId);
  return match === null ? null : Number(match[1]);
}

/** Whether process `pid` runs (a zombie, dead but not yet reaped, does not count). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // The state letter follows the parenthesised command name: "123 (node) S ...".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

function parseNamespaceList(output: string): string[] {
  // `ip netns list` prints "name" or "name (id: 3)" per line.
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

function groupLabs(namespaces: readonly string[]): LabRecord[] {
  const byLab = new Map<string, string[]>();
  for (const namespace of namespaces) {
    const match = NAMESPACE_PATTERN.exec(namespace);
    if (match?.[1] === undefined) continue;
    const list = byLab.get(match[1]) ?? [];
    list.push(namespace);
    byLab.set(match[1], list);
  }
  return [...byLab.entries()]
    .map(([labId, list]) => {
      const ownerPid = labOwnerPid(labId) ?? 0;
      return {
        labId,
        ownerPid,
        ownerAlive: processAlive(ownerPid),
        namespaces: list.sort(),
      };
    })
    .sort((a, b) => a.labId.localeCompare(b.labId));
}

/** Every lab on this machine (any owner), found by its namespaces. */
export async function listLabs(): Promise<LabRecord[]> {
  const { stdout } = await runTool('ip', ['netns', 'list']);
  return groupLabs(parseNamespaceList(stdout));
}

/** Pids of the processes inside `namespace` (empty when it has none or is gone). */
export async function namespacePids(namespace: string): Promise<number[]> {
  try {
    const { stdout } = await runTool('ip', ['netns', 'pids', namespace]);
    return stdout
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Removes namespaces (killing every process inside first: a namespace with processes left lives on,
 * nameless, with its interfaces) and the lab's temporary directory. Errors on single steps are
 * ignored so one missing namespace does not leave the rest behind.
 */
export async function removeNamespaces(
  labId: string,
  namespaces: readonly string[],
): Promise<void> {
  for (const namespace of namespaces)
    for (const pid of await namespacePids(namespace)) killQuietly(pid);
  if (namespaces.length > 0)
    await runTool('ip', ['-force', '-batch', '-'], {
      input: namespaces.map((namespace) => `netns delete ${namespace}\n`).join(''),
    }).catch(() => undefined);
  rmSync(path.join(os.tmpdir(), labId), { recursive: true, force: true });
}

/** {@link removeNamespaces} for exit and signal handlers, where only synchronous code runs. */
export function removeNamespacesSync(labId: string, namespaces: readonly string[]): void {
  for (const namespace of namespaces) {
    const pids = runToolSync('ip', ['netns', 'pids', namespace]) ?? '';
    for (const line of pids.split('\n')) {
      const pid = Number(line.trim());
      if (Number.isInteger(pid) && pid > 0) killQuietly(pid);
    }
  }
  for (const namespace of namespaces) runToolSync('ip', ['netns', 'delete', namespace]);
  rmSync(path.join(os.tmpdir(), labId), { recursive: true, force: true });
}

/**
 * Removes every lab whose owning process is dead: its processes, namespaces and temporary
 * directory. Labs of live processes (other tests, a running `netlab up`) are left alone. Called at
 * the start of every `createNetLab`; also `netlab cleanup`. Resolves with the removed lab ids.
 */
export async function cleanupStaleLabs(): Promise<string[]> {
  const stale = (await listLabs()).filter((lab) => !lab.ownerAlive);
  for (const lab of stale) await removeNamespaces(lab.labId, lab.namespaces);
  // Temporary directories of dead owners whose namespaces are already gone.
  const removed = stale.map((lab) => lab.labId);
  for (const entry of readdirSync(os.tmpdir())) {
    const ownerPid = labOwnerPid(entry);
    if (ownerPid === null || processAlive(ownerPid)) continue;
    rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
    if (!removed.includes(entry)) removed.push(entry);
  }
  return removed;
}

/** A lab of this process, as the exit and signal handlers need it. */
interface LiveLab {
  readonly labId: string;
  readonly namespaces: () => readonly string[];
}

const liveLabs = new Map<string, LiveLab>();
let handlersInstalled = false;

function removeLiveLabsSync(): void {
  for (const lab of liveLabs.values()) removeNamespacesSync(lab.labId, lab.namespaces());
  liveLabs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeLiveLabsSync();
  // Our handler replaced the default action (exit); restore it when nobody else handles the signal.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', removeLiveLabsSync);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Registers a lab of this process for removal on exit, SIGINT and SIGTERM. */
export function registerLiveLab(labId: string, namespaces: () => readonly string[]): void {
  installHandlers();
  liveLabs.set(labId, { labId, namespaces });
}

/** Forgets a lab removed by `destroy()`. */
export function unregisterLiveLab(labId: string): void {
  liveLabs.delete(labId);
  if (liveLabs.size === 0 && handlersInstalled) {
    handlersInstalled = false;
    process.removeListener('exit', removeLiveLabsSync);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
