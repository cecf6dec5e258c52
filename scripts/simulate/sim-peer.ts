/**
 * A simulated WebRTC data channel between two viewers: a pair of {@link SimPeer}s, each what the
 * engine knows of a simple-peer connection ({@link SimplePeer}, plus the `_channel` that
 * simple-peer-channel.ts reads for `bufferedAmount`, 'bufferedamountlow' and 'close'). The engine's
 * real PeerConnection, protocol codec and swarm run on top of it, unchanged.
 *
 * Bytes move on the viewers' {@link ViewerLink}s: each message is booked on the sender's uplink and
 * the receiver's downlink (so a peer upload competes with everything else the viewer sends, and a
 * download with its origin fetches) and delivered, in order, when its last byte arrives. Until its
 * last byte has left the sender's uplink it counts in the sender's `bufferedAmount`, which is what
 * the engine's chunk sender paces itself by.
 *
 * What it leaves out: SCTP's own congestion window and the data channel's message interleaving
 * (messages of one channel go one after another at the link's rate), and `_pc` (the connection
 * path reads as 'unknown': there is no TURN in the simulated swarms).
 *
 * Time is `performance.now()` and delays are `setTimeout`, so the pair runs on the simulator's
 * virtual clock (virtual-clock.ts) and, in tests, on real time.
 */
import { EventEmitter } from 'node:events';

import type { SimplePeer } from '../../core/p2p/signalling/simple-peer.js';
import type { ViewerLink } from './viewer-link.js';

/**
 * Largest message `send` accepts, bytes: the SCTP max-message-size browsers advertise (Firefox and
 * Chrome 256 KiB); a real channel throws above it. The engine sends at most 16 KiB per message
 * (simple-peer-channel.ts's fallback, since `_pc` is absent), so only a bug hits this.
 */
export const SIM_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * `bufferedAmountLowThreshold` of every channel, bytes: simple-peer sets its channels' threshold to
 * its own high-water mark, 64 KiB.
 */
export const SIM_BUFFERED_AMOUNT_LOW_BYTES = 64 * 1024;

type ChannelListener = () => void;

/**
 * The RTCDataChannel stand-in behind a {@link SimPeer} (simple-peer's `_channel`): what
 * simple-peer-channel.ts reads of it, nothing more.
 */
export class SimDataChannel {
  /** 'bufferedamountlow' fires when `bufferedAmount` falls from above this to at or below it. */
  bufferedAmountLowThreshold = SIM_BUFFERED_AMOUNT_LOW_BYTES;
  readyState: 'connecting' | 'open' | 'closed' = 'connecting';
  private readonly listeners = new Map<string, Set<ChannelListener>>();

  /** @param readBufferedAmount - the owner's count of bytes sent and not yet out of the uplink */
  constructor(private readonly readBufferedAmount: () => number) {}

  /** Bytes sent and not yet out of the sender's uplink. */
  get bufferedAmount(): number {
    return this.readBufferedAmount();
  }

  addEventListener(type: string, listener: ChannelListener): void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
  }

  removeEventListener(type: string, listener: ChannelListener): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** @internal from SimPeer */
  dispatch(type: string): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) listener();
  }

  /** @internal from SimPeer: drops every listener once closed (nothing fires after 'close'). */
  clear(): void {
    this.listeners.clear();
  }
}

/** One message booked on the links: when it leaves the sender and when it reaches the receiver. */
interface InFlight {
  readonly bytes: number;
  readonly upDoneMs: number;
}

interface Arrival {
  readonly atMs: number;
  readonly data: Uint8Array;
}

/** What one side of a pair is made of. */
export interface SimPeerSide {
  /** The viewer's access link, on which its sends and receipts are booked. */
  readonly link: ViewerLink;
  /** The viewer's peer id, 40 hex characters (the other side's `id`). */
  readonly peerId: string;
}

/**
 * One end of a simulated data channel. Events as simple-peer's: 'connect' when the channel opens,
 * 'data' (a Uint8Array) per message, 'error' then 'close' on `destroy(error)`, 'close' when either
 * side closes. Create both ends with {@link createSimPeerPair}.
 */
export class SimPeer extends EventEmitter implements SimplePeer {
  /** The remote peer id (hex), as bittorrent-tracker sets it on the peers it hands out. */
  readonly id: string;
  /** The data channel; `_pc` stays undefined, so the connection path reads 'unknown'. */
  readonly _channel = new SimDataChannel(() => this.bufferSize);
  readonly _pc = undefined;
  /** Set by {@link createSimPeerPair}. */
  remote!: SimPeer;
  private isConnected = false;
  private isDestroyed = false;
  /** Bytes of {@link outgoing} from its head on. */
  private bufferedBytes = 0;
  /** Sent messages still in the uplink, oldest first (their `upDoneMs` never decrease). */
  private readonly outgoing: InFlight[] = [];
  private outgoingHead = 0;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  /** Messages on their way to this side, by arrival (FIFO: arrival never decreases). */
  private readonly incoming: (Arrival | undefined)[] = [];
  private incomingHead = 0;
  private deliveryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastArrivalMs = -Infinity;

  /**
   * @param initiator - true on the side that made the offer
   * @param side - this side's link and peer id
   * @param remoteSide - the other side's link and peer id
   */
  constructor(
    readonly initiator: boolean,
    private readonly side: SimPeerSide,
    private readonly remoteSide: SimPeerSide,
  ) {
    super();
    this.id = remoteSide.peerId;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get destroyed(): boolean {
    return this.isDestroyed;
  }

  /** The channel's `bufferedAmount`, as simple-peer's shortcut. */
  get bufferSize(): number {
    this.pruneOutgoing(performance.now());
    return this.bufferedBytes;
  }

  /**
   * Sends one message: copies it (as RTCDataChannel does), books it on both links and delivers it
   * to the other side when its last byte arrives, after every earlier message of this direction.
   *
   * @throws Error when the channel is not open, or the message exceeds {@link SIM_MAX_MESSAGE_BYTES}
   */
  send(data: Uint8Array | ArrayBuffer | string): void {
    if (!this.isConnected || this.isDestroyed) {
      throw new Error('InvalidStateError: the data channel is not open');
    }
    const copy = copyOf(data);
    if (copy.byteLength > SIM_MAX_MESSAGE_BYTES) {
      throw new Error(
        `OperationError: message of ${copy.byteLength} bytes exceeds ${SIM_MAX_MESSAGE_BYTES}`,
      );
    }
    const nowMs = performance.now();
    const { upDoneMs, arrivalMs } = this.remoteSide.link.transfer(
      this.side.link,
      copy.byteLength,
      nowMs,
    );
    this.pruneOutgoing(nowMs);
    if (upDoneMs > nowMs) {
      this.outgoing.push({ bytes: copy.byteLength, upDoneMs });
      this.bufferedBytes += copy.byteLength;
      this.scheduleDrainCheck(nowMs);
    }
    this.remote.enqueue(arrivalMs, copy);
  }

  /**
   * Closes this side now ('error' first when `error` is given, then 'close', both on a later turn as
   * simple-peer does) and, when the channel was open, the other side one one-way link delay later.
   * Before the channel opened the other side is not told: its connection never opens, as when ICE
   * fails, and its owner's connect timeout drops it.
   */
  destroy(error?: Error): void {
    if (this.isDestroyed) return;
    const wasOpen = this.isConnected;
    this.close(error);
    if (wasOpen) {
      const remote = this.remote;
      const delayMs = this.side.link.latencyMs + this.remoteSide.link.latencyMs;
      setTimeout(() => {
        remote.close(undefined);
      }, delayMs);
    }
  }

  /** @internal from the pair: the channel opens (ICE and DTLS done). */
  open(): void {
    if (this.isDestroyed || this.isConnected) return;
    this.isConnected = true;
    this._channel.readyState = 'open';
    this.emit('connect');
  }

  /** @internal from the other side: a message is on its way, arriving at `atMs`. */
  enqueue(atMs: number, data: Uint8Array): void {
    if (this.isDestroyed) return;
    const arrivalMs = Math.max(atMs, this.lastArrivalMs);
    this.lastArrivalMs = arrivalMs;
    this.incoming.push({ atMs: arrivalMs, data });
    if (this.deliveryTimer === undefined) this.scheduleDelivery();
  }

  private close(error: Error | undefined): void {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    this.isConnected = false;
    this._channel.readyState = 'closed';
    this.bufferedBytes = 0;
    clearTimeout(this.drainTimer);
    clearTimeout(this.deliveryTimer);
    this.drainTimer = undefined;
    this.deliveryTimer = undefined;
    // Messages in flight to this side are lost with it.
    this.incoming.length = 0;
    this.incomingHead = 0;
    this.outgoing.length = 0;
    this.outgoingHead = 0;
    setTimeout(() => {
      // An 'error' nobody listens to would throw out of the timer (EventEmitter's rule).
      if (error && this.listenerCount('error') > 0) this.emit('error', error);
      this._channel.dispatch('close');
      this._channel.clear();
      this.emit('close');
    }, 0);
  }

  /** One timer per direction: it fires at the head message's arrival and delivers all that are due. */
  private scheduleDelivery(): void {
    const head = this.incoming[this.incomingHead];
    if (!head) {
      this.incoming.length = 0;
      this.incomingHead = 0;
      return;
    }
    const delayMs = Math.max(0, head.atMs - performance.now());
    this.deliveryTimer = setTimeout(() => {
      this.deliveryTimer = undefined;
      this.deliverDue();
    }, delayMs);
  }

  private deliverDue(): void {
    const nowMs = performance.now();
    while (!this.isDestroyed) {
      const head = this.incoming[this.incomingHead];
      if (!head || head.atMs > nowMs) break;
      this.incoming[this.incomingHead] = undefined;
      this.incomingHead++;
      this.emit('data', head.data);
    }
    if (this.isDestroyed) return;
    if (this.incomingHead > 1024 && this.incomingHead * 2 > this.incoming.length) {
      this.incoming.splice(0, this.incomingHead);
      this.incomingHead = 0;
    }
    this.scheduleDelivery();
  }

  /** Takes messages whose last byte has left the uplink out of `bufferedAmount`. */
  private pruneOutgoing(nowMs: number): void {
    while (this.outgoingHead < this.outgoing.length) {
      const head = this.outgoing[this.outgoingHead];
      if (!head || head.upDoneMs > nowMs) break;
      this.bufferedBytes -= head.bytes;
      this.outgoingHead++;
    }
    if (this.outgoingHead === this.outgoing.length) {
      this.outgoing.length = 0;
      this.outgoingHead = 0;
    } else if (this.outgoingHead > 1024 && this.outgoingHead * 2 > this.outgoing.length) {
      this.outgoing.splice(0, this.outgoingHead);
      this.outgoingHead = 0;
    }
  }

  /**
   * While `bufferedAmount` is above the threshold, one timer waits for the moment it falls to the
   * threshold (the `upDoneMs` of the message whose departure gets it there) and fires
   * 'bufferedamountlow' then.
   */
  private scheduleDrainCheck(nowMs: number): void {
    if (this.drainTimer !== undefined) return;
    const threshold = this._channel.bufferedAmountLowThreshold;
    let remaining = this.bufferedBytes;
    if (remaining <= threshold) return;
    let lowAtMs = nowMs;
    for (let i = this.outgoingHead; i < this.outgoing.length && remaining > threshold; i++) {
      const message = this.outgoing[i];
      if (!message) break;
      remaining -= message.bytes;
      lowAtMs = message.upDoneMs;
    }
    this.drainTimer = setTimeout(
      () => {
        this.drainTimer = undefined;
        if (this.isDestroyed) return;
        const now = performance.now();
        this.pruneOutgoing(now);
        if (this.bufferedBytes <= this._channel.bufferedAmountLowThreshold) {
          this._channel.dispatch('bufferedamountlow');
        } else {
          this.scheduleDrainCheck(now);
        }
      },
      Math.max(0, lowAtMs - nowMs),
    );
  }
}

/** Both ends of one simulated data channel. */
export interface SimPeerPair {
  /** The offering side's end (`initiator` true). */
  readonly initiator: SimPeer;
  /** The answering side's end. */
  readonly answerer: SimPeer;
  /**
   * Opens the channel on both ends after `delayMs` (the ICE and DTLS set-up), unless either end is
   * destroyed by then; `onOpen` runs when it did open. Call it at most once; a pair whose NATs do
   * not connect is never opened.
   */
  openAfter(delayMs: number, onOpen?: () => void): void;
}

/** Creates a data channel between two viewers; neither end is open until `openAfter`. */
export function createSimPeerPair(initiator: SimPeerSide, answerer: SimPeerSide): SimPeerPair {
  const offering = new SimPeer(true, initiator, answerer);
  const answering = new SimPeer(false, answerer, initiator);
  offering.remote = answering;
  answering.remote = offering;
  return {
    initiator: offering,
    answerer: answering,
    openAfter(delayMs, onOpen) {
      setTimeout(() => {
        if (offering.destroyed || answering.destroyed) return;
        onOpen?.();
        offering.open();
        answering.open();
      }, delayMs);
    },
  };
}

function copyOf(data: Uint8Array | ArrayBuffer | string): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return data.slice();
}
