/**
 * What the engine learns about each stream from the segments it delivers: the typical segment size
 * (so the scheduler can estimate transfer times) and the container of the origin's segments (so
 * bytes from peers can be checked against it).
 */
import { sniffContainer, type ContainerKind } from '../p2p/integrity/container-check.js';

/** Weight of the newest segment in the moving average of sizes. */
const SIZE_AVERAGE_WEIGHT = 0.3;

interface StreamProfile {
  averageBytes: number | undefined;
  container: ContainerKind | undefined;
}

/** Per-stream segment size and container, learned from deliveries. */
export class StreamProfiles {
  private readonly profiles = new Map<string, StreamProfile>();

  /**
   * Learns from a delivered segment. Only a segment the origin sent whole defines the stream's
   * container (`fromOrigin`): bytes from peers, even mixed with the origin's, never do, or a peer
   * could choose what the stream's other segments are checked against.
   */
  learn(streamKey: string, data: Uint8Array, fromOrigin: boolean): void {
    let profile = this.profiles.get(streamKey);
    if (!profile) {
      profile = { averageBytes: undefined, container: undefined };
      this.profiles.set(streamKey, profile);
    }
    const bytes = data.byteLength;
    profile.averageBytes =
      profile.averageBytes === undefined
        ? bytes
        : profile.averageBytes * (1 - SIZE_AVERAGE_WEIGHT) + bytes * SIZE_AVERAGE_WEIGHT;
    if (fromOrigin && profile.container === undefined) profile.container = sniffContainer(data);
  }

  /** Typical segment size in bytes, if any segment was delivered. */
  averageBytes(streamKey: string): number | undefined {
    return this.profiles.get(streamKey)?.averageBytes;
  }

  /** The container of the stream's origin segments, once one was fetched over HTTP. */
  container(streamKey: string): ContainerKind | undefined {
    return this.profiles.get(streamKey)?.container;
  }

  /** Forgets a stream. */
  delete(streamKey: string): void {
    this.profiles.delete(streamKey);
  }

  /** Forgets everything. */
  clear(): void {
    this.profiles.clear();
  }
}
