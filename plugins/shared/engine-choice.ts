/**
 * Decides how a source plays: a pure function of the source and the environment, so the rules can
 * be read (and tested) in one place.
 */
import type { EngineChoice, PlayerSource } from './contract.js';
import type { PlaybackEnvironment } from './playback-environment.js';
import { sourceKindOf } from './source-kind.js';

/**
 * How `source` plays in `env`, first rule that applies:
 * 1. the plugin is off → `native` (`disabled`);
 * 2. neither HLS nor DASH → `native` (`unsupported-source`);
 * 3. no MSE / ManagedMediaSource → `native` (`no-mse`): the player's own (native HLS) playback;
 * 4. HLS → `hlsjs` where hls.js can play, else `shaka`; DASH → `shaka`; neither library →
 *    `native` (`engine-missing`);
 * 5. no WebRTC → the same `hlsjs`/`shaka` choice with reason `no-webrtc` (the session then runs the
 *    engine with P2P off, so delivery still goes through the engine over HTTP).
 */
export function chooseEngine(source: PlayerSource, env: PlaybackEnvironment): EngineChoice {
  const sourceKind = sourceKindOf(source);
  if (!env.enabled) return { kind: 'native', sourceKind, reason: 'disabled' };
  if (sourceKind === 'other') return { kind: 'native', sourceKind, reason: 'unsupported-source' };
  if (!env.mse) return { kind: 'native', sourceKind, reason: 'no-mse' };
  const kind = sourceKind === 'hls' && env.hlsjs ? 'hlsjs' : env.shaka ? 'shaka' : undefined;
  if (kind === undefined) return { kind: 'native', sourceKind, reason: 'engine-missing' };
  return env.webrtc ? { kind, sourceKind } : { kind, sourceKind, reason: 'no-webrtc' };
}
