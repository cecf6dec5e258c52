/**
 * The `player` label of the collector's metrics. Its values are a fixed small set (the players a
 * beacon may name, and `unknown`), so it needs no limit like the swarm label; anything outside the
 * set (which the beacon validator already refuses) is written as `other`, so no input can grow it.
 */
import { BUCKET_PLAYERS, type BeaconPlayer } from '../beacon/beacon-schema.js';

/** Every value the `player` label takes. */
export const PLAYER_LABELS: readonly BeaconPlayer[] = BUCKET_PLAYERS;

/** The label of a beacon's player: itself when in {@link PLAYER_LABELS}, else `other`. */
export function playerLabelOf(player: string): BeaconPlayer {
  return PLAYER_LABELS.includes(player as BeaconPlayer) ? (player as BeaconPlayer) : 'other';
}
