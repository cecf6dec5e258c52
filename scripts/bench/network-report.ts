/**
 * The network-lab fields of a scenario's JSON line (`--network`, issue 16): which scenario, plan
 * seed and viewer mix ran, the churn the arms carried out, and the P2P bytes by connection path
 * with the offload an operator gets once TURN-relayed bytes (which it pays for) are left out.
 * Pure functions of the plan and the two arms' results; merged into the line only with
 * `--network`, so lines without it stay as they were.
 */
import type { EngineStats } from '../../core/model/stats.js';
import type { ArmResult, ViewerOutcome } from './arm-runner.js';
import type { NetworkPlan, NetworkScenario } from './network-scenarios.js';
import { viewerGroupFigures, type ViewerGroupFigures } from './virtual-viewer-plan.js';

/** P2P download bytes of an arm by the path of the connection they came over. */
export interface BytesByPathFigures {
  readonly direct: number;
  readonly relayed: number;
  /** Connections whose path the engine could not tell (yet). */
  readonly unknown: number;
}

/** What `--network` adds to a scenario's JSON line. */
export interface NetworkFigures {
  readonly network: NetworkScenario;
  readonly seed: number;
  /** Virtual (Node) viewers present at a time per arm (the plan's virtual slots). */
  readonly virtualPeers: number;
  /**
   * P2P bytes the P2P arm's viewers downloaded over TURN-relayed connections (an operator pays
   * for them); null when the engine measured does not report bytes by path.
   */
  readonly turnRelayedBytes: number | null;
  /** The P2P arm's P2P download bytes by path; null when the engine does not report it. */
  readonly p2pBytesByPath: BytesByPathFigures | null;
  /**
   * `(playedBytes - originBytes - turnRelayedBytes) / playedBytes`: the origin offload counting
   * relayed P2P bytes as served by the operator; null without bytes by path or nothing played.
   */
  readonly offloadExcludingTurn: number | null;
  /** Abrupt leaves the plan has per arm (churn), and how many each arm carried out. */
  readonly plannedAbruptLeaves: number;
  readonly abruptLeaves: number;
  readonly baselineAbruptLeaves: number;
  /** Of the P2P arm's abrupt leaves: browser processes killed, pages crashed. */
  readonly processesKilled: number;
  readonly pagesCrashed: number;
  /** Viewers of the P2P arm that took a slot after its occupant was killed. */
  readonly replacementsJoined: number;
  /**
   * The Chromium viewers' own figures (offload from their played vs HTTP bytes, startup, stalls):
   * with {@link NetworkFigures.virtual}, the model's validation (offload within 0.03) in one run.
   */
  readonly chromium: ViewerGroupFigures;
  /** The virtual viewers' own figures; null when the plan has none. */
  readonly virtual: ViewerGroupFigures | null;
}

/** Bytes by path of one viewer's engine stats, from `p2pBytesByPath` or flat relay counters. */
export function viewerBytesByPath(stats: EngineStats | undefined): BytesByPathFigures | undefined {
  if (stats === undefined) return undefined;
  // Read loosely: the counters are newer than some builds the bench may measure.
  const loose: {
    readonly p2pBytesByPath?: Partial<BytesByPathFigures>;
    readonly p2pRelayedBytes?: number;
  } = stats;
  const byPath = loose.p2pBytesByPath;
  if (byPath !== undefined && typeof byPath.relayed === 'number') {
    return {
      direct: byPath.direct ?? 0,
      relayed: byPath.relayed,
      unknown: byPath.unknown ?? 0,
    };
  }
  if (typeof loose.p2pRelayedBytes === 'number') {
    return {
      direct: Math.max(0, stats.p2pBytes - loose.p2pRelayedBytes),
      relayed: loose.p2pRelayedBytes,
      unknown: 0,
    };
  }
  return undefined;
}

/**
 * The arm's bytes by path, summed over viewers; undefined when a viewer with P2P bytes has no
 * split (the engine measured does not report it).
 */
export function armBytesByPath(arm: ArmResult): BytesByPathFigures | undefined {
  const total = { direct: 0, relayed: 0, unknown: 0 };
  for (const viewer of arm.viewers) {
    const stats = viewer.final.engineStats;
    const split = viewerBytesByPath(stats);
    if (split === undefined) {
      if ((stats?.p2pBytes ?? 0) > 0) return undefined;
      continue;
    }
    total.direct += split.direct;
    total.relayed += split.relayed;
    total.unknown += split.unknown;
  }
  return total;
}

function abrupt(viewers: readonly ViewerOutcome[]): number {
  return viewers.filter((viewer) => viewer.leaveKind !== 'session-end').length;
}

function played(arm: ArmResult): number {
  return arm.viewers.reduce((total, viewer) => total + viewer.final.mediaBytes, 0);
}

/** The network fields of a scenario run with `plan`. */
export function networkFigures(
  plan: NetworkPlan,
  p2p: ArmResult,
  baseline: ArmResult,
): NetworkFigures {
  const byPath = armBytesByPath(p2p);
  const playedBytes = played(p2p);
  const offloadExcludingTurn =
    byPath === undefined || playedBytes <= 0
      ? null
      : Math.round(((playedBytes - p2p.originBytes - byPath.relayed) / playedBytes) * 10_000) /
        10_000;
  const isVirtual = (viewer: ViewerOutcome): boolean => viewer.virtual === true;
  return {
    network: plan.scenario,
    seed: plan.seed,
    virtualPeers: plan.virtualViewers,
    turnRelayedBytes: byPath?.relayed ?? null,
    p2pBytesByPath: byPath ?? null,
    offloadExcludingTurn,
    plannedAbruptLeaves: plan.viewers.filter((viewer) => viewer.leaveKind !== 'session-end').length,
    abruptLeaves: abrupt(p2p.viewers),
    baselineAbruptLeaves: abrupt(baseline.viewers),
    processesKilled: p2p.viewers.filter((viewer) => viewer.leaveKind === 'process-killed').length,
    pagesCrashed: p2p.viewers.filter((viewer) => viewer.leaveKind === 'page-crashed').length,
    replacementsJoined: Math.max(
      0,
      p2p.viewers.length - plan.chromiumViewers - plan.virtualViewers,
    ),
    chromium: viewerGroupFigures(p2p, baseline, (viewer) => !isVirtual(viewer)),
    virtual: plan.virtualViewers === 0 ? null : viewerGroupFigures(p2p, baseline, isVirtual),
  };
}
