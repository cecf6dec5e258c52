/**
 * Two engines that can reach each other only through a TURN server (coturn, `iceTransportPolicy:
 * 'relay'`) count what they exchange as relayed P2P bytes, both ways; the same engines without the
 * relay-only policy count it as direct. Real WebRTC (@roamhq/wrtc), the embedded tracker and the
 * example origin, inside the network namespace:
 *   bash scripts/netns-run.sh npx jest --selectProjects integration --testPathPatterns \
 *     test/integration/p2p/relay-engines
 * Skipped outside the namespace and without `turnserver` (see relay-turn-server.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../../core/engine/engine.js';
import type { Segment, StreamDescriptor } from '../../../core/model/segment.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';
import { syntheticTsSegment } from '../../support/synthetic-segments.js';
import { waitUntil } from '../../support/wait.js';
import { TEST_HOST, TurnServer, turnSkipReason } from './relay-turn-server.js';

jest.setTimeout(30_000);

const skipReason = turnSkipReason();
if (skipReason) console.warn(`relay-engines: skipped: ${skipReason}`);
const describeWithTurn = skipReason ? describe.skip : describe;

const SEGMENT_SECONDS = 2;
const SEGMENT_COUNT = 4;
const STREAM: StreamDescriptor = { key: 'main:relay/index.m3u8', kind: 'main' };

let mediaDir: string;
let origin: OriginServer;
let tracker: TrackerServer;
let turn: TurnServer;
const engines: Engine[] = [];

function segmentsFor(): Segment[] {
  return Array.from({ length: SEGMENT_COUNT }, (_, index) => ({
    id: 300 + index,
    url: `${origin.url}/vod/relay/seg${index}.ts`,
    startTime: index * SEGMENT_SECONDS,
    endTime: (index + 1) * SEGMENT_SECONDS,
  }));
}

function newEngine(swarmId: string, rtcConfig: RTCConfiguration): Engine {
  const engine = new Engine({
    trackers: [tracker.url],
    rtcConfig,
    swarmId,
    p2pPrefetchSeconds: 0,
    // About paths, not a busy thread: the machine is shared by other test workers.
    mainThreadBackoff: false,
  });
  engines.push(engine);
  engine.setSource(`${origin.url}/vod/relay/master.m3u8`);
  engine.updateStream(STREAM, { segments: segmentsFor(), isLive: false });
  engine.setActiveStream(STREAM);
  return engine;
}

/** A seeder loads every segment from the origin; a viewer with time to spare gets them from it. */
async function exchange(rtcConfig: RTCConfiguration): Promise<{ seeder: Engine; viewer: Engine }> {
  const swarmId = `relay-${Math.random()}`;
  const seeder = newEngine(swarmId, rtcConfig);
  const viewer = newEngine(swarmId, rtcConfig);
  await waitUntil(
    () => (seeder.getStats().peers >= 1 && viewer.getStats().peers >= 1) || undefined,
    { timeoutMs: 15_000, description: 'two engines connected' },
  );
  seeder.setPlayback({ position: 0, rate: 1, bufferedEnd: 0 });
  for (const segment of segmentsFor()) await seeder.loadSegment(STREAM, segment);
  viewer.setPlayback({ position: 0, rate: 0, bufferedEnd: 60 });
  // Segment 0 is due at once (origin); the rest have 2+ s of slack: from the seeder.
  const later = segmentsFor().slice(1);
  const loaded = [];
  for (const segment of later) loaded.push(await viewer.loadSegment(STREAM, segment));
  expect(loaded.filter((segment) => segment.source === 'p2p').length).toBeGreaterThan(0);
  return { seeder, viewer };
}

beforeAll(async () => {
  if (skipReason) return;
  mediaDir = mkdtempSync(path.join(tmpdir(), 'p2pml-relay-'));
  const dir = path.join(mediaDir, 'relay');
  mkdirSync(dir);
  for (let index = 0; index < SEGMENT_COUNT; index++) {
    writeFileSync(path.join(dir, `seg${index}.ts`), syntheticTsSegment(index + 60, 1200));
  }
  origin = await startOrigin({ mediaDir, port: 0 });
  tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
  turn = await TurnServer.start(TEST_HOST ?? '');
});

afterEach(() => {
  for (const engine of engines.splice(0)) engine.destroy();
});

afterAll(async () => {
  if (skipReason) return;
  (turn as TurnServer | undefined)?.destroy();
  await Promise.all([origin.stop(), tracker.stop()]);
  rmSync(mediaDir, { recursive: true, force: true });
});

describeWithTurn('engines through a real TURN server (coturn)', () => {
  it('count relayed P2P bytes apart, downloaded and uploaded', async () => {
    const { seeder, viewer } = await exchange({
      iceServers: [turn.iceServer()],
      iceTransportPolicy: 'relay',
    });
    const received = viewer.getStats();
    expect(received.p2pBytes).toBeGreaterThan(0);
    expect(received.p2pBytesByPath).toEqual({
      direct: 0,
      relayed: received.p2pBytes,
      unknown: 0,
    });
    const sent = seeder.getStats();
    expect(sent.uploadBytesByPath).toEqual({ direct: 0, relayed: sent.uploadBytes, unknown: 0 });
    // Offload without TURN traffic: nothing the viewer got from peers counts.
    expect(received.p2pBytes - (received.p2pBytesByPath?.relayed ?? 0)).toBe(0);
  });

  it('count the same exchange as direct when ICE may pick a direct pair', async () => {
    const { seeder, viewer } = await exchange({ iceServers: [turn.iceServer()] });
    const received = viewer.getStats();
    expect(received.p2pBytesByPath).toEqual({
      direct: received.p2pBytes,
      relayed: 0,
      unknown: 0,
    });
    expect(seeder.getStats().uploadBytesByPath?.relayed).toBe(0);
  });
});
