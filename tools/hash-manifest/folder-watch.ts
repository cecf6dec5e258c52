/**
 * `--watch`: keeps the hash manifest of a live packager's output folder up to date. New and changed
 * segment files are hashed once they are stable (same size and modification time for `settleMs`:
 * a packager still writing a segment must not get it hashed half-written), files deleted from the
 * folder leave the manifest, and with a window only the newest segments stay listed. Every change
 * rewrites the manifest (and its signature) atomically.
 *
 * fs.watch reports changes at once where the platform supports it; a periodic rescan covers
 * platforms and file systems where it does not (network mounts, some containers).
 */
import type { KeyObject } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  addHash,
  type HashEntries,
  renderHashManifest,
  type RenderOptions,
} from './manifest-document.js';
import { writeHashManifest } from './manifest-writer.js';
import { listSegmentFiles, manifestKeyForPath } from './segment-files.js';
import { hashFile } from './segment-hashing.js';

/** Default time a file must stay unchanged before it is hashed, ms. */
export const DEFAULT_SETTLE_MS = 500;
/** Default interval of the fallback rescan, ms. */
export const DEFAULT_RESCAN_INTERVAL_MS = 2000;

/** Options of {@link HashManifestWatcher}. */
export interface HashManifestWatcherOptions {
  /** The folder the packager writes segments into. */
  readonly folder: string;
  /** Where the manifest is written; keys are relative to its folder. */
  readonly outPath: string;
  /** Output format; default `ours` (with `live: true`). */
  readonly format?: RenderOptions['format'];
  /** Signs every version when given. */
  readonly signingKey?: KeyObject;
  /** List at most this many segments, the newest by modification time (then name); default all. */
  readonly window?: number;
  /** Time a file must stay unchanged before it is hashed, ms; default {@link DEFAULT_SETTLE_MS}. */
  readonly settleMs?: number;
  /** Fallback rescan interval, ms; default {@link DEFAULT_RESCAN_INTERVAL_MS}. */
  readonly rescanIntervalMs?: number;
  /** Called after each manifest write with the number of entries listed. */
  readonly onWrite?: (entries: number) => void;
  /** Called with errors of a scan (the watcher keeps running). */
  readonly onError?: (error: unknown) => void;
}

/** What the watcher knows of one file. */
interface FileState {
  size: number;
  mtimeMs: number;
  /** When this size and mtime were first seen, ms (monotonic clock). */
  unchangedSinceMs: number;
  /** Hex SHA-256 once hashed at this size and mtime. */
  hex?: string;
}

/** Follows a folder and keeps its hash manifest current until {@link destroy}. */
export class HashManifestWatcher {
  private readonly options: HashManifestWatcherOptions;
  private readonly settleMs: number;
  private readonly files = new Map<string, FileState>();
  private watcher: FSWatcher | undefined;
  private readonly rescanTimer: ReturnType<typeof setInterval>;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private lastText: string | undefined;
  private destroyed = false;

  /** Starts watching at once; the first scan begins immediately. */
  constructor(options: HashManifestWatcherOptions) {
    this.options = options;
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    try {
      this.watcher = watch(options.folder, { recursive: true }, () => {
        this.requestScan();
      });
      this.watcher.on('error', (error) => {
        // The rescan timer keeps the manifest current without events.
        this.options.onError?.(error);
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (error) {
      this.options.onError?.(error);
    }
    this.rescanTimer = setInterval(() => {
      this.requestScan();
    }, options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS);
    this.requestScan();
  }

  /** Resolves once the scan running now (if any) and any scan it asked for have finished. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** Scans now (or right after the scan in progress). */
  requestScan(): void {
    if (this.destroyed) return;
    if (this.running !== undefined) {
      this.rerun = true;
      return;
    }
    this.running = this.scanLoop().finally(() => {
      this.running = undefined;
    });
  }

  /** Stops watching; resolves when no scan is running. The manifest stays as last written. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.rescanTimer);
    if (this.settleTimer !== undefined) clearTimeout(this.settleTimer);
    await this.idle();
  }

  private async scanLoop(): Promise<void> {
    do {
      try {
        await this.scan();
      } catch (error) {
        this.options.onError?.(error);
      }
    } while (this.takeRerunRequest());
  }

  /** True (once) when a scan was requested while one ran. */
  private takeRerunRequest(): boolean {
    const rerun = this.rerun && !this.destroyed;
    this.rerun = false;
    return rerun;
  }

  private async scan(): Promise<void> {
    const { folder } = this.options;
    const present = new Set(await listSegmentFiles(folder));
    for (const relative of this.files.keys()) {
      if (!present.has(relative)) this.files.delete(relative);
    }
    let waiting = false;
    for (const relative of present) {
      if (this.destroyed) return;
      const info = await stat(path.join(folder, relative)).catch(() => undefined);
      if (info === undefined) {
        this.files.delete(relative);
        continue;
      }
      const now = performance.now();
      const known = this.files.get(relative);
      if (known === undefined || known.size !== info.size || known.mtimeMs !== info.mtimeMs) {
        this.files.set(relative, { size: info.size, mtimeMs: info.mtimeMs, unchangedSinceMs: now });
        waiting = true;
        continue;
      }
      if (known.hex !== undefined) continue;
      if (now - known.unchangedSinceMs < this.settleMs || info.size === 0) {
        waiting = true;
        continue;
      }
      const hex = await hashFile(path.join(folder, relative)).catch(() => undefined);
      // Changed while hashing: the next look sees the new size or time and starts over.
      const after = await stat(path.join(folder, relative)).catch(() => undefined);
      if (hex !== undefined && after?.size === known.size && after.mtimeMs === known.mtimeMs) {
        known.hex = hex;
      } else {
        waiting = true;
      }
    }
    await this.writeIfChanged();
    if (waiting && !this.destroyed) this.scheduleSettledScan();
  }

  private scheduleSettledScan(): void {
    if (this.settleTimer !== undefined) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.requestScan();
    }, this.settleMs + 50);
  }

  private async writeIfChanged(): Promise<void> {
    const hashed = [...this.files.entries()]
      .filter((entry): entry is [string, FileState & { hex: string }] => entry[1].hex !== undefined)
      .sort(
        ([nameA, a], [nameB, b]) =>
          a.mtimeMs - b.mtimeMs || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0),
      );
    const listed =
      this.options.window === undefined
        ? hashed
        : hashed.slice(Math.max(0, hashed.length - this.options.window));
    const manifestDir = path.dirname(this.options.outPath);
    const entries: HashEntries = new Map();
    for (const [relative, state] of listed) {
      addHash(
        entries,
        manifestKeyForPath(manifestDir, path.join(this.options.folder, relative)),
        state.hex,
      );
    }
    const text = renderHashManifest(entries, { format: this.options.format ?? 'ours', live: true });
    if (text === this.lastText || this.destroyed) return;
    await writeHashManifest(this.options.outPath, text, this.options.signingKey);
    this.lastText = text;
    this.options.onWrite?.(entries.size);
  }
}
