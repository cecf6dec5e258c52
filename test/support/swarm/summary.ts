/**
 * One line per viewer for failure messages and measuring: what it played and where its segments
 * came from. Swarm tests put these lines next to the values they assert, so a failing diff shows
 * the numbers behind it (CI logs keep only the first lines of a failure).
 */
import type { SwarmRun } from './play.js';
import type { ViewerSnapshot } from './snapshot.js';

/**
 * One viewer's line: `<label>: started in <ms>, played <s>, stalls, fatal errors, last errors,
 * levels, engine segments, http/p2p/upload bytes, peers`.
 */
export function viewerSummary(snapshot: ViewerSnapshot, label: string): string {
  const stats = snapshot.engineStats;
  const { playingAtMs, startedAtMs } = snapshot.startup ?? {};
  const startupMs =
    playingAtMs === undefined || startedAtMs === undefined
      ? '?'
      : Math.round(playingAtMs - startedAtMs);
  return (
    `${label}: started in ${startupMs} ms, played ${snapshot.playedSeconds.toFixed(1)} s, ` +
    `stalls ${snapshot.stalls.count} (${Math.round(snapshot.stalls.totalMs)} ms), ` +
    `fatal ${JSON.stringify(snapshot.fatalErrors)}, ` +
    `errors ${JSON.stringify(snapshot.errors.slice(-3))}, ` +
    `levels ${[...new Set(snapshot.segments.map((segment) => segment.level))].join(',')}, ` +
    `segments ${JSON.stringify(stats?.segments)}, ` +
    `http ${stats?.httpBytes ?? '?'} B, p2p ${stats?.p2pBytes ?? '?'} B, ` +
    `upload ${stats?.uploadBytes ?? '?'} B, peers ${stats?.peers ?? '?'}`
  );
}

/**
 * {@link viewerSummary} of every snapshot, labelled `viewer <i>` and, where `describe` gives one,
 * ` (<what>)` (browser and player, renderer, ...).
 */
export function summariesOf<T extends ViewerSnapshot>(
  snapshots: readonly T[],
  describe?: (snapshot: T, index: number) => string,
): string[] {
  return snapshots.map((snapshot, index) => {
    const what = describe?.(snapshot, index);
    return viewerSummary(snapshot, `viewer ${index}${what === undefined ? '' : ` (${what})`}`);
  });
}

/** The run's summaries, each viewer labelled with its browser and player. */
export function viewerSummaries(run: SwarmRun): string[] {
  return summariesOf(run.snapshots, (_snapshot, index) => {
    const spec = run.specs[index];
    return `${spec?.browser ?? '?'} ${spec?.player ?? '?'}`;
  });
}

/**
 * Prints the swarm's {@link viewerSummaries} and the first console problems of each viewer when
 * `P2PML_SWARM_SUMMARY=1` (for measuring and for diagnosing a flaky run in CI); silent otherwise.
 */
export function logSwarmSummary(name: string, run: SwarmRun | Error | undefined): void {
  if (process.env.P2PML_SWARM_SUMMARY !== '1' || run === undefined) return;
  const lines =
    run instanceof Error
      ? [`failed: ${run.message}`]
      : [
          ...viewerSummaries(run),
          ...run.consoleProblems.flatMap((problems, index) =>
            problems.slice(0, 5).map((line) => `viewer ${index} console: ${line}`),
          ),
        ];
  console.log(`${name}\n${lines.join('\n')}`);
}
