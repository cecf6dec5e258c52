/**
 * Peer ids never to deal with again, for the engine's lifetime (every swarm of the engine shares
 * one list): a peer that sent bytes contradicting a trusted hash, or broke the protocol again and
 * again. Checked before a tracker's offer or answer turns into a connection, so a banned id that
 * reconnects never gets a data channel. Our own offers go to whomever the tracker picks (a WebTorrent
 * tracker does not let us choose); a banned peer that answers one is dropped the same way, and since
 * no answer of ours ever reaches it, no connection forms in either direction.
 *
 * A hostile peer can announce with a fresh peer id; that costs it every map, throughput measure
 * and upload slot it had built up, a new WebRTC handshake with each viewer, and it must again get
 * past the per-peer limits (docs/PROTOCOL.md, "Limits") before it can waste anything.
 */
import type { P2PMediaLoaderError } from '../../errors.js';
import { MAX_BANNED_PEERS } from '../peer/peer-limits.js';

/** The banned peer ids of one engine, with the reason of each. */
export class PeerBans {
  private readonly reasons = new Map<string, P2PMediaLoaderError>();
  private readonly listeners = new Set<(peerId: string, reason: P2PMediaLoaderError) => void>();

  /**
   * Bans `peerId` and tells every listener (each swarm closes its connection to it).
   * @returns false when it was already banned (nothing happens then)
   */
  ban(peerId: string, reason: P2PMediaLoaderError): boolean {
    if (this.reasons.has(peerId)) return false;
    this.reasons.set(peerId, reason);
    if (this.reasons.size > MAX_BANNED_PEERS) {
      const oldest = this.reasons.keys().next().value;
      if (oldest !== undefined) this.reasons.delete(oldest);
    }
    for (const listener of [...this.listeners]) listener(peerId, reason);
    return true;
  }

  /** True when `peerId` is banned. */
  isBanned(peerId: string): boolean {
    return this.reasons.has(peerId);
  }

  /** Why `peerId` was banned, or undefined. */
  reasonFor(peerId: string): P2PMediaLoaderError | undefined {
    return this.reasons.get(peerId);
  }

  /** Number of banned ids. */
  get size(): number {
    return this.reasons.size;
  }

  /** Calls `listener` for every new ban; returns the function that unsubscribes. */
  onBan(listener: (peerId: string, reason: P2PMediaLoaderError) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
