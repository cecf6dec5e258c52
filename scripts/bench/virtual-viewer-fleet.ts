/**
 * Runs an arm's virtual viewers (issue 16 item 4): the processes of
 * {@link planVirtualProcesses}, each started at its planned time inside its slot's lab namespace
 * (`lab.runIn`), stopped (SIGTERM) at its last viewer's planned leave (a churned one killed
 * with SIGKILL at its planned leave), and collects every viewer's result (a killed viewer's last
 * `progress` line stands for it) with when it really played. Why processes, how they are packed
 * and how results join the arm: virtual-viewer-plan.ts.
 *
 * Nothing outlives the fleet: `destroy()` kills every process it started, and so do this
 * process's `exit`, SIGINT and SIGTERM (Ctrl-C), whatever else is running.
 */
import type { ChildProcess } from 'node:child_process';
import {
  startViewerProcess,
  type SpawnFunction,
  type ViewerProcessHandle,
} from '../../test/support/virtual-viewer/viewer-process-client.js';
import type { ViewerProcessLine } from '../../test/support/virtual-viewer/viewer-group.js';
import type { ViewerSpec } from '../../test/support/virtual-viewer/viewer-spec.js';
import type { SlotProfile } from './network-scenarios.js';
import {
  processViewerIds,
  type VirtualProcessPlan,
  type VirtualViewerRun,
} from './virtual-viewer-plan.js';

/** A process still running this long after SIGTERM gets SIGKILL, ms. */
const TERM_TIMEOUT_MS = 5000;
/** How often a process that may be killed prints its viewers' figures (its last words), ms. */
const KILLABLE_PROGRESS_INTERVAL_MS = 1000;

/** Live viewer processes of this process, killed on exit, SIGINT and SIGTERM. */
const liveChildren = new Set<ChildProcess>();
let reaperInstalled = false;

function killLiveChildren(): void {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  liveChildren.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killLiveChildren();
  uninstallReaper();
  // This handler stood in for the default action (exit). Once every handler of this signal has
  // run: with none left, or one (e.g. the network lab's, which exits when it is the last), send
  // the signal again so the process ends as it would have without us.
  setImmediate(() => {
    if (process.listenerCount(signal) <= 1) process.kill(process.pid, signal);
  });
}

function installReaper(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.on('exit', killLiveChildren);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstallReaper(): void {
  if (!reaperInstalled) return;
  reaperInstalled = false;
  process.removeListener('exit', killLiveChildren);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
}

function track(child: ChildProcess): void {
  installReaper();
  liveChildren.add(child);
  const forget = (): void => {
    liveChildren.delete(child);
    if (liveChildren.size === 0) uninstallReaper();
  };
  child.once('exit', forget);
  child.once('error', forget);
}

/** The number of viewer processes of this process still running (for tests and checks). */
export function liveViewerProcesses(): number {
  return liveChildren.size;
}

/** What every process of an arm shares in its spec. */
export type FleetSpec = Pick<
  ViewerSpec,
  | 'streamUrl'
  | 'mode'
  | 'trackers'
  | 'iceServers'
  | 'p2p'
  | 'engineConfig'
  | 'seed'
  | 'player'
  | 'shakaConfig'
>;

/** An arm's virtual viewers. */
export interface FleetSetup {
  /** The arm's label, e.g. 'live p2p' (viewer names). */
  readonly label: string;
  readonly processes: readonly VirtualProcessPlan[];
  readonly spec: FleetSpec;
  /** How to start a process in `slot`'s namespace (the lab's `runIn`). */
  readonly spawnIn: (slot: SlotProfile) => SpawnFunction;
  /** Progress messages (a process that failed, was killed). */
  readonly log?: (message: string) => void;
}

/** One process's course. */
interface RunningProcess {
  readonly plan: VirtualProcessPlan;
  handle: ViewerProcessHandle | undefined;
  startedAtEpochMs: number | undefined;
  /** When its `ready` line arrived: its first viewer's `start()` (after the process loaded). */
  readyAtEpochMs: number | undefined;
  endedAtEpochMs: number | undefined;
  killed: boolean;
  startProblem: string | undefined;
}

/** A wait that `destroy()` can cut short: it clears the timer and resolves at once. */
function delay(ms: number, waits: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const end = (): void => {
      clearTimeout(timer);
      waits.delete(end);
      resolve();
    };
    const timer = setTimeout(end, Math.max(0, ms));
    waits.add(end);
  });
}

type Figures = VirtualViewerRun['result'];

/** A viewer that printed nothing: it never started playing. */
function emptyFigures(viewer: string): Figures {
  return {
    viewer,
    partial: true,
    startupMs: undefined,
    stalls: 0,
    stallMs: 0,
    gapsSkipped: 0,
    playedSeconds: 0,
    runMs: 0,
    segmentsPlayed: 0,
    levelSwitches: 0,
    levels: [],
    deliveredBytes: { http: 0, p2p: 0, cache: 0 },
    engineBytes: { http: 0, p2p: 0, upload: 0 },
    otherHttpBytes: 0,
    peers: 0,
    requestErrors: 0,
  };
}

/** The last `result` line of `viewer`, else its last `progress` line. */
export function lastFigures(
  lines: readonly ViewerProcessLine[],
  viewer: string,
): Figures | undefined {
  let progress: Figures | undefined;
  let result: Figures | undefined;
  for (const line of lines) {
    // The lines' other keys (`type`, `requests`) ride along unread.
    if (line.type === 'result' && line.viewer === viewer) result = line;
    else if (line.type === 'progress' && line.viewer === viewer) progress = line;
  }
  return result ?? progress;
}

/** When a viewer process ran, epoch ms (see {@link viewerPresence}). */
export interface ProcessTimes {
  readonly spawnedAtEpochMs: number;
  /** When it printed `ready` (its first viewer started); undefined when it never did. */
  readonly readyAtEpochMs: number | undefined;
  /** When it exited or was killed; undefined while it runs. */
  readonly endedAtEpochMs: number | undefined;
  /** Killed for churn (SIGKILL): its viewers stopped there and then. */
  readonly killed: boolean;
}

/**
 * When each viewer of a process really played, epoch ms: viewer _i_ started `i x staggerMs` after
 * the process's `ready` (its spawn when it printed none) and stopped `watchMs` after its start
 * (viewer-group.ts), or at the process's end if that came first (SIGTERM at the planned end, a
 * kill). A viewer the process's end came before never played: it joined and left at once.
 */
export function viewerPresence(
  plan: Pick<VirtualProcessPlan, 'viewers' | 'staggerMs' | 'watchMs'>,
  times: ProcessTimes,
): { joinedAtEpochMs: number; leftAtEpochMs: number }[] {
  const firstStart = times.readyAtEpochMs ?? times.spawnedAtEpochMs;
  const end = times.endedAtEpochMs ?? Infinity;
  return plan.viewers.map((_, index) => {
    const joinedAtEpochMs = Math.min(firstStart + index * plan.staggerMs, end);
    const ownEnd = times.killed ? end : joinedAtEpochMs + plan.watchMs;
    return { joinedAtEpochMs, leftAtEpochMs: Math.max(joinedAtEpochMs, Math.min(end, ownEnd)) };
  });
}

/** Runs the virtual viewers of one arm; `destroy()` kills whatever still runs. */
export class VirtualViewerFleet {
  private readonly timers = new Set<() => void>();
  private readonly running: RunningProcess[];
  private done: Promise<void> | undefined;
  private destroyed = false;

  constructor(private readonly setup: FleetSetup) {
    this.running = setup.processes.map((plan) => ({
      plan,
      handle: undefined,
      startedAtEpochMs: undefined,
      readyAtEpochMs: undefined,
      endedAtEpochMs: undefined,
      killed: false,
      startProblem: undefined,
    }));
  }

  /** Starts the schedule: the arm started at `armStartedAtEpochMs`. Call once. */
  start(armStartedAtEpochMs: number): void {
    if (this.done !== undefined) throw new Error('virtual viewer fleet: started twice');
    this.done = Promise.all(
      this.running.map((entry) => this.runProcess(entry, armStartedAtEpochMs)),
    ).then(() => undefined);
  }

  private async runProcess(entry: RunningProcess, armStartedAtEpochMs: number): Promise<void> {
    const { plan } = entry;
    await delay(armStartedAtEpochMs + plan.startAtMs - Date.now(), this.timers);
    if (this.destroyed) return;
    const spec: Partial<ViewerSpec> = {
      ...this.setup.spec,
      seed: (this.setup.spec.seed + plan.slot.slot * 7919) >>> 0,
      seconds: plan.watchMs / 1000,
      viewers: plan.viewers.length,
      id: plan.id,
      staggerMs: plan.staggerMs,
      details: true,
      progressIntervalMs: plan.killAtMs === undefined ? 0 : KILLABLE_PROGRESS_INTERVAL_MS,
    };
    try {
      entry.handle = startViewerProcess(spec, this.setup.spawnIn(plan.slot));
    } catch (error) {
      entry.startProblem = error instanceof Error ? error.message : String(error);
      this.setup.log?.(`  ${this.setup.label}: virtual process ${plan.id}: ${entry.startProblem}`);
      return;
    }
    entry.startedAtEpochMs = Date.now();
    const { child, exited, lines } = entry.handle;
    track(child);
    // Loading TypeScript and wrtc takes a process 1 s, and several on a loaded machine: its
    // viewers start when it says `ready`, not when it was spawned.
    const noteReady = (): void => {
      if (lines.some((line) => line.type === 'ready')) {
        entry.readyAtEpochMs ??= Date.now();
        child.stdout?.off('data', noteReady);
      }
    };
    child.stdout?.on('data', noteReady);
    const endAtMs =
      plan.killAtMs ?? plan.startAtMs + plan.staggerMs * (plan.viewers.length - 1) + plan.watchMs;
    const ended = exited.then(() => {
      entry.endedAtEpochMs ??= Date.now();
    });
    // Set by `ended`, a kill or destroy() while this function waits.
    const over = (): boolean => entry.endedAtEpochMs !== undefined;
    const stop = (async () => {
      await Promise.race([delay(armStartedAtEpochMs + endAtMs - Date.now(), this.timers), ended]);
      if (over()) return;
      if (plan.killAtMs !== undefined) {
        // Churn: kill -9 at the planned time, no goodbye.
        entry.killed = true;
        entry.endedAtEpochMs = Date.now();
        child.kill('SIGKILL');
        return;
      }
      // The last viewer's planned leave: like a Chromium viewer's page, it stops now, however
      // late its process got going (SIGTERM: the viewers stop and print their results).
      child.kill('SIGTERM');
      await Promise.race([delay(TERM_TIMEOUT_MS, this.timers), ended]);
      if (!over()) child.kill('SIGKILL');
    })();
    await Promise.all([stop, ended]);
  }

  /**
   * Waits for every process to end (on plan, or killed) and gives every planned viewer's run, its
   * times relative to `armStartedAtEpochMs`.
   */
  async finish(armStartedAtEpochMs: number): Promise<VirtualViewerRun[]> {
    if (this.done === undefined) throw new Error('virtual viewer fleet: not started');
    await this.done;
    return this.running.flatMap((entry) => this.runsOf(entry, armStartedAtEpochMs));
  }

  private runsOf(entry: RunningProcess, armStartedAtEpochMs: number): VirtualViewerRun[] {
    const { plan, handle } = entry;
    const lines = handle?.lines ?? [];
    const ids = processViewerIds(plan);
    const presence = viewerPresence(plan, {
      spawnedAtEpochMs: entry.startedAtEpochMs ?? armStartedAtEpochMs + plan.startAtMs,
      readyAtEpochMs: entry.readyAtEpochMs,
      endedAtEpochMs: entry.endedAtEpochMs ?? entry.startedAtEpochMs,
      killed: entry.killed,
    });
    const secondsOf = (epochMs: number | undefined): number =>
      ((epochMs ?? armStartedAtEpochMs) - armStartedAtEpochMs) / 1000;
    const processProblems = [
      ...(entry.startProblem === undefined ? [] : [`process did not start: ${entry.startProblem}`]),
      ...lines.flatMap((line) =>
        line.type === 'error' && line.viewer === undefined
          ? [`process ${plan.id}: ${line.code}: ${line.message}`]
          : [],
      ),
    ];
    return plan.viewers.map((planned, index): VirtualViewerRun => {
      const id = ids[index] as string;
      const figures = lastFigures(lines, id);
      const problems = [
        ...processProblems,
        ...lines.flatMap((line) =>
          line.type === 'error' && line.viewer === id ? [`${line.code}: ${line.message}`] : [],
        ),
        ...(figures === undefined ? ['no result or progress line'] : []),
      ];
      return {
        planned,
        label: this.setup.label,
        result: figures ?? emptyFigures(id),
        joinedAtSeconds: secondsOf(presence[index]?.joinedAtEpochMs),
        leftAtSeconds: secondsOf(presence[index]?.leftAtEpochMs),
        leaveKind: entry.killed ? 'process-killed' : 'session-end',
        problems,
      };
    });
  }

  /** How many processes were killed for churn so far. */
  get processesKilled(): number {
    return this.running.filter((entry) => entry.killed).length;
  }

  /** Stops the schedule and kills (SIGKILL) every process still running. Idempotent. */
  destroy(): void {
    this.destroyed = true;
    for (const end of [...this.timers]) end();
    for (const entry of this.running) {
      const child = entry.handle?.child;
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        entry.endedAtEpochMs ??= Date.now();
        child.kill('SIGKILL');
      }
    }
  }
}
