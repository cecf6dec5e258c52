/**
 * Executes the scheduler's plans for one segment until its bytes are complete and verified: asks
 * {@link planRequest} where to get them, downloads from a peer or the origin, and asks again when a
 * peer fails, a deadline passes or a peer announces the segment. Bytes already received are kept,
 * so a transfer cut short continues from where it stopped (another peer or an HTTP byte range).
 */
import { P2PMediaLoaderError } from '../errors.js';
import type { ByteRange, Segment, TransferSource } from '../model/segment.js';
import {
  isWellFormedSegment,
  sniffContainer,
  type ContainerKind,
} from '../p2p/integrity/container-check.js';
import { digestsEqual, segmentDigest } from '../p2p/integrity/segment-digest.js';
import { PartialSegment } from './partial-segment.js';
import { planRequest } from './request-plan.js';
import type { SegmentPeers } from './segment-peers.js';

/** Abort reason of a peer attempt whose deadline passed. */
const DEADLINE = Symbol('deadline');

/** While a stream's swarm is still being joined, deliveries waiting for it look again this often. */
const WARMUP_POLL_SECONDS = 0.25;

/** Peer attempts per delivery before the runner stops trying peers. */
const MAX_PEER_ATTEMPTS = 4;

/** A completed delivery. */
export interface Delivery {
  readonly data: Uint8Array;
  /** Source of the last bytes (a delivery completed over HTTP after a partial P2P transfer is `http`). */
  readonly source: TransferSource;
  readonly peerId?: string;
  /** SHA-256 of the data when WebCrypto is available. */
  readonly digest?: Uint8Array;
  /** When the first byte arrived (`performance.now()` ms). */
  readonly firstByteMs: number;
  /** When the transfer that completed the segment started (`performance.now()` ms). */
  readonly transferStartMs: number;
}

/** The environment of one delivery: the engine provides it. */
export interface DeliveryContext {
  readonly segment: Segment;
  /** The stream's peers now, or undefined while it has no swarm (P2P off, or not joined yet). */
  readonly peers: () => SegmentPeers | undefined;
  /** Seconds until the stream's swarm has had its chance to connect; 0 once it has (or P2P is off). */
  readonly peerWarmupSeconds: () => number;
  /** Downloads `range` (or the segment's own range when undefined) over HTTP. */
  readonly http: (
    range: ByteRange | undefined,
    signal: AbortSignal,
    onChunk: (chunk: Uint8Array) => void,
  ) => Promise<Uint8Array>;
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
  /** Counts bytes as they arrive. */
  readonly onBytes: (source: TransferSource, bytes: number, peerId?: string) => void;
  /** Reports delivery progress. */
  readonly onProgress: (loadedBytes: number, totalBytes: number | undefined) => void;
  /** Random numbers in [0, 1) (injectable for tests). */
  readonly random: () => number;
}

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
    const timer = setTimeout(
      () => {
        finish(false);
      },
      Math.max(0, seconds * 1000),
    );
    const unsubscribe = context.peers()?.onAvailabilityChange(context.segment.id, () => {
      finish(true);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The range HTTP must fetch to complete `held` bytes of the segment. */
function remainingRange(
  segment: Segment,
  held: number,
  totalBytes: number | undefined,
): ByteRange | undefined {
  if (held === 0) return segment.byteRange;
  const start = (segment.byteRange?.start ?? 0) + held;
  const end = segment.byteRange?.end ?? totalBytes;
  // Without a known end the held bytes cannot be completed by range: start over.
  return end === undefined ? undefined : { start, end };
}

/** Why bytes from a peer are unacceptable, or undefined when they pass every check. */
function integrityProblem(
  context: DeliveryContext,
  data: Uint8Array,
  totalBytes: number,
  digest: Uint8Array | undefined,
  computed: Uint8Array | undefined,
): string | undefined {
  const { byteRange } = context.segment;
  if (data.byteLength !== totalBytes) return `got ${data.byteLength} bytes of ${totalBytes}`;
  if (byteRange && byteRange.end - byteRange.start !== totalBytes) {
    return `size ${totalBytes} differs from the byte range's ${byteRange.end - byteRange.start}`;
  }
  if (digest && computed && !digestsEqual(digest, computed)) return 'SHA-256 mismatch';
  const expected = context.expectedContainer() ?? sniffContainer(data);
  if (!isWellFormedSegment(data, expected)) return `not a well-formed ${expected} segment`;
  return undefined;
}

/** Delivers the segment's verified bytes, or rejects (aborted, or the HTTP error). */
export async function deliverSegment(
  context: DeliveryContext,
  signal: AbortSignal,
): Promise<Delivery> {
  const { segment } = context;
  const partial = new PartialSegment();
  let totalBytes: number | undefined;
  let knownDigest: Uint8Array | undefined;
  let firstByteMs: number | undefined;
  let peerAttempts = 0;
  let httpOnly = false;
  let transferStartMs: number;
  let jitterDone = false;

  const received = (source: TransferSource, peerId?: string) => (chunk: Uint8Array) => {
    firstByteMs ??= performance.now();
    partial.append(chunk);
    context.onBytes(source, chunk.byteLength, peerId);
    context.onProgress(partial.byteLength, totalBytes);
  };

  for (;;) {
    throwIfAborted(signal, segment);
    const peers = context.peers();
    const waitForSwarm = peers === undefined || (peers.peerCount === 0 && !peers.alone);
    const warmup = waitForSwarm ? context.peerWarmupSeconds() : 0;
    const plan = planRequest({
      slackSeconds: context.slackSeconds(),
      expectedBytes: totalBytes ?? context.expectedBytes(),
      httpBps: context.httpBps(),
      safetyMarginSeconds: context.safetyMarginSeconds,
      peers: httpOnly || !peers ? [] : peers.candidates(segment.id),
      p2pAllowed: !httpOnly && peerAttempts < MAX_PEER_ATTEMPTS,
      peerWarmupSeconds: warmup,
      playerWaiting: context.playerWaiting(),
      random: context.random(),
    });

    if (plan.kind === 'give-up') throw abortError(segment);

    if (plan.kind === 'wait-for-peer') {
      // Without a swarm yet there is nothing to be notified by: look again shortly.
      const seconds = peers
        ? plan.deadlineSeconds
        : Math.min(plan.deadlineSeconds, WARMUP_POLL_SECONDS);
      await waitForAvailability(context, seconds, signal);
      continue;
    }

    if (plan.kind === 'http') {
      if (!jitterDone && plan.delaySeconds > 0 && peers) {
        jitterDone = true;
        await waitForAvailability(context, plan.delaySeconds, signal);
        continue; // re-plan: a peer may have announced the segment meanwhile
      }
      const range = remainingRange(segment, partial.byteLength, totalBytes);
      if (partial.byteLength > 0 && range === undefined) partial.reset();
      transferStartMs = performance.now();
      peers?.announceHttpFetch(segment.id, 'started');
      try {
        await context.http(range, signal, received('http'));
      } catch (error) {
        peers?.announceHttpFetch(segment.id, 'failed');
        throw error;
      }
      peers?.announceHttpFetch(segment.id, 'succeeded');
      const data = partial.concat();
      const digest = await segmentDigest(data);
      if (knownDigest && digest && !digestsEqual(knownDigest, digest)) {
        // The peer's part was wrong after all (its digest disagrees with the origin's bytes).
        partial.reset();
        knownDigest = undefined;
        totalBytes = undefined;
        httpOnly = true;
        continue;
      }
      return {
        data,
        source: 'http',
        ...(digest ? { digest } : {}),
        firstByteMs: firstByteMs ?? performance.now(),
        transferStartMs,
      };
    }

    // plan.kind === 'p2p'
    const swarm = peers;
    if (!swarm) {
      httpOnly = true;
      continue;
    }
    peerAttempts++;
    transferStartMs = performance.now();
    const peerId = plan.peerId;
    const attempt = new AbortController();
    const onOuterAbort = (): void => {
      attempt.abort();
    };
    signal.addEventListener('abort', onOuterAbort, { once: true });
    const deadline = setTimeout(() => {
      attempt.abort(DEADLINE);
    }, plan.deadlineSeconds * 1000);
    try {
      const response = await swarm.request(peerId, segment.id, {
        byteOffset: partial.byteLength,
        signal: attempt.signal,
        onStart: (info) => {
          if (totalBytes !== undefined && info.totalBytes !== totalBytes) {
            // Another peer said otherwise: the held bytes cannot be trusted to join these.
            partial.reset();
          }
          totalBytes = info.totalBytes;
          if (info.digest) knownDigest = info.digest;
        },
        onChunk: received('p2p', peerId),
      });
      totalBytes = response.totalBytes;
      if (response.digest) knownDigest = response.digest;
      const data = partial.concat();
      const computed = await segmentDigest(data);
      const problem = integrityProblem(context, data, response.totalBytes, knownDigest, computed);
      if (problem) {
        swarm.penalize(
          peerId,
          new P2PMediaLoaderError(
            'segment-integrity',
            `Segment ${segment.id} from peer ${peerId}: ${problem}`,
          ),
        );
        partial.reset();
        totalBytes = undefined;
        knownDigest = undefined;
        continue;
      }
      return {
        data,
        source: 'p2p',
        peerId,
        ...(computed ? { digest: computed } : {}),
        firstByteMs: firstByteMs ?? performance.now(),
        transferStartMs,
      };
    } catch (error) {
      throwIfAborted(signal, segment);
      if (attempt.signal.reason === DEADLINE) {
        // Out of time for peers: HTTP completes what we have.
        httpOnly = true;
      } else if (error instanceof P2PMediaLoaderError && error.code !== 'aborted') {
        swarm.penalize(peerId, error);
      }
    } finally {
      clearTimeout(deadline);
      signal.removeEventListener('abort', onOuterAbort);
    }
  }
}
