/**
 * Hostile peers in the network lab (`npm run bench -- --attackers N --network …`): the bench accepts
 * both, and each attacker gets a lab namespace of its own beside the plan's slots, public and on a
 * clean line, which a valid lab description can hold. The run itself is the bench's (needs root).
 */
import { parseBenchArgs } from '../../../scripts/bench/bench-options.js';
import { attackerViewerSpecs } from '../../../scripts/bench/network-lab.js';
import { labSpecOf, planNetworkScenario } from '../../../scripts/bench/network-scenarios.js';
import { validateNetLabSpec } from '../../support/netlab/spec.js';

describe('--attackers with --network', () => {
  it('is accepted, with the attack options as without a lab', () => {
    expect(
      parseBenchArgs(['--network', 'nat', '--attackers', '2', '--attack', 'stalled-prefix']),
    ).toMatchObject({
      network: 'nat',
      attackers: 2,
      attack: 'stalled-prefix',
      browserPerViewer: true,
    });
    expect(() => parseBenchArgs(['--network', 'clean', '--attackers', '5'])).toThrow(/--attackers/);
  });
});

describe('attackerViewerSpecs', () => {
  it('gives each attacker a public, unshaped, lossless namespace named apart from plan slots', () => {
    expect(attackerViewerSpecs(2)).toEqual([
      { name: 'a0', nat: 'none', lossPercent: 0 },
      { name: 'a1', nat: 'none', lossPercent: 0 },
    ]);
    expect(attackerViewerSpecs(0)).toEqual([]);
  });

  it('fits beside every slot of a mixed plan in one valid lab', () => {
    const plan = planNetworkScenario({
      scenario: 'mixed',
      seed: 1,
      chromiumViewers: 6,
      virtualViewers: 24,
      staggerMs: 3000,
      watchMs: 180_000,
    });
    const planned = labSpecOf(plan);
    const spec = { ...planned, viewers: [...planned.viewers, ...attackerViewerSpecs(4)] };
    expect(() => {
      validateNetLabSpec(spec);
    }).not.toThrow();
    expect(new Set(spec.viewers.map((viewer) => viewer.name)).size).toBe(spec.viewers.length);
  });
});
