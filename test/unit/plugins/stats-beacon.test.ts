import type { StatsBeaconPayload } from '../../../plugins/shared/contract.js';
import { createPlayerSession } from '../../../plugins/shared/player-session.js';
import { StatsBeacon } from '../../../plugins/shared/stats-beacon.js';

const URL = 'http://127.0.0.1:9/beacon';

/** Gives `globalThis` the window-like event API the beacon listens on, for one test. */
function withPageEvents(): {
  target: EventTarget;
  document: { visibilityState: string };
  restore(): void;
} {
  const target = new EventTarget();
  const scope = globalThis as unknown as Record<string, unknown>;
  const document = { visibilityState: 'visible' };
  scope['addEventListener'] = target.addEventListener.bind(target);
  scope['removeEventListener'] = target.removeEventListener.bind(target);
  scope['document'] = document;
  return {
    target,
    document,
    restore: () => {
      delete scope['addEventListener'];
      delete scope['removeEventListener'];
      delete scope['document'];
    },
  };
}

const payload = (t: number): StatsBeaconPayload => ({
  v: 2,
  id: 'viewer-1',
  swarm: '',
  engine: 'native',
  t,
  http: 0,
  p2p: 0,
  up: 0,
  peers: 0,
  seg: { http: 0, p2p: 0, cache: 0 },
  stalls: 0,
  stallMs: 0,
  startMs: null,
});

afterEach(() => {
  jest.useRealTimers();
});

describe('StatsBeacon', () => {
  it('sends every interval, when the page is hidden or left, and once more on destroy', () => {
    jest.useFakeTimers();
    const page = withPageEvents();
    try {
      const sent: string[] = [];
      let t = 0;
      const beacon = new StatsBeacon(
        { url: URL, intervalMs: 1000 },
        () => payload(t++),
        (url, body) => {
          expect(url).toBe(URL);
          sent.push(body);
        },
      );
      jest.advanceTimersByTime(2000);
      expect(sent).toHaveLength(2);
      page.target.dispatchEvent(new Event('visibilitychange'));
      expect(sent).toHaveLength(2);
      page.document.visibilityState = 'hidden';
      page.target.dispatchEvent(new Event('visibilitychange'));
      page.target.dispatchEvent(new Event('pagehide'));
      expect(sent).toHaveLength(4);
      beacon.destroy();
      beacon.destroy();
      expect(sent).toHaveLength(5);
      jest.advanceTimersByTime(5000);
      page.target.dispatchEvent(new Event('pagehide'));
      expect(sent).toHaveLength(5);
      expect(JSON.parse(sent[0] ?? 'null')).toEqual(payload(0));
    } finally {
      page.restore();
    }
  });
});

describe('the session beacon', () => {
  it('sends the StatsBeaconPayload schema, exactly, with a stable player id', () => {
    jest.useFakeTimers();
    const bodies: string[] = [];
    let clockMs = 5000;
    const session = createPlayerSession(
      { statsBeacon: { url: URL, intervalMs: 1000 } },
      { now: () => clockMs, sendBeacon: (_url, body) => bodies.push(body) },
    );
    clockMs += 1000;
    jest.advanceTimersByTime(1000);
    session.destroy();
    expect(bodies).toHaveLength(2);
    const [first, last] = bodies.map((body) => JSON.parse(body) as StatsBeaconPayload);
    expect(Object.keys(first ?? {}).sort()).toEqual(
      [
        'engine',
        'http',
        'id',
        'p2p',
        'peers',
        'seg',
        'stalls',
        'stallMs',
        'startMs',
        'swarm',
        't',
        'up',
        'v',
      ].sort(),
    );
    expect(first).toEqual({
      v: 2,
      id: expect.stringMatching(/^[\w-]{8,}$/) as unknown,
      swarm: '',
      engine: 'native',
      t: 1000,
      http: 0,
      p2p: 0,
      up: 0,
      peers: 0,
      seg: { http: 0, p2p: 0, cache: 0 },
      stalls: 0,
      stallMs: 0,
      startMs: null,
    });
    expect(last?.id).toBe(first?.id);
  });

  it('sends nothing without a statsBeacon option', () => {
    jest.useFakeTimers();
    const bodies: string[] = [];
    const session = createPlayerSession({}, { sendBeacon: (_url, body) => bodies.push(body) });
    jest.advanceTimersByTime(60_000);
    session.destroy();
    expect(bodies).toEqual([]);
  });
});
