/**
 * Two viewers can end up with two connections to each other: both announced and the tracker sent
 * each one's offer to the other, or the same offer arrived through two trackers. Both sides must
 * keep the same one, without talking to each other, so the rule is deterministic.
 */

/** What the rule needs to know about a connection. */
export interface ConnectionCandidate {
  /** True when we created the offer (simple-peer's `initiator`). */
  readonly initiator: boolean;
  /** True once the data channel is open. */
  readonly connected: boolean;
}

/**
 * Which connection to the same remote peer to keep.
 * 1. An open connection is never replaced: the other side may already use it.
 * 2. Of two pending connections in opposite directions, keep the one initiated by the peer with the
 *    smaller id; the other side, applying the same rule, keeps the same one.
 * 3. Otherwise (same direction, e.g. one offer via two trackers) keep the one that arrived first.
 */
export function connectionToKeep(
  existing: ConnectionCandidate,
  incoming: ConnectionCandidate,
  localPeerId: string,
  remotePeerId: string,
): 'existing' | 'incoming' {
  if (existing.connected) return 'existing';
  if (incoming.connected) return 'incoming';
  if (existing.initiator === incoming.initiator) return 'existing';
  const localShouldInitiate = localPeerId < remotePeerId;
  return incoming.initiator === localShouldInitiate ? 'incoming' : 'existing';
}
