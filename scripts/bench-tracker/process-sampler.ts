/**
 * Memory (RSS) and CPU time of another process, read from Linux's /proc: the bench measures the
 * tracker process alone, so its figures are not mixed with the load generator's. The parsers are
 * pure (text in, numbers out) so they can be tested without a process.
 */
import { readFileSync } from 'node:fs';

/**
 * Clock ticks per second of /proc CPU times. USER_HZ is 100 on every Linux architecture Node
 * supports (the kernel converts its internal HZ to it), and Node offers no sysconf to ask.
 */
export const USER_HZ = 100;

/** One reading of a process. */
export interface ProcessReading {
  /** Resident set size, in bytes. */
  readonly rssBytes: number;
  /** User plus system CPU time since the process started, in ms. */
  readonly cpuMs: number;
  /** When the reading was taken (`performance.now()`), in ms. */
  readonly atMs: number;
}

/**
 * User plus system CPU time in ms from the text of `/proc/PID/stat`. The command name (field 2)
 * may hold spaces and parentheses, so fields are counted from the last ')'. Undefined when the
 * text is not a stat line.
 */
export function parseProcStatCpuMs(text: string): number | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  // After ')' come field 3 (state) onwards; utime and stime are fields 14 and 15.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || fields.length < 13) return undefined;
  return ((utime + stime) * 1000) / USER_HZ;
}

/** Resident set size in bytes from the text of `/proc/PID/status` (its `VmRSS: N kB` line). */
export function parseProcStatusRssBytes(text: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Reads process `pid` now; undefined when it has exited or /proc is not there (not Linux). */
export function readProcess(
  pid: number,
  nowMs: number = performance.now(),
): ProcessReading | undefined {
  try {
    const cpuMs = parseProcStatCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const rssBytes = parseProcStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (cpuMs === undefined || rssBytes === undefined) return undefined;
    return { rssBytes, cpuMs, atMs: nowMs };
  } catch {
    return undefined;
  }
}

/** Cores a process used between two readings (1 = one core busy the whole time). */
export function coresBetween(from: ProcessReading, to: ProcessReading): number | undefined {
  const wallMs = to.atMs - from.atMs;
  return wallMs > 0 ? (to.cpuMs - from.cpuMs) / wallMs : undefined;
}

/**
 * Samples a process every `intervalMs` and keeps the peak RSS and the readings; the bench reads it
 * at phase boundaries. `destroy()` stops the timer.
 */
export class ProcessSampler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private peak = 0;
  private samples = 0;

  /**
   * @param pid - process to sample
   * @param intervalMs - sampling period for the peak RSS, in ms
   */
  constructor(
    readonly pid: number,
    intervalMs = 250,
  ) {
    this.timer = setInterval(() => {
      this.read();
    }, intervalMs);
    this.timer.unref();
  }

  /** A reading now (also counted toward the peak). */
  read(): ProcessReading | undefined {
    const reading = readProcess(this.pid);
    if (reading) {
      this.samples++;
      if (reading.rssBytes > this.peak) this.peak = reading.rssBytes;
    }
    return reading;
  }

  /** Largest RSS seen, in bytes; undefined before any reading. */
  get peakRssBytes(): number | undefined {
    return this.samples > 0 ? this.peak : undefined;
  }

  /** Stops sampling. */
  destroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
