/**
 * What a failing "no stall" expectation shows: per stall, where playback stopped, how long it
 * waited, and the segment deliveries either side of it. Tests put it where the stall count would
 * be, so a diff shows the evidence at the line that differs (CI logs keep only the first lines of a
 * failure).
 */
import type { HarnessTraceEntry } from './hlsjs-page.js';

/** A segment request the player made, as the hls.js and Shaka harnesses record them. */
interface PlayerRequest {
  readonly url: string;
  readonly startedAtMs: number;
  readonly fragStart?: number;
  readonly playhead?: number;
}

/** What a stall report needs of a harness snapshot (pages that record requests add `loads`). */
export interface StallEvidence {
  readonly stalls: { readonly count: number; readonly totalMs: number };
  readonly trace: readonly HarnessTraceEntry[];
  readonly loads?: readonly PlayerRequest[];
}

/** Requests shown before a stall: when the player asked for what it ran out of. */
const REQUESTS_BEFORE = 4;

/** Deliveries shown before a stall (the ones that should have prevented it). */
const DELIVERIES_BEFORE = 4;

/** `segment-loaded` entry as `<stream>#<id> <source> <t>ms`, t relative to `originMs`. */
function describeDelivery(entry: HarnessTraceEntry, originMs: number): string {
  const stream = typeof entry.streamKey === 'string' ? entry.streamKey : '';
  const rawId = entry.segmentId ?? entry.sn;
  const id = typeof rawId === 'number' || typeof rawId === 'string' ? rawId : '?';
  const source = typeof entry.source === 'string' ? entry.source : '?';
  const offset = Math.round(entry.atMs - originMs);
  return `${stream}#${String(id)} ${source} ${offset >= 0 ? '+' : ''}${offset}ms`;
}

function describeNumber(value: unknown): string {
  return typeof value === 'number' ? value.toFixed(2) : '?';
}

/** Request as `<file>@<fragStart>s <t>ms (playhead <p>s)`, t relative to `originMs`. */
function describeRequest(request: PlayerRequest, originMs: number): string {
  const file = request.url.slice(request.url.lastIndexOf('/') + 1);
  const offset = Math.round(request.startedAtMs - originMs);
  return `${file}@${describeNumber(request.fragStart)}s ${offset}ms (playhead ${describeNumber(request.playhead)}s)`;
}

/** One line for the stall at `stall`: position, buffer, duration and the deliveries around it. */
function describeStall(evidence: StallEvidence, stall: HarnessTraceEntry): string {
  const { trace } = evidence;
  const end = trace.find((entry) => entry.event === 'stall-end' && entry.atMs >= stall.atMs);
  const deliveries = trace.filter((entry) => entry.event === 'segment-loaded');
  const before = deliveries.filter((entry) => entry.atMs <= stall.atMs).slice(-DELIVERIES_BEFORE);
  const after = deliveries.find((entry) => entry.atMs > stall.atMs);
  const lasted = typeof end?.ms === 'number' ? `${Math.round(end.ms)} ms` : 'not over';
  return (
    `at ${describeNumber(stall.currentTime)} s, buffered to ${describeNumber(stall.bufferedEnd)} s, ` +
    `lasted ${lasted}; before: [${before.map((e) => describeDelivery(e, stall.atMs)).join(', ')}]` +
    `; next: ${after ? describeDelivery(after, stall.atMs) : 'none'}` +
    requestsBefore(evidence, stall)
  );
}

/** The player's last requests before the stall ('' when the page records none). */
function requestsBefore(evidence: StallEvidence, stall: HarnessTraceEntry): string {
  if (!evidence.loads) return '';
  const asked = evidence.loads
    .filter((request) => request.startedAtMs <= stall.atMs && request.fragStart !== undefined)
    .slice(-REQUESTS_BEFORE);
  return `; asked: [${asked.map((request) => describeRequest(request, stall.atMs)).join(', ')}]`;
}

/**
 * 0 when the viewer never stalled, else one line per stall in its trace (and the totals when the
 * trace no longer holds them). Expect it `toEqual(0)`.
 */
export function stallReport(snapshot: StallEvidence): 0 | string[] {
  if (snapshot.stalls.count === 0) return 0;
  const stalls = snapshot.trace.filter((entry) => entry.event === 'stall');
  const lines = stalls.map((stall) => describeStall(snapshot, stall));
  if (stalls.length < snapshot.stalls.count) {
    lines.push(`${snapshot.stalls.count} stalls, ${Math.round(snapshot.stalls.totalMs)} ms in all`);
  }
  return lines;
}
