/**
 * Machine-wide CPU use between two readings, from Linux's /proc/stat. Six Chromium viewers share
 * this machine's cores, so a startup or stall difference between arms can be CPU contention rather
 * than the engine's doing: the bench records how busy the machine was to tell the two apart.
 */
import { readFileSync } from 'node:fs';

interface CpuTimes {
  readonly idle: number;
  readonly total: number;
}

function readCpuTimes(): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks since boot.
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    if (ticks.length < 5 || ticks.some((value) => !Number.isFinite(value))) return undefined;
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { idle, total: ticks.reduce((sum, value) => sum + value, 0) };
  } catch {
    return undefined; // not Linux: no CPU figures
  }
}

/** Busy fraction of all cores since the previous reading. */
export class CpuMeter {
  private last = readCpuTimes();

  /** Fraction 0..1 of CPU time spent busy since the last call (or construction); undefined off Linux. */
  busySinceLast(): number | undefined {
    const now = readCpuTimes();
    const previous = this.last;
    this.last = now;
    if (now === undefined || previous === undefined || now.total <= previous.total)
      return undefined;
    return 1 - (now.idle - previous.idle) / (now.total - previous.total);
  }
}
