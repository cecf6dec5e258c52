/**
 * TrackerSignalling driving a tracker fleet, with tracker connections replaced by fakes the test
 * controls and a fake clock: which groups get connected, when the swarm falls over and comes back,
 * what it reports, and that a plain URL list behaves as before (all trackers at once, no timers).
 */
import { rendezvousOrder } from '../../../core/p2p/signalling/tracker-fleet.js';
import type { TrackerConnectionListener } from '../../../core/p2p/signalling/tracker-connection.js';
import {
  TrackerSignalling,
  type TrackerSignallingEvents,
} from '../../../core/p2p/signalling/tracker-signalling.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';

/** A tracker connection the test drives through its listener. */
interface FakeConnection {
  readonly url: string;
  readonly listener: TrackerConnectionListener;
  started: boolean;
  destroyed: boolean;
  connected: boolean;
}

const mockConnections: FakeConnection[] = [];

jest.mock('../../../core/p2p/signalling/tracker-connection.js', () => ({
  TrackerConnection: class {
    readonly fake: FakeConnection;
    constructor(url: string, _identity: unknown, listener: TrackerConnectionListener) {
      this.fake = { url, listener, started: false, destroyed: false, connected: false };
      mockConnections.push(this.fake);
    }
    get url(): string {
      return this.fake.url;
    }
    get connected(): boolean {
      return this.fake.connected;
    }
    start(): void {
      this.fake.started = true;
    }
    announce(): void {
      // The fake tracker ignores announces; tests report answers through the listener.
    }
    destroy(): Promise<void> {
      this.fake.destroyed = true;
      return Promise.resolve();
    }
  },
}));

const PEER_ID = 'ab'.repeat(20);
const INFO_HASH = infoHashFor('https://origin.test/live/master.m3u8', 'video-0');
const FLEET = [['ws://a1.test', 'ws://a2.test'], ['ws://b1.test'], ['ws://c1.test']];
const ORDER = rendezvousOrder(INFO_HASH, FLEET);

function groupAt(rank: number): string[] {
  return FLEET[ORDER[rank] ?? -1] ?? [];
}

function live(url: string): FakeConnection {
  const connection = mockConnections.find((c) => c.url === url && !c.destroyed);
  if (!connection) throw new Error(`no live connection to ${url}`);
  return connection;
}

function liveUrls(): string[] {
  return mockConnections
    .filter((c) => !c.destroyed)
    .map((c) => c.url)
    .sort();
}

function fail(url: string): void {
  const connection = live(url);
  connection.connected = false;
  connection.listener.onDisconnected(new Error('refused'), false);
}

function answer(url: string): void {
  const connection = live(url);
  connection.connected = true;
  connection.listener.onConnected();
  connection.listener.onSwarmSize(3);
}

let signalling: TrackerSignalling | undefined;

function start(trackers: readonly string[] | readonly (readonly string[])[]) {
  const groups: TrackerSignallingEvents['tracker-group'][] = [];
  const created = new TrackerSignalling({ infoHash: INFO_HASH, peerId: PEER_ID, trackers });
  created.on('tracker-group', (event) => groups.push(event));
  created.on('tracker-error', () => undefined);
  created.start();
  signalling = created;
  return { signalling: created, groups };
}

beforeEach(() => {
  jest.useFakeTimers();
  mockConnections.length = 0;
});

afterEach(async () => {
  await signalling?.destroy();
  signalling = undefined;
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

it('announces to every tracker of a plain list at once and never fails over', () => {
  const { signalling: plain, groups } = start(['ws://a1.test', 'ws://b1.test']);
  expect(liveUrls()).toEqual(['ws://a1.test', 'ws://b1.test']);
  for (let i = 0; i < 5; i++) fail('ws://a1.test');
  for (let i = 0; i < 5; i++) fail('ws://b1.test');
  jest.advanceTimersByTime(120_000);
  expect(liveUrls()).toEqual(['ws://a1.test', 'ws://b1.test']);
  expect(groups).toEqual([]);
  expect(plain.activeTrackerGroup.groupIndex).toBe(0);
});

it('connects only the first-ranked group of a fleet and reports it', () => {
  const { signalling: fleet, groups } = start(FLEET);
  expect(liveUrls()).toEqual([...groupAt(0)].sort());
  expect(groups).toEqual([
    { groupIndex: ORDER[0], rank: 0, trackers: groupAt(0), reason: 'initial' },
  ]);
  expect(fleet.activeTrackerGroup).toEqual({ groupIndex: ORDER[0], trackers: groupAt(0) });
});

it('falls over when every tracker of the group failed 3 attempts, keeps probing it, and returns when it answers', () => {
  const { signalling: fleet, groups } = start(FLEET);
  const [first] = groupAt(0);
  for (const url of groupAt(0)) for (let i = 0; i < 2; i++) fail(url);
  expect(liveUrls()).toEqual([...groupAt(0)].sort());
  for (const url of groupAt(0)) fail(url);
  expect(liveUrls()).toEqual([...groupAt(0), ...groupAt(1)].sort());
  expect(groups.at(-1)).toMatchObject({ groupIndex: ORDER[1], rank: 1, reason: 'failover' });
  expect(fleet.activeTrackerGroup.groupIndex).toBe(ORDER[1]);

  for (const url of groupAt(1)) answer(url);
  // The preferred group's socket opens: it counts only once the tracker answers an announce.
  const preferred = live(first ?? '');
  preferred.connected = true;
  preferred.listener.onConnected();
  expect(fleet.activeTrackerGroup.groupIndex).toBe(ORDER[1]);
  preferred.listener.onSwarmSize(2);
  expect(groups.at(-1)).toMatchObject({ groupIndex: ORDER[0], rank: 0, reason: 'recovered' });
  expect(liveUrls()).toEqual([...groupAt(0)].sort());
});

it('falls over when the group’s connects hang for 15 s, and down the whole order', () => {
  const { signalling: fleet, groups } = start(FLEET);
  jest.advanceTimersByTime(14_999);
  expect(fleet.activeTrackerGroup.groupIndex).toBe(ORDER[0]);
  jest.advanceTimersByTime(1);
  expect(fleet.activeTrackerGroup.groupIndex).toBe(ORDER[1]);
  jest.advanceTimersByTime(15_000);
  expect(fleet.activeTrackerGroup.groupIndex).toBe(ORDER[2]);
  expect(liveUrls()).toEqual(FLEET.flat().sort());
  expect(groups.map((g) => g.reason)).toEqual(['initial', 'failover', 'failover']);
});

it('stays on the group while one of its trackers answers, however long the others hang', () => {
  const { signalling: fleet } = start(FLEET);
  const [first] = groupAt(0);
  answer(first ?? '');
  jest.advanceTimersByTime(60_000);
  expect(fleet.activeTrackerGroup.groupIndex).toBe(ORDER[0]);
});
