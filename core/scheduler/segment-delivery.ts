/**
 * Executes the scheduler's plans for one segment until its bytes are complete and verified: asks
 * {@link planRequest} where to get them, downloads from a peer or the origin, and asks again when a
 * peer fails, a deadline passes or a peer announces the segment. Bytes from peers are kept, so a
 * transfer cut short continues from where it stopped (another peer, or the origin once the trusted
 * hash can check the result).
 *
 * No byte from a peer reaches the player unchecked. With the origin's trusted hashes
 * ({@link SegmentTrust}) every delivery holding a peer byte must match the trusted SHA-256; a
 * mismatch sends the segment to the origin whole, and the peers whose bytes differ from the
 * origin's are banned. Without them, a segment from peers alone passes the size, sender-digest and
 * container checks, and peer bytes are never completed by the origin (nothing could vouch for the
 * join): the origin then sends the segment whole.
 */
import { P2PMediaLoaderError } from '../errors.js';
import type { ByteRange, Segment, TransferSource } from '../model/segment.js';
import {
  isWellFormedSegment,
  sniffContainer,
  type ContainerKind,
} from '../p2p/integrity/container-check.js';
import { digestsEqual, segmentDigest } from '../p2p/integrity/segment-digest.js';
import { PeerRequestError } from '../p2p/peer/peer-request-error.js';
import { PartialSegment } from './partial-segment.js';
import { peersToBlame } from './peer-blame.js';
import { httpReserveSeconds, planRequest, transferMissesDeadline } from './request-plan.js';
import type { SegmentPeers } from './segment-peers.js';
import type { SegmentTrust } from './segment-trust.js';

/** Abort reason of a peer attempt whose deadline passed. */
const DEADLINE = Symbol('deadline');
/** Abort reason of a peer attempt whose pace says it cannot finish before its deadline. */
const BEHIND_PACE = Symbol('behind-pace');
/** Abort reason of a peer attempt whose claimed size contradicts what another peer claimed. */
const CONFLICT = Symbol('conflict');

/** While a stream's swarm is still being joined, deliveries waiting for it look again this often. */
const WARMUP_POLL_SECONDS = 0.25;

/** Longest delay `setTimeout` honours, ms; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Peer attempts per delivery before the runner stops trying peers. */
const MAX_PEER_ATTEMPTS = 4;

/**
 * How the delivered bytes were checked: `trusted` against the origin's trusted hash; `peer-digest`
 * (bytes from peers only, no trusted hash) against the digest the sending peer announced plus the
 * size and container checks; `none` (peers only, the sender had no digest) size and container
 * checks only; `origin` every byte came from the origin in one download, which needs no check.
 */
export type DeliveryVerification = 'trusted' | 'peer-digest' | 'none' | 'origin';

/** A completed delivery. */
export interface Delivery {
  readonly data: Uint8Array;
  /**
   * Source of the last bytes: `http` for a segment the origin sent whole or completed (after a
   * partial P2P transfer, verified against the trusted hash).
   */
  readonly source: TransferSource;
  /** The peer that sent the last bytes, for `p2p`. */
  readonly peerId?: string;
  /** The peers whose bytes are part of `data`, in the order they sent them (empty: none). */
  readonly contributors: readonly string[];
  /** How `data` was checked. */
  readonly verified: DeliveryVerification;
  /**
   * SHA-256 of `data`, set only when it can vouch for the bytes to peers (`verified` is `trusted`
   * or `origin`): a digest of unverified peer bytes would only make a forgery look checked.
   */
  readonly digest?: Uint8Array;
  /**
   * False when the bytes must not be stored and served to peers: the origin's bytes contradict the
   * trusted hash (peers with the same manifest would reject them and blame us).
   */
  readonly shareable: boolean;
  /** When the first byte arrived (`performance.now()` ms). */
  readonly firstByteMs: number;
  /** When the transfer that completed the segment started (`performance.now()` ms). */
  readonly transferStartMs: number;
}

/** What to fetch from the origin: a byte range, or everything from `start` to the resource's end. */
export type OriginRange = ByteRange | { readonly start: number; readonly end?: undefined };

/** The origin's answer. */
export interface OriginResponse {
  /** Exactly the requested bytes. */
  readonly data: Uint8Array;
}

/** The environment of one delivery: the engine provides it. */
export interface DeliveryContext {
  readonly segment: Segment;
  /** The stream's peers now, or undefined while it has no swarm (P2P off, or not joined yet). */
  readonly peers: () => SegmentPeers | undefined;
  /** Seconds until the stream's swarm has had its chance to connect; 0 once it has (or P2P is off). */
  readonly peerWarmupSeconds: () => number;
  /**
   * Downloads `range` (or the segment's own range when undefined) over HTTP. `onChunk` sees bytes
   * as they arrive, for counting only (retries may repeat them); the answer holds the exact bytes.
   */
  readonly http: (
    range: OriginRange | undefined,
    signal: AbortSignal,
    onChunk: (chunk: Uint8Array) => void,
  ) => Promise<OriginResponse>;
  /** Seconds until playback needs the segment, now. */
  readonly slackSeconds: () => number;
  /** Expected size in bytes, if the stream's recent segments tell. */
  readonly expectedBytes: () => number | undefined;
  /** Recent HTTP throughput, bits per second. */
  readonly httpBps: () => number | undefined;
  readonly safetyMarginSeconds: number;
  /** True while a player waits for the segment (false: an engine prefetch). */
  readonly playerWaiting: () => boolean;
  /** The container the stream's segments use (from segments fetched from the origin), if known. */
  readonly expectedContainer: () => ContainerKind | undefined;
  /** The origin's trusted hash of the segment; undefined when the engine has no hash manifest. */
  readonly trust?: SegmentTrust;
  /** Reports that the origin's bytes contradict the trusted hash (they are delivered anyway). */
  readonly onIntegrityWarning?: (error: P2PMediaLoaderError) => void;
  /** Counts bytes as they arrive. */
  readonly onBytes: (source: TransferSource, bytes: number, peerId?: string) => void;
  /** Reports delivery progress. */
  readonly onProgress: (loadedBytes: number, totalBytes: number | undefined) => void;
  /** Random numbers in [0, 1) (injectable for tests). */
  readonly random: () => number;
}

/** How bytes from peers are checked right now, from what the trusted hash manifest tells. */
type TrustMode =
  /** The trusted hash is known: peer bytes must match it. */
  | { readonly kind: 'trusted'; readonly digest: Uint8Array }
  /** No trusted hashes (or `fallback` without one): the untrusted checks apply. */
  | { readonly kind: 'untrusted' }
  /** A load or refresh of the manifest may tell the hash; peer bytes wait for it within their slack. */
  | { readonly kind: 'pending' }
  /** `strict` without a trusted hash: the segment is not taken from peers. */
  | { readonly kind: 'no-peers' };

const UNTRUSTED: TrustMode = { kind: 'untrusted' };
const PENDING: TrustMode = { kind: 'pending' };
const NO_PEERS: TrustMode = { kind: 'no-peers' };

function abortError(segment: Segment): P2PMediaLoaderError {
  return new P2PMediaLoaderError('aborted', `Delivery of segment ${segment.id} aborted`);
}

/** Throws `aborted` when `signal` has fired (a function, so checks after awaits are not narrowed away). */
function throwIfAborted(signal: AbortSignal, segment: Segment): void {
  if (signal.aborted) throw abortError(segment);
}

/** Resolves `true` when a peer's availability of the segment changes, `false` after `seconds`. */
function waitForAvailability(
  context: DeliveryContext,
  seconds: number,
  signal: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const finish = (changed: boolean): void => {
      clearTimeout(timer);
      unsubscribe?.();
      signal.removeEventListener('abort', onAbort);
      resolve(changed);
    };
    const onAbort = (): void => {
      clearTimeout(timer);
      unsubscribe?.();
      reject(abortError(context.segment));
    };
    const timer = setTimeout(() => {
      finish(false);
    }, timerDelayMs(seconds));
    const unsubscribe = context.peers()?.onAvailabilityChange(context.segment.id, () => {
      finish(true);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why bytes from peers alone are unacceptable without a trusted hash, or undefined when they pass. */
function integrityProblem(
  context: DeliveryContext,
  data: Uint8Array,
  totalBytes: number | undefined,
  digest: Uint8Array | undefined,
  computed: Uint8Array,
): string | undefined {
  const { byteRange } = context.segment;
  if (data.byteLength !== totalBytes) return `got ${data.byteLength} bytes of ${totalBytes}`;
  if (byteRange && byteRange.end - byteRange.start !== totalBytes) {
    return `size ${totalBytes} differs from the byte range's ${byteRange.end - byteRange.start}`;
  }
  if (digest && !digestsEqual(digest, computed)) return 'SHA-256 mismatch';
  const expected = context.expectedContainer() ?? sniffContainer(data);
  if (!isWellFormedSegment(data, expected)) return `not a well-formed ${expected} segment`;
  return undefined;
}

/** `seconds` as a `setTimeout` delay: negative counts as 0, beyond {@link MAX_TIMER_MS} as that. */
function timerDelayMs(seconds: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, seconds * 1000));
}

/**
 * An abort signal for one bounded step of a delivery: it fires with {@link DEADLINE} after
 * `seconds` (see {@link timerDelayMs}), or when `outer` fires. `dispose()` stops the timer and unhooks
 * `outer`; call it once the step settled.
 */
function boundedAttempt(
  outer: AbortSignal,
  seconds: number,
): { readonly controller: AbortController; readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onOuterAbort = (): void => {
    controller.abort();
  };
  if (outer.aborted) controller.abort();
  else outer.addEventListener('abort', onOuterAbort, { once: true });
  const timer = setTimeout(() => {
    controller.abort(DEADLINE);
  }, timerDelayMs(seconds));
  return {
    controller,
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onOuterAbort);
    },
  };
}

/** True for an origin answer that says the range asked for lies past the resource's end. */
function isPastTheEnd(error: unknown): boolean {
  if (!(error instanceof P2PMediaLoaderError)) return false;
  return (
    error.code === 'http-invalid-response' || (error.code === 'http-status' && error.status === 416)
  );
}

/** Delivers the segment's verified bytes, or rejects (aborted, or the HTTP error). */
export function deliverSegment(context: DeliveryContext, signal: AbortSignal): Promise<Delivery> {
  return new DeliveryRun(context, signal).run();
}

/** The state of one delivery: bytes held, who sent them, what peers claimed, where it stands. */
class DeliveryRun {
  private readonly partial = new PartialSegment();
  /** The segment's size as each peer claimed it. */
  private readonly claims = new Map<string, number>();
  /** The size peers claim; for planning and progress only, never for an origin request. */
  private totalBytes: number | undefined;
  /** The digest the sending peer announced (unverified). */
  private peerDigest: Uint8Array | undefined;
  private firstByteMs: number | undefined;
  private transferStartMs = 0;
  private peerAttempts = 0;
  private httpOnly = false;
  private jitterDone = false;
  /** A wait for the hash manifest ran out: treat the hash as unknown for the rest of the delivery. */
  private trustWaitExpired = false;
  /** A lookup of the manifest was started while waiting for peers. */
  private trustRequested = false;

  constructor(
    private readonly context: DeliveryContext,
    private readonly signal: AbortSignal,
  ) {}

  async run(): Promise<Delivery> {
    const { context, signal } = this;
    const { segment } = context;
    for (;;) {
      throwIfAborted(signal, segment);
      const peers = context.peers();
      const mode = this.trustMode();
      const waitForSwarm = peers === undefined || (peers.peerCount === 0 && !peers.alone);
      const plan = planRequest({
        slackSeconds: context.slackSeconds(),
        expectedBytes: this.totalBytes ?? context.expectedBytes(),
        httpBps: context.httpBps(),
        safetyMarginSeconds: context.safetyMarginSeconds,
        peers: this.httpOnly || !peers ? [] : peers.candidates(segment.id),
        connectedPeers: this.httpOnly || !peers ? 0 : peers.peerCount,
        p2pAllowed:
          !this.httpOnly && mode.kind !== 'no-peers' && this.peerAttempts < MAX_PEER_ATTEMPTS,
        peerWarmupSeconds: waitForSwarm ? context.peerWarmupSeconds() : 0,
        playerWaiting: context.playerWaiting(),
        random: context.random(),
      });

      if (plan.kind === 'give-up') throw abortError(segment);

      if (plan.kind === 'wait-for-peer') {
        // Get the manifest meanwhile, so the peer's bytes need not wait for it. Once per delivery:
        // each lookup waits on `signal` until the load settles, and this loop may poll often.
        if (mode.kind === 'pending' && !this.trustRequested) {
          this.trustRequested = true;
          context.trust?.lookup(signal).catch(() => undefined);
        }
        // Without a swarm yet there is nothing to be notified by: look again shortly.
        const seconds = peers
          ? plan.deadlineSeconds
          : Math.min(plan.deadlineSeconds, WARMUP_POLL_SECONDS);
        await waitForAvailability(context, seconds, signal);
        continue;
      }

      if (plan.kind === 'http') {
        if (!this.jitterDone && plan.delaySeconds > 0 && peers) {
          this.jitterDone = true;
          await waitForAvailability(context, plan.delaySeconds, signal);
          continue; // re-plan: a peer may have announced the segment meanwhile
        }
        // HTTP never waits for the hash manifest: what it does not tell yet counts as unknown.
        return this.fromOrigin(mode);
      }

      // plan.kind === 'p2p'
      if (!peers) {
        this.httpOnly = true;
        continue;
      }
      if (mode.kind === 'pending') {
        // Peer bytes may wait for the manifest, but only within the time the plan gives peers.
        await this.settleTrust(plan.deadlineSeconds);
        continue;
      }
      // Peers hear of a download from a peer like of one from the origin: a viewer connected to us
      // but not to our source then waits for our copy instead of fetching the segment itself.
      peers.announceFetch(segment.id, 'started');
      let delivery: Delivery | undefined;
      try {
        if (await this.transferFromPeer(peers, plan.peerId, plan.deadlineSeconds)) {
          delivery = await this.verifyPeerBytes(peers, plan.peerId);
        }
      } finally {
        peers.announceFetch(segment.id, delivery ? 'succeeded' : 'failed');
      }
      if (delivery) return delivery;
    }
  }

  /** How peer bytes are checked now (see {@link TrustMode}). */
  private trustMode(): TrustMode {
    const trust = this.context.trust;
    if (!trust) return UNTRUSTED;
    const verdict = trust.current();
    if (verdict?.kind === 'listed') return { kind: 'trusted', digest: verdict.digest };
    if (verdict === undefined && !this.trustWaitExpired) return PENDING;
    return trust.strict ? NO_PEERS : UNTRUSTED;
  }

  /** Waits up to `seconds` for the manifest to tell the trusted hash. */
  private async settleTrust(seconds: number): Promise<void> {
    const trust = this.context.trust;
    if (!trust) return;
    const wait = boundedAttempt(this.signal, seconds);
    try {
      await trust.lookup(wait.signal);
    } catch {
      // Out of time (or aborted, checked below): the hash counts as unknown.
    } finally {
      wait.dispose();
    }
    throwIfAborted(this.signal, this.context.segment);
    if (trust.current() === undefined) this.trustWaitExpired = true;
  }

  private received(source: TransferSource, chunk: Uint8Array, peerId?: string): void {
    this.firstByteMs ??= performance.now();
    this.context.onBytes(source, chunk.byteLength, peerId);
  }

  /**
   * Requests the rest of the segment from a peer. True when the peer sent everything it claimed;
   * false when the attempt failed (the peer is penalised unless it merely ran out of time).
   */
  private async transferFromPeer(
    swarm: SegmentPeers,
    peerId: string,
    deadlineSeconds: number,
  ): Promise<boolean> {
    const { context, signal, partial } = this;
    this.peerAttempts++;
    this.transferStartMs = performance.now();
    const deadlineMs = this.transferStartMs + deadlineSeconds * 1000;
    const attempt = boundedAttempt(signal, deadlineSeconds);
    /** When this attempt's first byte arrived, and the bytes it brought since. */
    const pace = { firstByteMs: undefined as number | undefined, bytes: 0 };
    // Set once the request settled: whatever the peer layer still reports afterwards (a late
    // chunk of a failed request) must not join bytes of the next source, e.g. an origin download
    // that is delivered unchecked.
    let settled = false;
    try {
      const response = await swarm.request(peerId, context.segment.id, {
        byteOffset: partial.byteLength,
        signal: attempt.signal,
        onStart: (info) => {
          if (settled) return;
          this.claims.set(peerId, info.totalBytes);
          if (
            partial.byteLength > 0 &&
            this.totalBytes !== undefined &&
            info.totalBytes !== this.totalBytes
          ) {
            // Two peers disagree on the size: the held bytes cannot be joined to these. Only the
            // origin can tell who is right.
            attempt.controller.abort(CONFLICT);
            return;
          }
          this.totalBytes = info.totalBytes;
          // Chunks land in one buffer of this size as they arrive (bounded by the swarm's
          // maxTotalBytes); the delivery hands that buffer over without joining chunks at the end.
          partial.reserve(info.totalBytes);
          if (info.digest) this.peerDigest = info.digest;
        },
        onChunk: (chunk) => {
          if (settled) return;
          this.received('p2p', chunk, peerId);
          if (attempt.signal.aborted) return;
          partial.append(chunk, peerId);
          context.onProgress(partial.byteLength, this.totalBytes);
          this.checkPace(pace, chunk.byteLength, deadlineMs, attempt.controller);
        },
      });
      if (attempt.signal.aborted) throw abortError(context.segment);
      this.claims.set(peerId, response.totalBytes);
      this.totalBytes = response.totalBytes;
      if (response.digest) this.peerDigest = response.digest;
      return true;
    } catch (error) {
      throwIfAborted(signal, context.segment);
      const reason: unknown = attempt.signal.reason;
      if (reason === DEADLINE || reason === BEHIND_PACE || reason === CONFLICT) {
        // Out of time for peers, or peers that disagree: the origin completes or replaces them.
        this.httpOnly = true;
        if (reason !== CONFLICT) {
          const why =
            reason === DEADLINE
              ? 'before its deadline'
              : 'in time at the pace it was sending (given up early)';
          swarm.penalize(
            peerId,
            new PeerRequestError(
              'deadline-missed',
              `Peer ${peerId} did not deliver segment ${context.segment.id} ${why}`,
            ),
          );
        }
      } else if (error instanceof P2PMediaLoaderError && error.code !== 'aborted') {
        swarm.penalize(peerId, error);
      }
      return false;
    } finally {
      settled = true;
      attempt.dispose();
    }
  }

  /**
   * Gives the attempt up (reason {@link BEHIND_PACE}) once the peer's pace since its first byte says
   * the rest will not arrive before `deadlineMs`: the origin then gets the time the deadline kept
   * for it, instead of whatever is left after a dripping peer ran out the clock.
   */
  private checkPace(
    pace: { firstByteMs: number | undefined; bytes: number },
    chunkBytes: number,
    deadlineMs: number,
    controller: AbortController,
  ): void {
    const nowMs = performance.now();
    if (pace.firstByteMs === undefined) {
      // The first chunk only marks the start: its bytes came after an unknown wait.
      pace.firstByteMs = nowMs;
      return;
    }
    pace.bytes += chunkBytes;
    if (this.totalBytes === undefined) return;
    const behind = transferMissesDeadline({
      receivedBytes: pace.bytes,
      remainingBytes: this.totalBytes - this.partial.byteLength,
      elapsedSeconds: (nowMs - pace.firstByteMs) / 1000,
      secondsToDeadline: (deadlineMs - nowMs) / 1000,
    });
    if (behind) controller.abort(BEHIND_PACE);
  }

  /**
   * Checks a segment received from peers alone: the delivery, or undefined to plan again (the
   * bytes were dropped and their peer penalised).
   */
  private async verifyPeerBytes(
    swarm: SegmentPeers,
    peerId: string,
  ): Promise<Delivery | undefined> {
    const { context, partial } = this;
    let mode = this.trustMode();
    if (mode.kind === 'pending') {
      const reserve = httpReserveSeconds({
        expectedBytes: this.totalBytes,
        httpBps: context.httpBps(),
        safetyMarginSeconds: context.safetyMarginSeconds,
      });
      await this.settleTrust(context.slackSeconds() - reserve);
      mode = this.trustMode();
    }
    const data = partial.concat();
    const computed = await segmentDigest(data);
    throwIfAborted(this.signal, context.segment);
    if (mode.kind === 'trusted') {
      if (digestsEqual(computed, mode.digest)) {
        return this.finish(data, 'p2p', 'trusted', { digest: computed, peerId });
      }
      return this.refetchWhole(mode.digest);
    }
    // `strict` and the hash unknown after all (the manifest changed meanwhile): nothing can vouch
    // for these bytes, and nothing proves them wrong but the origin.
    if (mode.kind !== 'untrusted') return this.refetchWhole(undefined);

    const problem = integrityProblem(context, data, this.totalBytes, this.peerDigest, computed);
    if (!problem) {
      return this.finish(data, 'p2p', this.peerDigest ? 'peer-digest' : 'none', { peerId });
    }
    if (partial.contributors().length > 1) {
      // Which of several peers sent the wrong part only the origin's bytes can tell.
      return this.refetchWhole(undefined);
    }
    swarm.penalize(
      peerId,
      new P2PMediaLoaderError(
        'segment-integrity',
        `Segment ${context.segment.id} from peer ${peerId}: ${problem}`,
      ),
    );
    this.dropPeerBytes();
    return undefined;
  }

  /** The HTTP step: the whole segment, or (trusted hash known) the rest of a partial P2P transfer. */
  private async fromOrigin(mode: TrustMode): Promise<Delivery> {
    const trustedDigest = mode.kind === 'trusted' ? mode.digest : undefined;
    if (!this.partial.hasPeerBytes) {
      this.partial.reset();
      return this.originWhole(trustedDigest);
    }
    // Without a trusted hash nothing could vouch for the peer bytes joined to the origin's (a
    // peer's own digest is worthless for bytes it did not send): the origin sends it whole.
    if (!trustedDigest) return this.refetchWhole(undefined);

    const held = this.partial.byteLength;
    const { byteRange } = this.context.segment;
    if (byteRange && held >= byteRange.end - byteRange.start)
      return this.refetchWhole(trustedDigest);
    // The end comes from the playlist's byte range or the origin, never from a peer's claim.
    const range: OriginRange = byteRange
      ? { start: byteRange.start + held, end: byteRange.end }
      : { start: held };
    let response: OriginResponse;
    try {
      response = await this.fetchFromOrigin(range);
    } catch (error) {
      throwIfAborted(this.signal, this.context.segment);
      // The peers' bytes reach past the resource's end: they were wrong.
      if (isPastTheEnd(error)) return this.refetchWhole(trustedDigest);
      throw error;
    }
    this.partial.append(response.data);
    const data = this.partial.concat();
    const computed = await segmentDigest(data);
    if (digestsEqual(computed, trustedDigest)) {
      return this.finish(data, 'http', 'trusted', { digest: computed });
    }
    return this.refetchWhole(trustedDigest);
  }

  /**
   * Drops the bytes held, fetches the segment whole from the origin, and bans the peers whose
   * bytes differ from the origin's (see {@link peersToBlame}).
   */
  private async refetchWhole(trustedDigest: Uint8Array | undefined): Promise<Delivery> {
    const held = this.partial.concat();
    const contributions = [...this.partial.contributions()];
    this.dropPeerBytes();
    this.httpOnly = true;
    const delivery = await this.originWhole(trustedDigest);
    const blamed = peersToBlame({
      held,
      contributions,
      claimedBytes: this.claims,
      origin: delivery.data,
    });
    for (const peerId of blamed) {
      this.context
        .peers()
        ?.ban(
          peerId,
          new P2PMediaLoaderError(
            'segment-integrity',
            `Segment ${this.context.segment.id} from peer ${peerId} differs from the origin's`,
          ),
        );
    }
    return delivery;
  }

  /** Fetches the segment whole from the origin. */
  private async originWhole(trustedDigest: Uint8Array | undefined): Promise<Delivery> {
    const response = await this.fetchFromOrigin(this.context.segment.byteRange);
    this.partial.append(response.data);
    const data = this.partial.concat();
    const digest = await segmentDigest(data);
    let shareable = true;
    if (trustedDigest && !digestsEqual(digest, trustedDigest)) {
      // The origin is the authority on its own segments: a manifest that disagrees is stale or
      // wrong, and refusing the origin's bytes would stop playback for every viewer. The player gets
      // them; the site hears of it; peers with the same manifest would reject them, so they are not
      // shared.
      shareable = false;
      this.context.onIntegrityWarning?.(
        new P2PMediaLoaderError(
          'segment-integrity',
          `Segment ${this.context.segment.id} (${this.context.segment.url}) from the origin does ` +
            'not match its trusted hash; delivered anyway (the origin is the authority)',
        ),
      );
    }
    return this.finish(data, 'http', 'origin', { digest, shareable });
  }

  /** One origin download, announced to the peers. */
  private async fetchFromOrigin(range: OriginRange | undefined): Promise<OriginResponse> {
    const { context, signal } = this;
    const peers = context.peers();
    const heldBefore = this.partial.byteLength;
    let received = 0;
    const total = range?.end === undefined ? undefined : heldBefore + range.end - range.start;
    this.transferStartMs = performance.now();
    peers?.announceFetch(context.segment.id, 'started');
    try {
      const response = await context.http(range, signal, (chunk) => {
        this.received('http', chunk);
        received += chunk.byteLength;
        context.onProgress(heldBefore + received, total);
      });
      peers?.announceFetch(context.segment.id, 'succeeded');
      return response;
    } catch (error) {
      peers?.announceFetch(context.segment.id, 'failed');
      throw error;
    }
  }

  private dropPeerBytes(): void {
    this.partial.reset();
    this.totalBytes = undefined;
    this.peerDigest = undefined;
  }

  private finish(
    data: Uint8Array,
    source: TransferSource,
    verified: Delivery['verified'],
    extra: { digest?: Uint8Array; peerId?: string; shareable?: boolean },
  ): Delivery {
    const contributors = this.partial.contributors();
    // Every peer byte in a delivery that is not the origin's own passed the checks: those peers
    // end their probation (see PeerCandidate.proven).
    if (verified !== 'origin') {
      const peers = this.context.peers();
      for (const contributor of contributors) peers?.vouch(contributor);
    }
    return {
      data,
      source,
      ...(extra.peerId === undefined ? {} : { peerId: extra.peerId }),
      contributors,
      verified,
      ...(extra.digest ? { digest: extra.digest } : {}),
      shareable: extra.shareable ?? true,
      firstByteMs: this.firstByteMs ?? performance.now(),
      transferStartMs: this.transferStartMs,
    };
  }
}
