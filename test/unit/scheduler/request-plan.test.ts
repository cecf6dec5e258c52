import {
  planRequest,
  transferMissesDeadline,
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
  connectedPeers: 3,
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
    // 250 kB at 2 Mbit/s behind one request: 2 s, within the 2.4 s budget.
    const slower = peer({ peerId: 'slow', has: true, throughputBps: 2_000_000, inFlight: 1 });
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
    // Well ahead (30 s of slack) the delay is bounded at 1 s.
    const vod = planRequest({ ...base, slackSeconds: 30, random: 0.999 });
    if (vod.kind !== 'http') throw new Error('expected http');
    expect(vod.delaySeconds).toBeGreaterThan(0.99);
    expect(vod.delaySeconds).toBeLessThanOrEqual(1);
    const tight = planRequest({ ...base, slackSeconds: 1.75, random: 0.999 });
    if (tight.kind !== 'http') throw new Error('expected http');
    expect(tight.delaySeconds).toBeLessThan(0.05);
  });

  it('fetches at once when no peer is connected: nobody could announce the segment meanwhile', () => {
    expect(planRequest({ ...base, slackSeconds: 30, random: 0.999, connectedPeers: 0 })).toEqual({
      kind: 'http',
      delaySeconds: 0,
    });
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

  describe('connection paths', () => {
    it('prefers a direct peer over a faster relayed one when both hold the segment', () => {
      const plan = planRequest({
        ...base,
        peers: [
          peer({ peerId: 'relayed', has: true, throughputBps: 50_000_000, path: 'relayed' }),
          peer({ peerId: 'direct', has: true, throughputBps: 5_000_000, path: 'direct' }),
        ],
      });
      expect(plan).toMatchObject({ kind: 'p2p', peerId: 'direct' });
    });

    it('counts an unknown path as direct, and uses a relayed peer when it is the only source', () => {
      const relayed = peer({ peerId: 'relayed', has: true, path: 'relayed' });
      expect(
        planRequest({ ...base, peers: [relayed, peer({ peerId: 'new', has: true })] }),
      ).toMatchObject({ peerId: 'new' });
      expect(planRequest({ ...base, peers: [relayed] })).toMatchObject({
        kind: 'p2p',
        peerId: 'relayed',
      });
    });

    it('takes a relayed peer that can make the deadline over a direct one that cannot', () => {
      const plan = planRequest({
        ...base,
        peers: [
          // 250 kB at 500 kbit/s: 4 s, the budget is 2.4 s.
          peer({ peerId: 'direct-slow', has: true, throughputBps: 500_000, path: 'direct' }),
          peer({ peerId: 'relayed', has: true, throughputBps: 20_000_000, path: 'relayed' }),
        ],
      });
      expect(plan).toMatchObject({ peerId: 'relayed' });
    });
  });

  describe('slow uploaders', () => {
    it('does not wait on a peer whose measured throughput cannot make the deadline', () => {
      const slow = peer({ peerId: 'slow', has: true, throughputBps: 500_000 });
      expect(planRequest({ ...base, peers: [slow] }).kind).toBe('http');
      // With time to spare (a prefetch far ahead) the same peer is fine.
      expect(
        planRequest({ ...base, slackSeconds: 30, playerWaiting: false, peers: [slow] }),
      ).toMatchObject({ kind: 'p2p', peerId: 'slow' });
      // An unmeasured peer gets its chance: the runner's deadline bounds the wait.
      expect(planRequest({ ...base, peers: [peer({ peerId: 'new', has: true })] })).toMatchObject({
        peerId: 'new',
      });
    });

    it('judges a transfer behind pace only after half a second, by its pace since the first byte', () => {
      const input = {
        receivedBytes: 32_000,
        remainingBytes: 400_000,
        elapsedSeconds: 0.5,
        secondsToDeadline: 4,
      };
      // 64 kB/s: 6.25 s for the rest, 3 s left: more than twice too slow.
      expect(transferMissesDeadline({ ...input, secondsToDeadline: 3 })).toBe(true);
      // 4 s left: late, but not by twice: the deadline itself decides (its pace may pick up).
      expect(transferMissesDeadline(input)).toBe(false);
      expect(transferMissesDeadline({ ...input, secondsToDeadline: 3, elapsedSeconds: 0.4 })).toBe(
        false,
      );
      expect(transferMissesDeadline({ ...input, secondsToDeadline: 0 })).toBe(true);
      expect(transferMissesDeadline({ ...input, remainingBytes: 0 })).toBe(false);
      expect(transferMissesDeadline({ ...input, receivedBytes: 0 })).toBe(false);
    });
  });
});
