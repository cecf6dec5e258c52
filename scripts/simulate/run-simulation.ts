/**
 * One simulated run: `viewers` real engines, each driven by the hls.js player model of the virtual
 * viewers (test/support/virtual-viewer), joining and leaving on the audience curve
 * (arrival-curve.ts), all in this process on a virtual clock (virtual-clock.ts), deterministic per
 * seed (determinism.ts). What is real and what is simulated:
 * - real: the engine (scheduler, request planner, store, swarm logic, protocol codec, tracker
 *   signalling client, integrity checks) and the player model;
 * - simulated: time, the origin (sim-origin.ts: the lab's ladder and live window, synthetic bytes),
 *   each viewer's access link (viewer-link.ts, drawn from link-profiles.ts), WebRTC data channels
 *   and NAT traversal (sim-peer.ts), the WebTorrent tracker (sim-tracker.ts).
 * The baseline arm is the same run (same viewers, links, stays) with P2P off: the player model
 * fetching every segment from the origin itself, as hls.js without the library would.
 */
import { Engine } from '../../core/engine/engine.js';
import type { EngineConfig } from '../../core/engine/config.js';
import { createP2PNetwork } from '../../core/p2p/swarm/p2p-network.js';
import { VirtualViewer } from '../../test/support/virtual-viewer/virtual-viewer.js';
import type { ViewerResult } from '../../test/support/virtual-viewer/viewer-result.js';
import { seededRandom } from '../../test/support/virtual-viewer/viewer-spec.js';
import { planLabStays, planStays, type ViewerStay } from './arrival-curve.js';
import { installDeterminism } from './determinism.js';
import {
  drawViewerProfile,
  labCleanProfile,
  type ProfileMixName,
  type ViewerProfile,
} from './link-profiles.js';
import { SimOrigin } from './sim-origin.js';
import { SimTracker } from './sim-tracker.js';
import { ViewerLink, type NatType } from './viewer-link.js';
import { VirtualClock } from './virtual-clock.js';

/** The tracker URL every simulated engine is given (never opened: the tracker is simulated). */
export const SIM_TRACKER_URL = 'ws://tracker.sim/announce';

/** How often the run samples the audience and the byte counters for the charts, ms. */
export const SAMPLE_INTERVAL_MS = 10_000;

/** What to simulate. */
export interface SimulationOptions {
  readonly viewers: number;
  readonly mode: 'live' | 'vod';
  /** Simulated seconds. */
  readonly seconds: number;
  readonly seed: number;
  /** Whether viewers play through the engine (P2P) or fetch from the origin (baseline). */
  readonly p2p: boolean;
  /**
   * Link profile mix the viewers are drawn from; `lab`: the network lab's clean scenario (fast,
   * open links) with the lab's join pattern (one viewer every 3 s, each watching `seconds`).
   */
  readonly profile: ProfileMixName | 'lab';
  /** Segment sizes and link rates are multiplied by this (1 = real sizes). */
  readonly scale: number;
  /** Engine settings on top of the defaults (P2P arm). */
  readonly engineConfig?: Partial<EngineConfig>;
  /** Hash every segment a player receives (SHA-256 in its result), for byte checks. Default false. */
  readonly hashSegments?: boolean;
  /** The player model's stream tick and `timeupdate` periods, ms (defaults: hls.js's and Chromium's). */
  readonly tickIntervalMs?: number;
  readonly timeupdateIntervalMs?: number;
  /** Called with the virtual time now and then (progress output). */
  readonly onProgress?: (simulatedMs: number, present: number) => void;
}

/** One sample of the run's timeline. */
export interface TimelineSample {
  /** Simulated seconds since the start. */
  readonly seconds: number;
  /** Viewers present. */
  readonly audience: number;
  /** Segment bytes the origin has served so far (scaled, as simulated). */
  readonly originBytes: number;
  /** Segment bytes peers have delivered so far (scaled). */
  readonly p2pBytes: number;
  /** Mean connected peers per present viewer. */
  readonly peersPerViewer: number;
}

/** Per-viewer figures kept after a run. */
export interface SimulatedViewer {
  readonly kind: 'home' | 'mobile';
  readonly nat: NatType;
  readonly stay: ViewerStay;
  readonly result: ViewerResult;
  /** Mean connected peers over the samples the viewer was present at. */
  readonly meanPeers: number;
}

/** What a run produced. */
export interface SimulationRun {
  readonly options: SimulationOptions;
  /** How long the run lasted on the simulated clock, ms (longer than `seconds` with `lab` joins). */
  readonly runMs: number;
  readonly viewers: readonly SimulatedViewer[];
  readonly timeline: readonly TimelineSample[];
  readonly origin: SimOrigin['stats'];
  /** Mean and max origin requests per live segment (per rendition and media sequence). */
  readonly originRequestsPerSegment: { readonly mean: number; readonly max: number };
  readonly tracker: {
    readonly messages: number;
    readonly connectionsOpened: number;
    readonly connectionsFailedNat: number;
  } | null;
  /** Timer callbacks that threw (the engine or the model failed somewhere): should be 0. */
  readonly callbackErrors: number;
  readonly firstCallbackError: string | undefined;
  readonly wallMs: number;
  readonly peakRssBytes: number;
}

/** Runs one arm of a simulation. Installs and removes the virtual clock and seeded randomness. */
export async function runSimulation(options: SimulationOptions): Promise<SimulationRun> {
  // Real time, read through functions taken before the virtual clock replaces them.
  const realNow = Date.now.bind(Date);
  const wallStart = realNow();
  // Viewers, links and stays come from their own seeded streams, so both arms get the same ones
  // whatever the engine draws from Math.random.
  const stayRandom = seededRandom(options.seed * 7 + 1);
  const profileRandom = seededRandom(options.seed * 7 + 2);
  const lab = options.profile === 'lab';
  const stays = lab
    ? planLabStays(options.viewers, options.seconds)
    : planStays(options.viewers, options.mode, options.seconds, stayRandom);
  const profiles = stays.map((): ViewerProfile =>
    options.profile === 'lab'
      ? labCleanProfile(options.scale)
      : drawViewerProfile(options.profile, profileRandom, options.scale),
  );
  const runMs = stays.reduce((end, stay) => Math.max(end, stay.leaveMs), options.seconds * 1000);

  const restoreRandomness = installDeterminism(options.seed);
  const clock = new VirtualClock();
  clock.install();
  try {
    const linkRandom = seededRandom(options.seed * 7 + 3);
    const origin = new SimOrigin({ mode: options.mode, scale: options.scale });
    const tracker = options.p2p
      ? new SimTracker({ random: seededRandom(options.seed * 7 + 4) })
      : null;
    const viewers: (VirtualViewer | undefined)[] = [];
    const engines: (Engine | undefined)[] = [];
    const peerSamples = stays.map(() => ({ sum: 0, count: 0 }));
    const timeline: TimelineSample[] = [];
    let present = 0;
    let departedP2PBytes = 0;

    stays.forEach((stay, index) => {
      const profile = profiles[index];
      if (!profile) return;
      setTimeout(() => {
        const link = new ViewerLink(profile.link, linkRandom);
        const fetchImpl = origin.fetchFor(link);
        const endpoint = { link, nat: profile.nat };
        const engine = tracker
          ? new Engine(
              {
                trackers: [SIM_TRACKER_URL],
                mainThreadBackoff: false,
                ...options.engineConfig,
              },
              {
                fetch: fetchImpl,
                createPeerNetwork: (context) =>
                  createP2PNetwork(context, { connectTracker: tracker.connectorFor(endpoint) }),
              },
            )
          : undefined;
        const viewer = new VirtualViewer({
          id: `viewer-${index}`,
          manifestUrl: origin.manifestUrl,
          ...(engine ? { engine } : {}),
          fetch: fetchImpl,
          hashSegments: options.hashSegments ?? false,
          ...(options.tickIntervalMs === undefined
            ? {}
            : { tickIntervalMs: options.tickIntervalMs }),
          ...(options.timeupdateIntervalMs === undefined
            ? {}
            : { timeupdateIntervalMs: options.timeupdateIntervalMs }),
          random: seededRandom(options.seed * 100_003 + index),
        });
        viewers[index] = viewer;
        engines[index] = engine;
        present++;
        viewer.start().catch(() => {
          // The model records its fatal error in its result.
        });
      }, stay.joinMs);
      if (stay.leaveMs < runMs) {
        setTimeout(() => {
          const engine = engines[index];
          if (engine) departedP2PBytes += engine.getStats().p2pBytes;
          viewers[index]?.destroy();
          engines[index] = undefined;
          present--;
        }, stay.leaveMs);
      }
    });

    const sample = (): void => {
      let p2pBytes = departedP2PBytes;
      let peers = 0;
      engines.forEach((engine, index) => {
        if (!engine) return;
        const stats = engine.getStats();
        p2pBytes += stats.p2pBytes;
        peers += stats.peers;
        const slot = peerSamples[index];
        if (slot) {
          slot.sum += stats.peers;
          slot.count++;
        }
      });
      timeline.push({
        seconds: Math.round(performance.now() / 1000),
        audience: present,
        originBytes: origin.stats.segmentBytes,
        p2pBytes,
        peersPerViewer: present > 0 ? peers / present : 0,
      });
      options.onProgress?.(performance.now(), present);
    };
    const sampler = setInterval(sample, SAMPLE_INTERVAL_MS);

    await clock.runUntil(runMs);
    clearInterval(sampler);
    sample();

    const results = viewers.map((viewer) => {
      viewer?.destroy();
      return viewer?.result();
    });
    // Let the engines' last teardown (tracker 'stopped', channel closes) run on the clock.
    await clock.runUntil(runMs + 1000);

    const simulated: SimulatedViewer[] = [];
    stays.forEach((stay, index) => {
      const result = results[index];
      const profile = profiles[index];
      const peers = peerSamples[index];
      if (!result || !profile || !peers) return;
      simulated.push({
        kind: profile.kind,
        nat: profile.nat,
        stay,
        result,
        meanPeers: peers.count > 0 ? peers.sum / peers.count : 0,
      });
    });
    return {
      options,
      runMs,
      viewers: simulated,
      timeline,
      origin: origin.stats,
      originRequestsPerSegment: liveOrVodRequests(origin, options.mode),
      tracker: tracker
        ? {
            messages: tracker.messagesReceived + tracker.messagesSent,
            connectionsOpened: tracker.connectionsOpened,
            connectionsFailedNat: tracker.connectionsFailedNat,
          }
        : null,
      callbackErrors: clock.callbackErrorCount,
      firstCallbackError: describeError(clock.callbackErrors[0]),
      wallMs: realNow() - wallStart,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    clock.uninstall();
    restoreRandomness();
  }
}

/**
 * Origin requests per segment: live, per media sequence over every rendition, counted for the
 * segments that have left the live window (their count is final); VOD, per rendition and index.
 */
function liveOrVodRequests(origin: SimOrigin, mode: 'live' | 'vod'): { mean: number; max: number } {
  if (mode === 'live') {
    const live = origin.liveSegmentRequests();
    return { mean: live.meanRequests, max: live.maxRequests };
  }
  return requestsPerSegment(origin.stats.requestsBySegment);
}

function requestsPerSegment(bySegment: ReadonlyMap<string, number>): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (const count of bySegment.values()) {
    sum += count;
    max = Math.max(max, count);
  }
  return { mean: bySegment.size > 0 ? sum / bySegment.size : 0, max };
}

function describeError(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (error instanceof Error) return error.stack ?? error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
