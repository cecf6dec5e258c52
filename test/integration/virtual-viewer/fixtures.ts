/**
 * What the two virtual-viewer integration tests (virtual-viewers.test.ts for the hls.js model,
 * shaka-virtual-viewers.test.ts for the Shaka model) set up and check alike: the real origin and
 * tracker started once per file, viewers and viewer processes cleaned up after each test, and the
 * checks of a swarm's results (bytes identical to the origin's files, joiners offloaded, the
 * origin serving less than the viewers were handed).
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';
import type { ViewerResult } from '../../support/virtual-viewer/viewer-result.js';
import type { ViewerSpec } from '../../support/virtual-viewer/viewer-spec.js';

/** The origin's media folder (`examples/media/streams`). */
export const MEDIA_DIR = path.resolve(__dirname, '../../../examples/media/streams');

/** The origin and tracker of a test file, and what its tests started (ended after each test). */
export interface ViewerLab<Viewer extends { destroy(): void }> {
  /** The origin (started in `beforeAll`). */
  readonly origin: OriginServer;
  /** The embedded tracker (started in `beforeAll`). */
  readonly tracker: TrackerServer;
  /** In-process viewers: destroyed after each test. */
  readonly viewers: Viewer[];
  /** Viewer processes: killed (SIGKILL) after each test if still running. */
  readonly children: ChildProcess[];
}

/**
 * Registers the Jest hooks of a virtual-viewer integration file: origin and tracker started
 * before all tests and stopped after, viewers and processes ended after each test.
 */
export function useViewerLab<Viewer extends { destroy(): void }>(): ViewerLab<Viewer> {
  let origin: OriginServer | undefined;
  let tracker: TrackerServer | undefined;
  const viewers: Viewer[] = [];
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    origin = await startOrigin({
      mediaDir: MEDIA_DIR,
      port: 0,
      host: process.env.P2PML_TEST_HOST ?? '127.0.0.1',
    });
    tracker = await startTrackerServer({ port: 0, host: '127.0.0.1', maxSocketsPerIp: 0 });
  });
  afterEach(() => {
    for (const viewer of viewers.splice(0)) viewer.destroy();
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await Promise.all([origin?.stop(), tracker?.stop()]);
  });
  return {
    get origin(): OriginServer {
      if (!origin) throw new Error('The origin starts in beforeAll');
      return origin;
    },
    get tracker(): TrackerServer {
      if (!tracker) throw new Error('The tracker starts in beforeAll');
      return tracker;
    },
    viewers,
    children,
  };
}

/** The origin's file bytes behind a segment URL (`/vod/<path>` or `/live/<session>/<path>`). */
export function originBytes(url: string, byteRange?: { start: number; end: number }): Buffer {
  const { pathname } = new URL(url);
  const relative = pathname.startsWith('/vod/')
    ? pathname.slice('/vod/'.length)
    : pathname.split('/').slice(3).join('/');
  const file = readFileSync(path.join(MEDIA_DIR, relative));
  return byteRange ? file.subarray(byteRange.start, byteRange.end) : file;
}

/** Asserts every delivered segment of `result` is byte-identical to the origin's file. */
export function expectOriginBytes(result: ViewerResult): void {
  for (const segment of result.segments) {
    const expected = createHash('sha256')
      .update(originBytes(segment.url, segment.byteRange))
      .digest('hex');
    expect({ url: segment.url, sha256: segment.sha256 }).toEqual({
      url: segment.url,
      sha256: expected,
    });
  }
}

/**
 * Asserts that every viewer after the first got bytes from peers and that the origin served
 * fewer media bytes under `originPathPrefix` than all viewers were handed.
 */
export function expectOffload(
  origin: OriginServer,
  originPathPrefix: string,
  results: readonly ViewerResult[],
): void {
  expectJoinersOffloaded(results);
  const delivered = results.reduce(
    (sum, r) => sum + r.deliveredBytes.http + r.deliveredBytes.p2p + r.deliveredBytes.cache,
    0,
  );
  expect(origin.counters.mediaBytes(originPathPrefix)).toBeLessThan(delivered);
}

/** Asserts that every viewer after the first got bytes from peers. */
export function expectJoinersOffloaded(results: readonly ViewerResult[]): void {
  for (const joiner of results.slice(1)) {
    expect({ viewer: joiner.viewer, p2p: joiner.deliveredBytes.p2p > 0 }).toEqual({
      viewer: joiner.viewer,
      p2p: true,
    });
  }
}

/** The part of a viewer-process spec that puts it in `lab`'s live `session` of `stream`. */
export function liveSpec(
  lab: ViewerLab<{ destroy(): void }>,
  session: string,
  stream: string,
): Partial<ViewerSpec> {
  return {
    mode: 'live',
    stream,
    session,
    originUrl: lab.origin.url,
    trackers: [lab.tracker.url],
  };
}
