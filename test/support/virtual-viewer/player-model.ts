/**
 * What every virtual player model offers its viewer group: the hls.js model (virtual-viewer.ts)
 * and the Shaka model (shaka-viewer.ts) both implement it, so a group runs either without knowing
 * which player it models.
 */
import type { ViewerResult } from './viewer-result.js';

/** One virtual viewer, whatever player it models. */
export interface PlayerModel {
  /** The viewer's id (in its results). */
  readonly id: string;
  /**
   * Loads the manifest and starts playing until destroyed. Resolves once playback is under way;
   * rejects with a `VirtualViewerError` when the manifest cannot be loaded.
   */
  start(): Promise<void>;
  /** The results so far (`partial` until destroyed). */
  result(): ViewerResult;
  /** Stops timers and requests and destroys the engine. Idempotent. */
  destroy(): void;
}
