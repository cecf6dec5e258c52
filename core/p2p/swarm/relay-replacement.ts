/**
 * Keeping direct peers when the swarm is full. A connection's path (direct, or through a TURN
 * relay) is known only once it is up, while the peer limit is enforced before (offers beyond it are
 * dropped at the tracker). So while the swarm is full and holds a relayed peer, one connection more
 * is let in as a trial; once the trial's path is known, one relayed peer goes: the least busy one,
 * which is the trial itself when it is relayed too (it is then remembered, so the tracker's next
 * offers from it are not tried again while the swarm stays full). A direct trial thus replaces a
 * relayed peer; a relayed one costs a handshake and nothing else.
 *
 * Pure decisions; the swarm applies them. At most one connection above the limit, and at most one
 * trial per path reading, so a swarm of relayed-only peers (viewers behind symmetric NATs) does
 * not churn.
 */
import type { ConnectionPath } from '../peer/connection-path.js';

/** What the policy reads of a connected peer. */
export interface PathPeer {
  readonly peerId: string;
  readonly path: ConnectionPath;
  /** Our requests to it plus its requests we serve: what closing it would cut short. */
  readonly activeTransfers: number;
}

/**
 * True when the swarm should accept one connection beyond `maxPeers`: it is full and one of its
 * peers is relayed (so a direct newcomer could replace it).
 */
export function trialSlotOpen(peers: readonly PathPeer[], maxPeers: number): boolean {
  return maxPeers > 0 && peers.length >= maxPeers && peers.some((peer) => peer.path === 'relayed');
}

/**
 * The relayed peer to close when the swarm holds more than `maxPeers` peers (a trial was let in), or
 * undefined when none should go (within the limit, or no relayed peer). The peer with the fewest
 * transfers under way goes; on a tie, the newest (last in `peers`, which is in connection order).
 */
export function relayedPeerToClose(
  peers: readonly PathPeer[],
  maxPeers: number,
): string | undefined {
  if (peers.length <= maxPeers) return undefined;
  let chosen: PathPeer | undefined;
  for (const peer of peers) {
    if (peer.path !== 'relayed') continue;
    if (!chosen || peer.activeTransfers <= chosen.activeTransfers) chosen = peer;
  }
  return chosen?.peerId;
}

/** Relayed peers declined by a full swarm, most recent last, at most {@link MAX_DECLINED_RELAYED}. */
export const MAX_DECLINED_RELAYED = 256;

/** A bounded set of peer ids turned away because their connection was relayed and the swarm full. */
export class DeclinedRelayedPeers {
  private readonly ids = new Set<string>();

  /** Remembers `peerId` (the oldest id goes beyond {@link MAX_DECLINED_RELAYED}). */
  add(peerId: string): void {
    this.ids.delete(peerId);
    this.ids.add(peerId);
    if (this.ids.size > MAX_DECLINED_RELAYED) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }

  has(peerId: string): boolean {
    return this.ids.has(peerId);
  }
}
