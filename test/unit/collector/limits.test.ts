/**
 * The collector's bounded in-memory state: per-client token buckets (and the bounded client map),
 * the bounded `swarm` label set of /metrics, the bearer-token check, and the command line.
 */
import { parseCollectorCliArgs } from '../../../collector/cli-args.js';
import { BearerToken } from '../../../collector/http/bearer-token.js';
import { RateLimiter } from '../../../collector/http/rate-limiter.js';
import { OTHER_SWARM, SwarmLabels } from '../../../collector/metrics/swarm-labels.js';

describe('RateLimiter', () => {
  it('allows a burst, then the sustained rate, per client', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.take('b')).toBe(true);
    now += 500;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });

  it('remembers at most maxClients clients', () => {
    const limiter = new RateLimiter({ maxClients: 100 });
    for (let i = 0; i < 10_000; i++) limiter.take(`client-${i}`);
    expect(limiter.size).toBe(100);
  });
});

describe('SwarmLabels', () => {
  it('gives at most maxSwarms swarms their own label, then frees idle ones', () => {
    let now = 0;
    const labels = new SwarmLabels({ maxSwarms: 2, idleMs: 1000, maxLength: 10, now: () => now });
    expect(labels.labelOf('a')).toBe('a');
    expect(labels.labelOf('b'.repeat(50))).toBe('b'.repeat(10));
    expect(labels.labelOf('c')).toBe(OTHER_SWARM);
    now = 500;
    labels.labelOf('a');
    now = 1200;
    expect(labels.expire()).toEqual(['b'.repeat(10)]);
    expect(labels.labelOf('c')).toBe('c');
    expect(labels.size).toBe(2);
  });
});

describe('BearerToken', () => {
  it('lets everything through without a token and checks it when set', () => {
    expect(new BearerToken(undefined).allows(undefined)).toBe(true);
    const token = new BearerToken('s3cret');
    expect(token.allows('Bearer s3cret')).toBe(true);
    expect(token.allows('Bearer wrong')).toBe(false);
    expect(token.allows('s3cret')).toBe(false);
    expect(token.allows(undefined)).toBe(false);
  });
});

describe('parseCollectorCliArgs', () => {
  it('reads every option and the token from the environment', () => {
    expect(
      parseCollectorCliArgs(
        [
          '--port',
          '9100',
          '--host',
          '0.0.0.0',
          '--db',
          'postgres://u@h/db',
          '--retention-days',
          '7',
          '--trust-proxy',
        ],
        {
          P2PML_COLLECTOR_TOKEN: 't',
        },
      ),
    ).toEqual({
      kind: 'run',
      port: 9100,
      host: '0.0.0.0',
      db: 'postgres://u@h/db',
      retentionDays: 7,
      token: 't',
      trustProxy: true,
      maxSwarmLabels: 50,
    });
    expect(parseCollectorCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCollectorCliArgs(['--port', 'x'])).toMatchObject({ kind: 'error' });
    expect(parseCollectorCliArgs(['--nope'])).toMatchObject({
      kind: 'error',
      message: 'unknown argument --nope',
    });
  });
});
