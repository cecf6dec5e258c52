/**
 * What one viewer's page costs its device: main-thread CPU time and JS heap, from Chromium's
 * DevTools protocol (`Performance.getMetrics`). Real viewers are often CPU-starved phones (issue
 * 16), so the bench reports, per viewer and both arms, CPU time per played minute and the largest
 * JS heap seen.
 *
 * `TaskDuration` is the cumulative time, in seconds, the page's renderer main thread spent running
 * tasks (scripts, layout, media pipeline glue); dedicated workers (hls.js's transmuxer) are not in
 * it. The meter reads it when the viewer joins (before navigating) and when it leaves, so each
 * viewer's figure is its own, whatever else shares the browser. Browsers without the DevTools
 * protocol (Firefox) get no meter: the figures are then undefined, never a failure.
 */
import type { CDPSession, Page } from 'playwright-core';

/** One reading of the page's metrics. */
export interface PageMetricsReading {
  /** Cumulative main-thread task time since the page's renderer started, seconds. */
  readonly taskSeconds: number;
  /** JS heap in use, bytes. */
  readonly heapUsedBytes: number;
}

/** What a viewer's page cost between join and leave. */
export interface PageCost {
  /** Main-thread task time between the join and the leave reading, ms. */
  readonly cpuMs: number;
  /** Largest JS heap in use over every reading, bytes. */
  readonly heapBytesMax: number;
}

function metricValue(
  metrics: readonly { name: string; value: number }[],
  name: string,
): number | undefined {
  const value = metrics.find((metric) => metric.name === name)?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Reads one page's DevTools performance metrics; create it with {@link PageMetricsMeter.attach}. */
export class PageMetricsMeter {
  private heapMax: number;
  private last: PageMetricsReading;
  private left: PageMetricsReading | undefined;

  private constructor(
    private readonly session: CDPSession,
    /** The reading when the meter was attached (the viewer's join). */
    readonly atJoin: PageMetricsReading,
  ) {
    this.heapMax = atJoin.heapUsedBytes;
    this.last = atJoin;
  }

  /**
   * Enables the protocol's Performance domain on `page` and takes the join reading; undefined when
   * the browser has no DevTools protocol or the page refuses it.
   */
  static async attach(page: Page): Promise<PageMetricsMeter | undefined> {
    let session: CDPSession;
    try {
      session = await page.context().newCDPSession(page);
    } catch {
      return undefined; // not Chromium
    }
    try {
      await session.send('Performance.enable');
      const first = await PageMetricsMeter.readSession(session);
      if (first !== undefined) return new PageMetricsMeter(session, first);
    } catch {
      // fall through: no metrics from this page
    }
    await session.detach().catch(() => undefined);
    return undefined;
  }

  private static async readSession(session: CDPSession): Promise<PageMetricsReading | undefined> {
    const { metrics } = await session.send('Performance.getMetrics');
    const taskSeconds = metricValue(metrics, 'TaskDuration');
    const heapUsedBytes = metricValue(metrics, 'JSHeapUsedSize');
    if (taskSeconds === undefined || heapUsedBytes === undefined) return undefined;
    return { taskSeconds, heapUsedBytes };
  }

  /**
   * Takes a reading (heap maximum included); returns it, or undefined when the page is gone or
   * busy navigating. Never throws.
   */
  async read(): Promise<PageMetricsReading | undefined> {
    let reading: PageMetricsReading | undefined;
    try {
      reading = await PageMetricsMeter.readSession(this.session);
    } catch {
      return undefined;
    }
    if (reading !== undefined) {
      this.last = reading;
      this.heapMax = Math.max(this.heapMax, reading.heapUsedBytes);
    }
    return reading;
  }

  /** Takes the leave reading: {@link cost} counts up to here. Later reads still update the heap. */
  async markLeave(): Promise<void> {
    this.left = (await this.read()) ?? this.last;
  }

  /** CPU and heap between join and leave (or the latest reading, before `markLeave`). */
  cost(): PageCost {
    const end = this.left ?? this.last;
    return {
      cpuMs: Math.max(0, (end.taskSeconds - this.atJoin.taskSeconds) * 1000),
      heapBytesMax: this.heapMax,
    };
  }

  /** Detaches from the page; idempotent, never throws. */
  async destroy(): Promise<void> {
    await this.session.detach().catch(() => undefined);
  }
}
