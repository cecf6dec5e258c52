/**
 * The simulator's command line and audience curves: defaults, every bound refused with a clear
 * message, and stays that are deterministic per seed and shaped as documented.
 */
import { seededRandom } from '../../support/virtual-viewer/viewer-spec.js';
import {
  audienceAt,
  LAB_STAGGER_SECONDS,
  LIVE_RUSH_SPAN,
  MIN_WATCH_SECONDS,
  planLabStays,
  planStays,
} from '../../../scripts/simulate/arrival-curve.js';
import { parseSimulateArgs } from '../../../scripts/simulate/simulate-options.js';

describe('npm run simulate options', () => {
  it('defaults to 100 live viewers for 600 s, seed 1, home links, scale 0.05', () => {
    const command = parseSimulateArgs([]);
    expect(command).toMatchObject({
      kind: 'run',
      options: { viewers: 100, mode: 'live', seconds: 600, seed: 1, profile: 'home', scale: 0.05 },
    });
  });

  it('reads the issue 18 command line', () => {
    const command = parseSimulateArgs([
      '--viewers',
      '10000',
      '--mode',
      'vod',
      '--seconds',
      '600',
      '--seed',
      '7',
      '--json',
    ]);
    expect(command).toMatchObject({
      kind: 'run',
      options: { viewers: 10000, mode: 'vod', seconds: 600, seed: 7, json: true },
    });
  });

  it.each([
    [['--viewers', '0'], /--viewers must be an integer/],
    [['--viewers', '1e9'], /--viewers must be an integer/],
    [['--seconds', 'ten'], /--seconds must be an integer/],
    [['--mode', 'dvr'], /--mode must be live or vod/],
    [['--profile', 'satellite'], /--profile must be/],
    [['--scale', '0'], /--scale must be a number/],
    [['--scale', '2'], /--scale must be a number/],
    [['--engine-config', '[1]'], /must be a JSON object/],
    [['--engine-config', '{'], /is not JSON/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    const command = parseSimulateArgs(argv);
    expect(command.kind).toBe('error');
    if (command.kind === 'error') expect(command.message).toMatch(message);
  });
});

describe('audience curves', () => {
  it('plans a live event: a rush in the first fifth, stays of at least 30 s, same per seed', () => {
    const stays = planStays(2000, 'live', 600, seededRandom(5));
    expect(planStays(2000, 'live', 600, seededRandom(5))).toEqual(stays);
    const rushEndMs = LIVE_RUSH_SPAN * 600_000;
    const inRush = stays.filter((stay) => stay.joinMs < rushEndMs).length;
    // 60 % rush plus the steady arrivals' share of nothing before the rush ends.
    expect(inRush / stays.length).toBeGreaterThan(0.55);
    expect(inRush / stays.length).toBeLessThan(0.65);
    for (const stay of stays) {
      expect(stay.joinMs).toBeGreaterThan(0);
      expect(stay.leaveMs).toBeLessThanOrEqual(600_000);
      expect(stay.leaveMs - stay.joinMs).toBeGreaterThanOrEqual(
        Math.min(MIN_WATCH_SECONDS * 1000, 600_000 - stay.joinMs),
      );
    }
    // Most of a live audience stays to the end.
    expect(audienceAt(stays, 599_999) / stays.length).toBeGreaterThan(0.5);
  });

  it('plans the lab pattern: one join every 3 s, each watching the given seconds', () => {
    const stays = planLabStays(30, 180);
    expect(stays).toHaveLength(30);
    expect((stays[1]?.joinMs ?? 0) - (stays[0]?.joinMs ?? 0)).toBe(LAB_STAGGER_SECONDS * 1000);
    expect(stays.every((stay) => stay.leaveMs - stay.joinMs === 180_000)).toBe(true);
  });
});
