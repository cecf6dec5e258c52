/**
 * The tracker's per-connection rules, as pure state machines with the clock passed in:
 * - {@link TokenBucket}: messages per second per socket;
 * - {@link PeerIdRegistry}: each peer id belongs to one open socket;
 * - {@link SocketPolicy}: one socket's peer id, swarms and rate;
 * - {@link AddressConnectionCounter}: open sockets per remote address.
 * The WebSocket glue (message-guard.ts) asks these before bittorrent-tracker sees a message.
 */
import type { TrackerRequest } from './message-validation.js';
import type { Refusal } from './refusal.js';

/** Limits of one connection; see the matching options of `startTrackerServer`. */
export interface SocketLimits {
  /** Distinct swarms one socket may be in at once. */
  readonly maxInfoHashesPerSocket: number;
  /** Messages (announces, answers, scrapes) one socket may send per second, sustained. */
  readonly announcesPerSecond: number;
  /** Messages one socket may send at once before the rate applies. */
  readonly announceBurst: number;
}

/**
 * Our client shares one socket per tracker among every swarm of one peer id (several streams and
 * their variants on a page); 50 swarms leave room for that while bounding what one socket can
 * register (at most 50 swarm entries, one peer id each).
 */
export const DEFAULT_MAX_INFO_HASHES_PER_SOCKET = 50;
/**
 * A client sends an announce per swarm every few seconds at most, plus one answer per offer it
 * receives; 10 per second sustained is far above that and caps the offers one socket makes the
 * tracker relay (10 offers per announce) at 100 per second.
 */
export const DEFAULT_ANNOUNCES_PER_SECOND = 10;
/**
 * On (re)connect a client announces every swarm of the socket at once; the burst must cover that
 * (see {@link DEFAULT_MAX_INFO_HASHES_PER_SOCKET}).
 */
export const DEFAULT_ANNOUNCE_BURST = 50;
/**
 * Open WebSockets per remote address. Each viewer holds one per tracker, so this is roughly the
 * number of viewers behind one NAT; raise it for audiences behind a shared address (campus, CGNAT).
 */
export const DEFAULT_MAX_SOCKETS_PER_IP = 20;

/** A token bucket: `capacity` tokens, refilled continuously at `perSecond`. No timers. */
export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;

  /**
   * @param perSecond - refill rate, tokens per second (> 0)
   * @param capacity - largest number of tokens held, and the initial number (>= 1)
   * @param nowMs - the current time, in ms
   */
  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.lastRefillMs = nowMs;
  }

  /** Takes one token if there is one. A clock going backwards adds nothing. */
  take(nowMs: number): boolean {
    const elapsedMs = Math.max(0, nowMs - this.lastRefillMs);
    this.lastRefillMs = Math.max(this.lastRefillMs, nowMs);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs * this.perSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Which open socket owns each peer id. bittorrent-tracker files a WebSocket peer under its peer id
 * alone, so whoever may announce an id may also stop it or take its offers: the first socket to
 * announce an id keeps it until that socket closes.
 */
export class PeerIdRegistry<Owner> {
  private readonly owners = new Map<string, Owner>();

  /** Gives `peerId` to `owner` unless another owner holds it. True when `owner` holds it now. */
  claim(peerId: string, owner: Owner): boolean {
    const current = this.owners.get(peerId);
    if (current !== undefined && current !== owner) return false;
    this.owners.set(peerId, owner);
    return true;
  }

  /** Frees `peerId` if `owner` holds it. */
  release(peerId: string, owner: Owner): void {
    if (this.owners.get(peerId) === owner) this.owners.delete(peerId);
  }

  /** Peer ids held. */
  get size(): number {
    return this.owners.size;
  }
}

/** The rules of one socket: its rate, its one peer id, and the swarms it is in. */
export class SocketPolicy {
  private readonly bucket: TokenBucket;
  private peerId: string | undefined;
  private readonly infoHashes = new Set<string>();

  constructor(
    private readonly limits: SocketLimits,
    private readonly peerIds: PeerIdRegistry<SocketPolicy>,
    nowMs: number,
  ) {
    this.bucket = new TokenBucket(limits.announcesPerSecond, limits.announceBurst, nowMs);
  }

  /**
   * Charges one message to the socket's rate, before it is even parsed (so a flood of garbage
   * costs its sender the same as a flood of announces). A refusal when the bucket is empty.
   */
  admitFrame(nowMs: number): Refusal | undefined {
    if (this.bucket.take(nowMs)) return undefined;
    return {
      reason: 'rate-limited',
      message: `too many messages: at most ${this.limits.announcesPerSecond} per second`,
      action: 'announce',
    };
  }

  /**
   * Applies the peer id and swarm rules to a well-formed message and records its effect when it
   * is admitted: the socket's first announce or answer binds its peer id; a stop leaves a swarm.
   */
  admitRequest(request: TrackerRequest): Refusal | undefined {
    if (request.kind === 'scrape') return undefined;
    const { infoHash, peerId } = request;
    if (this.peerId === undefined) {
      if (!this.peerIds.claim(peerId, this)) {
        return {
          reason: 'peer-id-mismatch',
          message: 'peer_id is in use by another connection',
          action: 'announce',
          infoHash,
        };
      }
      this.peerId = peerId;
    } else if (peerId !== this.peerId) {
      return {
        reason: 'peer-id-mismatch',
        message: 'peer_id differs from the one this connection announced first',
        action: 'announce',
        infoHash,
      };
    }
    if (request.kind === 'announce' && request.event === 'stopped') {
      this.infoHashes.delete(infoHash);
      return undefined;
    }
    // bittorrent-tracker files the sender of an answer in the swarm too, so answers count here.
    if (!this.infoHashes.has(infoHash)) {
      if (this.infoHashes.size >= this.limits.maxInfoHashesPerSocket) {
        return {
          reason: 'too-many-info-hashes',
          message: `a connection may be in at most ${this.limits.maxInfoHashesPerSocket} swarms`,
          action: 'announce',
          infoHash,
        };
      }
      this.infoHashes.add(infoHash);
    }
    return undefined;
  }

  /** Swarms the socket is in now (joined and not left with a 'stopped'). */
  get swarmCount(): number {
    return this.infoHashes.size;
  }

  /** True while the socket is in the swarm of `infoHash` (a 20-character binary string). */
  isIn(infoHash: string): boolean {
    return this.infoHashes.has(infoHash);
  }

  /** Frees the socket's peer id; call when the socket closes. */
  release(): void {
    if (this.peerId !== undefined) this.peerIds.release(this.peerId, this);
    this.peerId = undefined;
    this.infoHashes.clear();
  }
}

/** Open connections per remote address, refusing those beyond a cap. */
export class AddressConnectionCounter {
  private readonly counts = new Map<string, number>();

  /** @param maxPerAddress - open connections allowed per address; 0 for no cap */
  constructor(private readonly maxPerAddress: number) {}

  /** Counts a new connection from `address`; false (and nothing counted) when at the cap. */
  open(address: string): boolean {
    const count = this.counts.get(address) ?? 0;
    if (this.maxPerAddress > 0 && count >= this.maxPerAddress) return false;
    this.counts.set(address, count + 1);
    return true;
  }

  /** Uncounts a connection that {@link open} accepted. */
  close(address: string): void {
    const count = this.counts.get(address) ?? 0;
    if (count <= 1) this.counts.delete(address);
    else this.counts.set(address, count - 1);
  }

  /** Addresses with open connections (bounded: memory grows with connections, not history). */
  get addresses(): number {
    return this.counts.size;
  }
}
