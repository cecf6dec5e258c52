/**
 * The viewers of one process, started from a {@link ViewerSpec}: creates each viewer's engine
 * (real WebRTC through @roamhq/wrtc in Node), staggers their starts, emits JSON-able lines
 * (progress, results, the process's CPU time and peak RSS) and stops everything on `finish()`.
 * The process entry (viewer-process.ts) prints the lines; tests read them directly.
 */
import { Engine } from '../../../core/engine/engine.js';
import type { EngineConfig } from '../../../core/engine/config.js';
import type { SegmentEngine } from '../../../core/engine/engine-api.js';
import type { PlayerModel } from './player-model.js';
import { ShakaVirtualViewer } from './shaka-viewer.js';
import { VirtualViewer } from './virtual-viewer.js';
import { manifestUrlOf, seededRandom, type ViewerSpec } from './viewer-spec.js';
import {
  MAX_CONNECTION_EVENTS,
  type EngineConnectionEvent,
  type PeerBan,
  type ViewerResult,
} from './viewer-result.js';

/** CPU time and memory of the process, as reported at the end. */
export interface ProcessUsage {
  readonly pid: number;
  readonly viewers: number;
  /** ms since the group was created. */
  readonly wallMs: number;
  /** CPU time in user and kernel mode since the group was created, ms. */
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** CPU time (user + kernel) since the process started, module loading included, ms. */
  readonly cpuProcessMs: number;
  /** Resident set size now and at its peak (the whole process's life), bytes. */
  readonly rssBytes: number;
  readonly rssBytesMax: number;
}

/** A line of a viewer process's output (stdout, one JSON object per line). */
export type ViewerProcessLine =
  | { readonly type: 'ready'; readonly pid: number; readonly viewers: readonly string[] }
  | ({ readonly type: 'progress' } & Omit<ViewerResult, 'requests' | 'segments'>)
  | ({ readonly type: 'result' } & ViewerResult)
  | ({ readonly type: 'process' } & ProcessUsage)
  | {
      readonly type: 'error';
      readonly viewer?: string;
      readonly code: string;
      readonly message: string;
    };

/** Settings of a {@link ViewerGroup}. */
export interface ViewerGroupOptions {
  readonly spec: ViewerSpec;
  /** Receives every output line. */
  readonly emit: (line: ViewerProcessLine) => void;
  /** Creates a viewer's engine. Default: the real {@link Engine}. */
  readonly createEngine?: (config: Partial<EngineConfig>) => SegmentEngine;
}

/** The viewers of one process. */
export class ViewerGroup {
  private readonly viewers: PlayerModel[] = [];
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private progressTimer: ReturnType<typeof setInterval> | undefined;
  private readonly createdAtMs = performance.now();
  private readonly cpuAtStart = process.cpuUsage();
  private finished: Promise<ViewerResult[]> | undefined;
  /** Peers each viewer's engine banned, by viewer index. */
  private readonly bans: PeerBan[][] = [];
  /** Each viewer's engine peer and tracker connection events, by viewer index. */
  private readonly connectionEvents: EngineConnectionEvent[][] = [];

  constructor(private readonly options: ViewerGroupOptions) {}

  /** The ids of the group's viewers, first to last. */
  get ids(): string[] {
    const { spec } = this.options;
    const base = spec.id ?? `viewer-${process.pid}`;
    return Array.from({ length: spec.viewers }, (_, i) => (i === 0 ? base : `${base}-${i}`));
  }

  /** Creates the viewers and starts them `staggerMs` apart; emits `ready`. */
  start(): void {
    const { spec, emit } = this.options;
    const manifestUrl = manifestUrlOf(spec);
    const ids = this.ids;
    emit({ type: 'ready', pid: process.pid, viewers: ids });
    ids.forEach((id, index) => {
      const engine = spec.p2p ? this.engine() : undefined;
      const banned: PeerBan[] = [];
      this.bans.push(banned);
      // The engine's own verdicts, for the bench's attack report (which viewers dropped whom).
      engine?.on('peer-banned', ({ peerId, error }) => {
        banned.push({ atEpochMs: Date.now(), peerId, code: error.code });
      });
      const connections: EngineConnectionEvent[] = [];
      this.connectionEvents.push(connections);
      if (engine) recordConnectionEvents(engine, connections);
      const common = {
        id,
        manifestUrl,
        ...(engine === undefined ? {} : { engine }),
        hashSegments: spec.hashSegments,
        random: seededRandom(spec.seed + index),
      };
      const viewer: PlayerModel =
        spec.player === 'shaka'
          ? new ShakaVirtualViewer({ ...common, shakaConfig: spec.shakaConfig })
          : new VirtualViewer(common);
      this.viewers.push(viewer);
      const timer = setTimeout(() => {
        viewer.start().catch((error: unknown) => {
          emit({ type: 'error', viewer: id, ...describe(error) });
        });
      }, index * spec.staggerMs);
      this.timers.push(timer);
      // Each viewer watches `seconds` from its own start, as a Chromium viewer of the bench does;
      // the process ends with the last one.
      if (spec.seconds > 0) {
        this.timers.push(
          setTimeout(
            () => {
              viewer.destroy();
            },
            index * spec.staggerMs + spec.seconds * 1000,
          ),
        );
      }
    });
    if (spec.progressIntervalMs > 0) {
      this.progressTimer = setInterval(() => {
        for (const viewer of this.viewers) {
          emit({ type: 'progress', ...summaryOf(viewer.result()) });
        }
      }, spec.progressIntervalMs);
    }
  }

  /**
   * Stops every viewer (timers, requests, engines), emits one `result` line per viewer and a
   * `process` line, and resolves with the results. Idempotent.
   */
  finish(): Promise<ViewerResult[]> {
    this.finished ??= Promise.resolve().then(() => {
      const { spec, emit } = this.options;
      for (const timer of this.timers) clearTimeout(timer);
      clearInterval(this.progressTimer);
      for (const viewer of this.viewers) viewer.destroy();
      const results = this.viewers.map((viewer, index) => {
        const peersBanned = this.bans[index] ?? [];
        const connectionEvents = this.connectionEvents[index] ?? [];
        const result = viewer.result();
        return {
          ...result,
          ...(peersBanned.length === 0 ? {} : { peersBanned }),
          ...(spec.p2p ? { connectionEvents } : {}),
        };
      });
      for (const result of results) {
        emit(
          spec.details
            ? { type: 'result', ...result }
            : { type: 'result', ...result, requests: [], segments: [] },
        );
      }
      emit({ type: 'process', ...this.usage() });
      return results;
    });
    return this.finished;
  }

  /** The process's CPU time since the group was created and its RSS. */
  usage(): ProcessUsage {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const total = process.cpuUsage();
    return {
      pid: process.pid,
      viewers: this.viewers.length,
      wallMs: Math.round(performance.now() - this.createdAtMs),
      cpuUserMs: Math.round(cpu.user / 1000),
      cpuSystemMs: Math.round(cpu.system / 1000),
      cpuProcessMs: Math.round((total.user + total.system) / 1000),
      rssBytes: process.memoryUsage.rss(),
      // maxRSS is in kilobytes.
      rssBytesMax: process.resourceUsage().maxRSS * 1024,
    };
  }

  private engine(): SegmentEngine {
    const { spec } = this.options;
    const config: Partial<EngineConfig> = {
      trackers: spec.trackers,
      rtcConfig: { iceServers: [...spec.iceServers] },
      // The viewers of a group share one Node thread, so its lateness is the group's, not one
      // device's: starved devices are Chromium viewers with a CPU throttle. A spec may turn it on.
      mainThreadBackoff: false,
      ...spec.engineConfig,
    };
    return this.options.createEngine ? this.options.createEngine(config) : new Engine(config);
  }
}

/** `{ code, message }` of any error (typed errors keep their code). */
export function describe(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'error', message: error.message };
  }
  return { code: 'error', message: String(error) };
}

/** A result without its per-request and per-segment records. */
export function summaryOf(result: ViewerResult): Omit<ViewerResult, 'requests' | 'segments'> {
  return Object.fromEntries(
    Object.entries(result).filter(([key]) => key !== 'requests' && key !== 'segments'),
  ) as Omit<ViewerResult, 'requests' | 'segments'>;
}

/** Appends the engine's peer and tracker connection events to `into`, at most MAX_CONNECTION_EVENTS. */
function recordConnectionEvents(engine: SegmentEngine, into: EngineConnectionEvent[]): void {
  const add = (event: EngineConnectionEvent): void => {
    if (into.length < MAX_CONNECTION_EVENTS) into.push(event);
  };
  engine.on('peer-connected', ({ peerId, streamKey }) => {
    add({ atEpochMs: Date.now(), event: 'peer-connected', peerId, streamKey });
  });
  engine.on('peer-disconnected', ({ peerId, streamKey, reason }) => {
    add({
      atEpochMs: Date.now(),
      event: 'peer-disconnected',
      peerId,
      streamKey,
      ...(reason === undefined ? {} : { code: reason.code }),
    });
  });
  engine.on('tracker-connected', ({ trackerUrl }) => {
    add({ atEpochMs: Date.now(), event: 'tracker-connected', trackerUrl });
  });
  engine.on('tracker-error', ({ trackerUrl, error }) => {
    add({ atEpochMs: Date.now(), event: 'tracker-error', trackerUrl, code: error.code });
  });
}
