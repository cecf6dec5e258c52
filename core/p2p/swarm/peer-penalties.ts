/**
 * Peers that failed us are left out of the scheduler's choice for a while: longer for a peer that
 * went silent or dripped than for one that was merely busy, and longer each time it happens again.
 * Penalties are kept by peer id for the engine's lifetime (bounded to the most recent
 * {@link MAX_PENALIZED_PEERS} ids): a peer that disconnects and reconnects comes back with the
 * exclusion and strikes it left with.
 */
import { P2PMediaLoaderError } from '../../errors.js';
import { MAX_PENALIZED_PEERS } from '../peer/peer-limits.js';
import { PeerRequestError } from '../peer/peer-request-error.js';

/** Base exclusion time by failure, in ms. */
function basePenaltyMs(reason: P2PMediaLoaderError): number {
  if (reason instanceof PeerRequestError) {
    switch (reason.reason) {
      case 'busy':
      case 'too-many-requests':
        return 500;
      case 'absent':
        return 1000; // its map was stale; it will announce again
      case 'deadline-missed':
        // Often a tight budget (a live segment due soon) more than a bad peer: a short pause, so
        // the next segment tries someone else, doubling if it keeps happening.
        return 2000;
      case 'idle-timeout':
      case 'too-slow':
        return 10_000;
      case 'oversized':
        return 30_000; // announced a size no segment of the stream has
      case 'closed':
      case 'aborted':
        return 0;
    }
  }
  return 30_000; // integrity and protocol failures (the peer is also disconnected)
}

interface PenaltyRecord {
  untilMs: number;
  strikes: number;
  /** Protocol or integrity violations so far. */
  misbehaviours: number;
  /** True while the current exclusion is for a violation (the peer is refused at connect then). */
  misbehaving: boolean;
}

/** Exclusions by peer id. */
export class PeerPenalties {
  private readonly records = new Map<string, PenaltyRecord>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Excludes `peerId` for a time that depends on `reason` and on its earlier strikes.
   * @returns the number of violations (protocol, integrity) the peer has committed so far
   */
  penalize(peerId: string, reason: P2PMediaLoaderError): number {
    const base = basePenaltyMs(reason);
    const record = this.records.get(peerId) ?? {
      untilMs: 0,
      strikes: 0,
      misbehaviours: 0,
      misbehaving: false,
    };
    if (base === 0) return record.misbehaviours;
    record.strikes++;
    const untilMs = this.now() + base * Math.min(8, 2 ** (record.strikes - 1));
    const misbehaving = isMisbehaviour(reason);
    if (misbehaving) record.misbehaviours++;
    if (untilMs >= record.untilMs) {
      record.untilMs = untilMs;
      record.misbehaving = misbehaving || (record.misbehaving && record.untilMs > this.now());
    }
    // Re-inserting keeps the map in order of last penalty: the oldest go first.
    this.records.delete(peerId);
    this.records.set(peerId, record);
    if (this.records.size > MAX_PENALIZED_PEERS) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
    return record.misbehaviours;
  }

  /** True while `peerId` is excluded. */
  isPenalized(peerId: string): boolean {
    const record = this.records.get(peerId);
    return record !== undefined && record.untilMs > this.now();
  }

  /** True while `peerId` is excluded for a protocol or integrity violation: it is not let back in. */
  isExcludedForMisbehaviour(peerId: string): boolean {
    const record = this.records.get(peerId);
    return record !== undefined && record.misbehaving && record.untilMs > this.now();
  }
}

/** True for failures that mean the peer cannot be trusted: it is disconnected. */
export function isMisbehaviour(reason: P2PMediaLoaderError): boolean {
  return reason.code === 'segment-integrity' || reason.code === 'peer-protocol';
}
