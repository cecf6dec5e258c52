/**
 * What the delivery of one segment knows about the origin's trusted hash of it (the hash manifest
 * the site publishes, see `EngineConfig.integrity`). The engine implements it per segment; the
 * delivery runner and its tests depend on this interface only.
 */

/** What the trusted hash manifest says about one segment. */
export type TrustedDigest =
  /** The manifest lists the segment: its SHA-256. */
  | { readonly kind: 'listed'; readonly digest: Uint8Array }
  /** The manifest (as last loaded) does not list it, and no refresh is due. */
  | { readonly kind: 'unlisted' }
  /** The manifest could not be loaded (and no new attempt is due). */
  | { readonly kind: 'unavailable' };

/** The trusted hash of the segment being delivered. */
export interface SegmentTrust {
  /**
   * `strict`: bytes from peers are taken only when the trusted hash is known (and they must match
   * it). `fallback`: without a trusted hash the untrusted checks apply.
   */
  readonly strict: boolean;
  /**
   * What is known now, without waiting; `undefined` while a load or refresh of the manifest that
   * may tell is due or in flight.
   */
  current(): TrustedDigest | undefined;
  /**
   * Starts the load or refresh of the manifest that is due (if any; it is shared, and runs at most
   * once per refresh interval) and resolves with what is known once it settled. `signal` only stops
   * the wait (rejecting with `aborted`), never the shared load.
   */
  lookup(signal: AbortSignal): Promise<TrustedDigest>;
}
