import {
  planRequest,
  type PeerCandidate,
  type PlanInput,
} from '../../../core/scheduler/request-plan.js';

const peer = (overrides: Partial<PeerCandidate> & { peerId: string }): PeerCandidate => ({
  has: false,
  fetching: false,
  throughputBps: undefined,
  inFlight: 0,
  proven: true,
  ...overrides,
});

const base: PlanInput = {
  slackSeconds: 4,
  expectedBytes: 250_000,
  httpBps: 20_000_000,
  safetyMarginSeconds: 1.5,
  peers: [],
  p2pAllowed: true,
  playerWaiting: true,
  peerWarmupSeconds: 0,
  random: 0.5,
};

describe('planRequest', () => {
  it('sends an urgent segment to HTTP at once even when a peer has it', () => {
    const plan = planRequest({
      ...base,
      slackSeconds: 1,
      peers: [peer({ peerId: 'a', has: true })],
    });
    expect(plan).toEqual({ kind: 'http', delaySeconds: 0 });
  });

  it('reserves the expected HTTP transfer time on top of the margin', () => {
    // 250 kB at 1 Mbit/s takes 2 s: with 1.5 s margin, 3 s of slack leaves no time for peers.
    const plan = planRequest({
      ...base,
      slackSeconds: 3,
      httpBps: 1_000_000,
      peers: [peer({ peerId: 'a', has: true })],
    });
    expect(plan.kind).toBe('http');
  });

  it('takes a live segment with a few seconds of slack from a peer that has it', () => {
    const plan = planRequest({ ...base, peers: [peer({ peerId: 'a', has: true })] });
    expect(plan).toEqual({ kind: 'p2p', peerId: 'a', deadlineSeconds: 4 - 1.5 - 0.1 });
  });

  it('gives a peer on probation one request at a time, a proven peer several', () => {
    const newcomer = peer({ peerId: 'new', has: true, throughputBps: 50_000_000, proven: false });
    const slower = peer({ peerId: 'slow', has: true, throughputBps: 1_000_000, inFlight: 1 });
    expect(planRequest({ ...base, peers: [newcomer, slower] })).toMatchObject({ peerId: 'new' });
    // With one of our requests under way, the newcomer waits until a segment of its is checked.
    const busyNewcomer = { ...newcomer, inFlight: 1 };
    expect(planRequest({ ...base, peers: [busyNewcomer, slower] })).toMatchObject({
      peerId: 'slow',
    });
    expect(
      planRequest({ ...base, peers: [{ ...busyNewcomer, proven: true }, slower] }),
    ).toMatchObject({ peerId: 'new' });
    // Alone on probation with a request under way: the segment is not queued behind it.
    expect(planRequest({ ...base, peers: [busyNewcomer] }).kind).toBe('http');
  });

  it('prefers the peer expected to finish first', () => {
    const plan = planRequest({
      ...base,
      peers: [
        peer({ peerId: 'slow', has: true, throughputBps: 1_000_000 }),
        peer({ peerId: 'fast', has: true, throughputBps: 50_000_000 }),
        peer({ peerId: 'busy-fast', has: true, throughputBps: 50_000_000, inFlight: 3 }),
      ],
    });
    expect(plan).toMatchObject({ kind: 'p2p', peerId: 'fast' });
  });

  it('waits for a peer that announced it is fetching the segment from the origin', () => {
    const plan = planRequest({ ...base, peers: [peer({ peerId: 'a', fetching: true })] });
    expect(plan).toEqual({ kind: 'wait-for-peer', deadlineSeconds: 4 - 1.5 - 0.1 });
  });

  it('fetches over HTTP after a random delay bounded by the slack when nobody has it', () => {
    const early = planRequest({ ...base, random: 0 });
    const late = planRequest({ ...base, random: 0.999 });
    expect(early).toEqual({ kind: 'http', delaySeconds: 0 });
    expect(late.kind).toBe('http');
    if (late.kind !== 'http') throw new Error('unreachable');
    // A quarter of the 2.4 s left for peers.
    expect(late.delaySeconds).toBeGreaterThan(0.55);
    expect(late.delaySeconds).toBeLessThanOrEqual(0.6);
    const vod = planRequest({ ...base, slackSeconds: 30, random: 0.999 });
    if (vod.kind !== 'http') throw new Error('expected http');
    expect(vod.delaySeconds).toBeLessThanOrEqual(1);
    const tight = planRequest({ ...base, slackSeconds: 1.75, random: 0.999 });
    if (tight.kind !== 'http') throw new Error('expected http');
    expect(tight.delaySeconds).toBeLessThan(0.05);
  });

  it('gives up a prefetch that peers cannot serve instead of using HTTP', () => {
    expect(planRequest({ ...base, playerWaiting: false })).toEqual({ kind: 'give-up' });
    expect(planRequest({ ...base, playerWaiting: false, slackSeconds: 0.5 })).toEqual({
      kind: 'give-up',
    });
  });

  it('waits for a swarm that is still connecting when there is time, not longer than the budget', () => {
    expect(planRequest({ ...base, peerWarmupSeconds: 1 })).toEqual({
      kind: 'wait-for-peer',
      deadlineSeconds: 1,
    });
    expect(planRequest({ ...base, peerWarmupSeconds: 9 })).toEqual({
      kind: 'wait-for-peer',
      deadlineSeconds: 4 - 1.5 - 0.1,
    });
    // Urgent segments never wait, warm-up or not.
    expect(planRequest({ ...base, slackSeconds: 1, peerWarmupSeconds: 9 })).toEqual({
      kind: 'http',
      delaySeconds: 0,
    });
  });

  it('never uses peers when P2P is not allowed', () => {
    const plan = planRequest({
      ...base,
      p2pAllowed: false,
      peers: [peer({ peerId: 'a', has: true })],
    });
    expect(plan).toEqual({ kind: 'http', delaySeconds: 0 });
  });
});
