/** `npm run bench -- --attackers N --attack KIND --trusted-hashes on|off`: parsing and defaults. */
import { BenchUsageError, parseBenchArgs } from '../../../scripts/bench/bench-options.js';

describe('parseBenchArgs: hostile peers', () => {
  it('runs without attackers, with trusted hashes on, by default', () => {
    expect(parseBenchArgs([])).toMatchObject({
      attackers: 0,
      attack: 'wrong-bytes',
      trustedHashes: true,
    });
  });

  it('reads --attackers, --attack and --trusted-hashes', () => {
    expect(
      parseBenchArgs(['--json', '--attackers', '1', '--trusted-hashes', 'off', '--seconds', '60']),
    ).toMatchObject({ attackers: 1, trustedHashes: false, seconds: 60, json: true });
    expect(parseBenchArgs(['--attackers', '4', '--attack', 'stalled-prefix'])).toMatchObject({
      attackers: 4,
      attack: 'stalled-prefix',
    });
    expect(parseBenchArgs(['--attack', 'oversized-map', '--trusted-hashes', 'on'])).toMatchObject({
      attack: 'oversized-map',
      trustedHashes: true,
    });
  });

  it('rejects attacker counts out of 0..4, unknown attacks and switches other than on/off', () => {
    for (const bad of ['-1', '5', '1.5', '', 'two']) {
      expect(() => parseBenchArgs([`--attackers=${bad}`])).toThrow(
        new BenchUsageError(`--attackers must be 0..4, got '${bad}'`),
      );
    }
    expect(() => parseBenchArgs(['--attack', 'ddos'])).toThrow(
      new BenchUsageError(
        "--attack must be wrong-bytes, stalled-prefix, oversized-map, got 'ddos'",
      ),
    );
    expect(() => parseBenchArgs(['--trusted-hashes', 'yes'])).toThrow(
      new BenchUsageError("--trusted-hashes must be on or off, got 'yes'"),
    );
    expect(() => parseBenchArgs(['--trusted-hashes'])).toThrow(BenchUsageError);
  });
});
