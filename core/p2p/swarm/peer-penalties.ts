/**
 * Peers that failed us recently are left out of the scheduler's choice for a while: longer for a
 * peer that went silent than for one that was merely busy, and longer each time it happens again.
 */
import { P2PMediaLoaderError } from '../../errors.js';
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
      case 'idle-timeout':
        return 10_000;
      case 'closed':
      case 'aborted':
        return 0;
    }
  }
  return 30_000; // integrity and protocol failures (the peer is also disconnected)
}

/** Exclusions by peer id. */
export class PeerPenalties {
  private readonly until = new Map<string, number>();
  private readonly strikes = new Map<string, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Excludes `peerId` for a time that depends on `reason` and on its earlier strikes. */
  penalize(peerId: string, reason: P2PMediaLoaderError): void {
    const base = basePenaltyMs(reason);
    if (base === 0) return;
    const strikes = (this.strikes.get(peerId) ?? 0) + 1;
    this.strikes.set(peerId, strikes);
    this.until.set(peerId, this.now() + base * Math.min(8, 2 ** (strikes - 1)));
  }

  /** True while `peerId` is excluded. */
  isPenalized(peerId: string): boolean {
    const until = this.until.get(peerId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(peerId);
    return false;
  }

  /** Forgets a peer that left. */
  forget(peerId: string): void {
    this.until.delete(peerId);
    this.strikes.delete(peerId);
  }
}

/** True for failures that mean the peer cannot be trusted: it is disconnected. */
export function isMisbehaviour(reason: P2PMediaLoaderError): boolean {
  return reason.code === 'segment-integrity' || reason.code === 'peer-protocol';
}
