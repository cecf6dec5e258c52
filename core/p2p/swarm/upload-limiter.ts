/**
 * Upload limits shared by every swarm of an engine: how many uploads run at once (and how many of
 * them one peer may hold, so a single peer cannot take every slot), and optionally how many bytes
 * per second leave (a token bucket holding one second's worth, so short bursts at line rate are fine
 * but the average stays at the limit).
 *
 * While the engine's thread runs late (see `core/engine/main-thread-lag.ts`) fewer slots are handed
 * out: half while `strained`, none while `starved`. Uploads already running keep their slots (their
 * peers are waiting for the rest); a request that finds no slot is answered ABSENT `busy` at once by
 * the swarm, so its peer turns to another holder or the origin instead of waiting on us.
 */
import type { MainThreadLevel } from '../../engine/main-thread-lag.js';
import { maxUploadsPerPeer } from '../peer/peer-limits.js';

/** Limits; 0 rate means unlimited. */
export interface UploadLimits {
  readonly maxConcurrentUploads: number;
  readonly bytesPerSecond: number;
}

/** Hands out upload slots and paces upload bytes. */
export class UploadLimiter {
  private active = 0;
  private readonly activeByPeer = new Map<string, number>();
  private tokens: number;
  private refilledAtMs: number;

  /**
   * @param limits - slots and rate when the thread is `normal`
   * @param now - monotonic clock, ms
   * @param mainThreadLevel - how loaded the engine's thread is now; read at every acquisition.
   *   Default: always `normal`.
   */
  constructor(
    private readonly limits: UploadLimits,
    private readonly now: () => number = () => performance.now(),
    private readonly mainThreadLevel: () => MainThreadLevel = () => 'normal',
  ) {
    this.tokens = limits.bytesPerSecond;
    this.refilledAtMs = now();
  }

  /**
   * Takes an upload slot for `peerId`; returns the function that gives it back, or undefined when
   * none is free or the peer already holds its share ({@link maxUploadsPerPeer}).
   */
  tryAcquire(peerId: string): (() => void) | undefined {
    const slots = this.slots();
    if (this.active >= slots) return undefined;
    const held = this.activeByPeer.get(peerId) ?? 0;
    if (held >= maxUploadsPerPeer(slots)) return undefined;
    this.active++;
    this.activeByPeer.set(peerId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const left = (this.activeByPeer.get(peerId) ?? 1) - 1;
      if (left > 0) this.activeByPeer.set(peerId, left);
      else this.activeByPeer.delete(peerId);
    };
  }

  /**
   * Upload slots offered now: the configured number while the thread is `normal`, half of it (at
   * least one, unless uploads are off) while `strained`, none while `starved`.
   */
  slots(): number {
    const configured = this.limits.maxConcurrentUploads;
    switch (this.mainThreadLevel()) {
      case 'normal':
        return configured;
      case 'strained':
        return configured > 0 ? Math.max(1, Math.floor(configured / 2)) : 0;
      case 'starved':
        return 0;
    }
  }

  /** Uploads `peerId` holds now. */
  uploadsOf(peerId: string): number {
    return this.activeByPeer.get(peerId) ?? 0;
  }

  /** Uploads running now. */
  get activeUploads(): number {
    return this.active;
  }

  /**
   * Milliseconds to wait before sending `bytes` so the average stays within the rate; 0 when they
   * may go now (the bytes are then accounted for).
   */
  delayBeforeSending(bytes: number): number {
    const rate = this.limits.bytesPerSecond;
    if (rate <= 0) return 0;
    const now = this.now();
    this.tokens = Math.min(rate, this.tokens + ((now - this.refilledAtMs) / 1000) * rate);
    this.refilledAtMs = now;
    if (this.tokens >= bytes || this.tokens >= rate) {
      this.tokens -= bytes;
      return 0;
    }
    return Math.ceil(((bytes - this.tokens) / rate) * 1000);
  }
}
