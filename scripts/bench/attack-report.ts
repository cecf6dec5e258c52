/**
 * The hostile-peer part of a scenario's result line (`--attackers`): did wrong bytes reach a player,
 * how fast honest viewers got rid of the attacker, and what the attack cost in offload. Pure
 * functions of the arms' results, the hostile peers' own counts and the origin's file digests.
 */
import type { HostilePeerReport } from '../../test/support/hostile-peer/index.js';
import type { ArmResult } from './arm-runner.js';

/** Offload with attackers must stay at least this share of the run without them. */
export const ATTACKED_OFFLOAD_TARGET_FACTOR = 0.9;

/** SHA-256 (hex) of what the origin serves for `url` (a `[start, end)` slice when given). */
export type OriginDigest = (url: string, rangeStart?: number, rangeEnd?: number) => string;

/** Fields the JSON line gains. */
export interface AttackFigures {
  /** Hostile peers in the P2P arm. */
  readonly attackers: number;
  /** What they did (`--attack`); null without attackers. */
  readonly attack: string | null;
  /** The P2P arm verified peer bytes against the origin's signed hash manifest. */
  readonly trustedHashes: boolean;
  /**
   * Segments (init segments included) handed to a player whose SHA-256 differs from the origin's;
   * null when the player's page records no digests (only the hls.js, Shaka and JW pages do).
   */
  readonly wrongSegmentsPlayed: number | null;
  /** Segments handed to a player that were compared with the origin's bytes (0 without digests). */
  readonly segmentsChecked: number;
  /**
   * Most segments any honest viewer received from an attacker (each one wrong from its first
   * byte on) before it stopped asking: 1 means every viewer dropped the attacker after its first
   * bad segment. Null when no viewer ever got a segment from an attacker.
   */
  readonly segmentsUntilBanMax: number | null;
  /** Viewers whose engine reported `peer-banned` for an attacker. */
  readonly viewersThatBanned: number;
  /** Viewers an attacker had a connection with. */
  readonly viewersReached: number;
  /** Segments the attackers started sending, and their payload bytes. */
  readonly attackerSegmentsSent: number;
  readonly attackerBytesSent: number;
  /** `originOffload` of the same scenario's P2P arm without attackers; null without attackers. */
  readonly offloadWithoutAttackers: number | null;
  readonly attackTargetsMet: {
    /** No wrong segment reached any player. */
    readonly noWrongBytes: boolean;
    /** Every viewer an attacker served banned it (`peer-banned`), within one segment. */
    readonly bannedWithinOneSegment: boolean;
    /** Offload at least {@link ATTACKED_OFFLOAD_TARGET_FACTOR} × the run without attackers. */
    readonly offload: boolean;
  } | null;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** 1 - origin bytes / bytes played, as the scenario report computes it (0 when nothing played). */
export function armOffload(arm: ArmResult): number {
  const played = arm.viewers.reduce((sum, viewer) => sum + viewer.final.mediaBytes, 0);
  return played > 0 ? round(1 - arm.originBytes / played, 4) : 0;
}

/** Segments handed to the players that differ from the origin's bytes, and how many were checked. */
export function compareWithOrigin(
  arm: ArmResult,
  originDigest: OriginDigest,
): { wrong: number; checked: number; wrongExamples: string[] } {
  let wrong = 0;
  let checked = 0;
  const wrongExamples: string[] = [];
  for (const viewer of arm.viewers) {
    for (const segment of viewer.segments) {
      checked++;
      let expected: string | undefined;
      try {
        expected = originDigest(segment.url, segment.rangeStart, segment.rangeEnd);
      } catch {
        expected = undefined; // not an origin media file: counted as wrong below
      }
      if (segment.sha256 === undefined || segment.sha256 !== expected) {
        wrong++;
        if (wrongExamples.length < 5) wrongExamples.push(`${viewer.name}: ${segment.url}`);
      }
    }
  }
  return { wrong, checked, wrongExamples };
}

/**
 * Segments each viewer received from each attacker, by viewer peer id then attacker: every
 * segment an attacker sends is wrong from its first byte (or cut short), so this is how many bad
 * segments it took the viewer to stop asking.
 */
export function segmentsUntilBan(
  attackers: readonly HostilePeerReport[],
): Map<string, Map<string, number>> {
  const byViewer = new Map<string, Map<string, number>>();
  for (const attacker of attackers) {
    for (const session of attacker.sessions) {
      if (session.segmentsStarted === 0) continue;
      const perAttacker = byViewer.get(session.viewerPeerId) ?? new Map<string, number>();
      perAttacker.set(
        attacker.peerId,
        (perAttacker.get(attacker.peerId) ?? 0) + session.segmentsStarted,
      );
      byViewer.set(session.viewerPeerId, perAttacker);
    }
  }
  return byViewer;
}

/** Viewers of `arm` whose trace has a `peer-banned` event naming one of `attackerIds`. */
export function viewersThatBanned(arm: ArmResult, attackerIds: ReadonlySet<string>): number {
  return arm.viewers.filter((viewer) =>
    viewer.trace.some(
      (entry) =>
        entry.event === 'peer-banned' &&
        typeof entry.peerId === 'string' &&
        attackerIds.has(entry.peerId),
    ),
  ).length;
}

/** What the attack section of a scenario's line says. */
export interface AttackInputs {
  readonly attack: string;
  readonly trustedHashes: boolean;
  /** The P2P arm (with the attackers, if any). */
  readonly attacked: ArmResult;
  /** The hostile peers' reports (empty without attackers). */
  readonly attackers: readonly HostilePeerReport[];
  /** The same scenario's P2P arm without attackers (undefined without attackers). */
  readonly clean: ArmResult | undefined;
  readonly originDigest: OriginDigest;
  /** The page records each delivered segment's SHA-256 (`PlayerPage.recordsDigests`). */
  readonly digestsRecorded: boolean;
}

/** The attack fields of a scenario's JSON line. */
export function attackFigures(inputs: AttackInputs): AttackFigures {
  const { attacked, attackers } = inputs;
  // A page that hashes nothing would otherwise show every segment as wrong.
  const comparison = inputs.digestsRecorded
    ? compareWithOrigin(attacked, inputs.originDigest)
    : { wrong: null, checked: 0 };
  const perViewer = segmentsUntilBan(attackers);
  let most: number | null = null;
  for (const perAttacker of perViewer.values()) {
    for (const count of perAttacker.values()) most = Math.max(most ?? 0, count);
  }
  const reached = new Set(
    attackers.flatMap((attacker) => attacker.sessions.map((session) => session.viewerPeerId)),
  );
  const attackerIds = new Set(attackers.map((attacker) => attacker.peerId));
  const offloadWithoutAttackers = inputs.clean === undefined ? null : armOffload(inputs.clean);
  const attackedOffload = armOffload(attacked);
  return {
    attackers: attackers.length,
    attack: attackers.length === 0 ? null : inputs.attack,
    trustedHashes: inputs.trustedHashes,
    wrongSegmentsPlayed: comparison.wrong,
    segmentsChecked: comparison.checked,
    segmentsUntilBanMax: most,
    viewersThatBanned: viewersThatBanned(attacked, attackerIds),
    viewersReached: reached.size,
    attackerSegmentsSent: attackers.reduce((sum, attacker) => sum + attacker.segmentsStarted, 0),
    attackerBytesSent: attackers.reduce((sum, attacker) => sum + attacker.bytesSent, 0),
    offloadWithoutAttackers,
    attackTargetsMet:
      attackers.length === 0
        ? null
        : {
            noWrongBytes: comparison.wrong === 0,
            bannedWithinOneSegment:
              (most ?? 0) <= 1 && viewersThatBanned(attacked, attackerIds) >= perViewer.size,
            offload:
              offloadWithoutAttackers !== null &&
              attackedOffload >= ATTACKED_OFFLOAD_TARGET_FACTOR * offloadWithoutAttackers,
          },
  };
}
