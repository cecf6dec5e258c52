/**
 * The simulator's model of one viewer's access link, shared by everything that moves bytes in a
 * simulation: origin downloads (sim-origin.ts) and peer messages (sim-peer.ts).
 *
 * The model is a pair of FIFO queues, one per direction, each drained at the link's rate, plus a
 * one-way propagation delay to the "internet core". A transfer of `bytes` from A to B occupies A's
 * uplink for `bytes / A.up` and B's downlink for `bytes / B.down`, each starting when that queue is
 * free; it arrives when both are done plus both sides' one-way delays (and jitter). This captures
 * what decides P2P delivery at scale — a slow uplink serving many peers, a saturated downlink
 * fetching from the origin and peers at once, round trips of request/response — without per-packet
 * simulation. What it leaves out (TCP/SCTP congestion control, fair sharing between flows of one
 * queue, cross-traffic) is listed in docs/SCALE.md.
 *
 * Loss: the data channel and HTTP are reliable, so a lost packet shows up as a retransmission
 * delay, not a lost message. A transfer of n packets (1200 bytes each) is delayed by one extra round
 * trip with probability 1 - (1 - loss)^n (capped at one retransmission per transfer).
 *
 * All times are the simulation's clock (ms, as `performance.now()` under the virtual clock).
 */

/** Bytes of one packet, for the loss model (a typical WebRTC/TCP payload on a 1500-byte MTU). */
export const PACKET_BYTES = 1200;

/** What a link is made of; drawn per viewer from a profile (see link-profiles.ts). */
export interface LinkProfile {
  /** Downlink rate, bits per second (already scaled with the segments; see `scale`). */
  readonly downBitsPerSecond: number;
  /** Uplink rate, bits per second (scaled alike). */
  readonly upBitsPerSecond: number;
  /** One-way delay from the viewer to the internet core, ms. */
  readonly latencyMs: number;
  /** Up to this much extra delay per transfer, uniform, ms. */
  readonly jitterMs: number;
  /** Packet loss probability, 0..1. */
  readonly loss: number;
}

/** One end of a transfer: a viewer's link or the origin (an endless uplink). */
export interface LinkEnd {
  /** Uplink rate in bits/s; `Infinity` for the origin. */
  readonly upBitsPerSecond: number;
  /** One-way delay to the core, ms. */
  readonly latencyMs: number;
  /** When this end's uplink queue is free again, ms. */
  upFreeAtMs: number;
}

/** When one booked transfer leaves the sender and reaches the receiver, ms. */
export interface LinkTransfer {
  /** The last byte has left the sender's uplink queue. */
  readonly upDoneMs: number;
  /** The last byte has arrived (both queues, propagation, jitter and loss delay). */
  readonly arrivalMs: number;
}

/** A viewer's access link: its profile and the state of its two queues. */
export class ViewerLink implements LinkEnd {
  /** When the uplink queue is free again, ms. */
  upFreeAtMs = 0;
  /** When the downlink queue is free again, ms. */
  downFreeAtMs = 0;
  /** Bytes sent and received over the link, for the report. */
  bytesUp = 0;
  bytesDown = 0;

  /**
   * @param profile - the link's rates and delays
   * @param random - the simulation's seeded random source (for jitter and loss)
   */
  constructor(
    readonly profile: LinkProfile,
    private readonly random: () => number,
  ) {}

  get upBitsPerSecond(): number {
    return this.profile.upBitsPerSecond;
  }

  get latencyMs(): number {
    return this.profile.latencyMs;
  }

  /** Round trip between this viewer and `other` (or the core when absent), ms. */
  roundTripMs(other?: LinkEnd): number {
    return 2 * (this.profile.latencyMs + (other?.latencyMs ?? 0));
  }

  /**
   * Books a transfer of `bytes` from `sender` to this link at `nowMs` and returns when its last
   * byte arrives, ms. Both queues advance; the transfer's jitter and loss delay are drawn here.
   */
  receive(sender: LinkEnd, bytes: number, nowMs: number): number {
    return this.transfer(sender, bytes, nowMs).arrivalMs;
  }

  /**
   * {@link receive}, also saying when the last byte leaves the sender's uplink (`upDoneMs`): until
   * then the bytes count in the sending data channel's `bufferedAmount` (sim-peer.ts).
   */
  transfer(sender: LinkEnd, bytes: number, nowMs: number): LinkTransfer {
    const upStart = Math.max(nowMs, sender.upFreeAtMs);
    const upDone = upStart + transferMs(bytes, sender.upBitsPerSecond);
    sender.upFreeAtMs = upDone;
    if (sender instanceof ViewerLink) sender.bytesUp += bytes;
    const downStart = Math.max(nowMs, this.downFreeAtMs);
    const downDone = downStart + transferMs(bytes, this.profile.downBitsPerSecond);
    this.downFreeAtMs = downDone;
    this.bytesDown += bytes;
    const propagationMs = sender.latencyMs + this.profile.latencyMs;
    const arrivalMs = Math.max(upDone, downDone) + propagationMs + this.extraDelayMs(bytes, sender);
    return { upDoneMs: upDone, arrivalMs };
  }

  /** Jitter plus, with the loss model's probability, one retransmission round trip, ms. */
  private extraDelayMs(bytes: number, sender: LinkEnd): number {
    const jitter = this.profile.jitterMs * this.random();
    const loss = Math.max(
      this.profile.loss,
      sender instanceof ViewerLink ? sender.profile.loss : 0,
    );
    if (loss <= 0) return jitter;
    const packets = Math.max(1, Math.ceil(bytes / PACKET_BYTES));
    const anyLost = 1 - Math.pow(1 - loss, packets);
    return this.random() < anyLost ? jitter + this.roundTripMs(sender) : jitter;
  }
}

/** The origin as a link end: an uplink that never queues, a fixed one-way delay. */
export function originEnd(latencyMs: number): LinkEnd {
  return { upBitsPerSecond: Infinity, latencyMs, upFreeAtMs: 0 };
}

/** Time to push `bytes` through a `bitsPerSecond` queue, ms (0 for an endless one). */
export function transferMs(bytes: number, bitsPerSecond: number): number {
  if (!Number.isFinite(bitsPerSecond)) return 0;
  return (bytes * 8 * 1000) / bitsPerSecond;
}

/**
 * How a viewer's NAT lets WebRTC in (no TURN in the simulated swarms, as in the library's default
 * configuration): `open` (public address or full cone), `cone` (address/port-restricted cone: hole
 * punching works with anyone whose mapping is predictable), `symmetric` (a new mapping per
 * destination: hole punching fails against another symmetric NAT or a port-restricted cone).
 */
export type NatType = 'open' | 'cone' | 'symmetric';

/** Whether two viewers behind these NATs can open a direct connection (ICE without TURN). */
export function natsConnect(a: NatType, b: NatType): boolean {
  if (a === 'open' || b === 'open') return true;
  return a === 'cone' && b === 'cone';
}
