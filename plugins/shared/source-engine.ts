/**
 * One source's engine, started through the hls.js or the Shaka adapter. The session holds at most
 * one at a time; destroying it releases the engine's peers, tracker sockets and timers.
 */
import type { EngineConfig } from '../../core/engine/config.js';
import type { SegmentEngine } from '../../core/engine/engine-api.js';
import { swarmIdFor } from '../../core/engine/swarm-id.js';
import { HlsJsP2PEngine, type HlsJsP2PLoaders } from '../../adapters/hlsjs/hlsjs-p2p-engine.js';
import type { HlsInstanceLike } from '../../adapters/hlsjs/hlsjs-types.js';
import { attach } from '../../adapters/shaka/shaka-p2p.js';
import type { ShakaNamespace, ShakaPlayerLike } from '../../adapters/shaka/shaka-types.js';
import type { PlayerSource } from './contract.js';

/** Creates an engine from its configuration (default: the real `Engine`). */
export type EngineFactory = (config: Partial<EngineConfig>) => SegmentEngine;

/** The engine of the current source. */
export interface SourceEngine {
  readonly kind: 'hlsjs' | 'shaka';
  readonly engine: SegmentEngine;
  /** The source's swarm id (configured `swarmId`, else the manifest URL without query). */
  readonly swarm: string;
  /** hls.js only: follows the instance created with this source's loaders. */
  bindHls(hls: HlsInstanceLike): void;
  /** Releases the engine. Idempotent. */
  destroy(): void;
}

/** Starts an engine for an hls.js instance about to be created; returns it and its loaders. */
export function startHlsSource(
  source: PlayerSource,
  config: Partial<EngineConfig>,
  createEngine: EngineFactory | undefined,
): { readonly sourceEngine: SourceEngine; readonly loaders: HlsJsP2PLoaders } {
  const adapter = new HlsJsP2PEngine(createEngine ? { ...config, createEngine } : config);
  const sourceEngine: SourceEngine = {
    kind: 'hlsjs',
    engine: adapter.engine,
    swarm: swarmIdFor(source.src, config.swarmId),
    bindHls: (hls) => {
      adapter.bindHls(hls);
    },
    destroy: () => {
      adapter.destroy();
    },
  };
  return { sourceEngine, loaders: adapter.getConfig() };
}

/** Plugs an engine into a Shaka player before it loads `source`. */
export function startShakaSource(
  player: ShakaPlayerLike,
  source: PlayerSource,
  shaka: ShakaNamespace,
  config: Partial<EngineConfig>,
  createEngine: EngineFactory | undefined,
): SourceEngine {
  const handle = attach(player, { ...config, shaka, ...(createEngine ? { createEngine } : {}) });
  return {
    kind: 'shaka',
    engine: handle.engine,
    swarm: swarmIdFor(source.src, config.swarmId),
    bindHls: () => {
      throw new Error(
        'p2p-media-loader: bindHls() is for hls.js sources (this one plays in Shaka)',
      );
    },
    destroy: () => {
      handle.destroy();
    },
  };
}
