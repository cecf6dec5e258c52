/**
 * When the engine joins the swarms of a source. Joining creates several RTCPeerConnections and
 * offers at once, and the first peers then push segment announcements and prefetched segments at a
 * fast pace: tens of milliseconds of main-thread work that would delay the first frame. Startup
 * segments are urgent and come over HTTP anyway, so swarms are joined as soon as playback runs (the
 * first frame is up), at the latest a moment after the first segment was delivered, or after a
 * longer delay when none was (paused, autoplay blocked).
 *
 * Joining as soon as playback runs, rather than a fixed second after the first segment, matters for
 * the segments a joining viewer asks for next: a player buffering its first seconds (Shaka: the
 * segment before its start, the one it starts in and the next; then one more 1-2 s later) needs
 * them within 2-4 s, and a swarm takes most of a second to connect (tracker round trip, WebRTC
 * set-up). A second less before joining is a segment more from peers instead of the origin.
 */

/** After playback started running. Short: lets the first frame be painted first. */
const JOIN_AFTER_PLAYBACK_MS = 100;
/** After the first segment was delivered, when playback does not run by then. */
const JOIN_AFTER_FIRST_SEGMENT_MS = 1000;
/** After the source was set, when no segment was delivered yet. */
const JOIN_AFTER_SOURCE_MS = 3000;
/**
 * After joining, how long a swarm gets to find its first peers (tracker round trip, WebRTC set-up:
 * a few hundred ms on working networks) before segments stop waiting for it.
 */
const CONNECT_GRACE_MS = 2000;

/** Schedules the join of one source's swarms. */
export class SwarmJoinSchedule {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private joinAtMs: number | undefined;
  private joinedAtMs: number | undefined;
  private sourceSetAtMs = 0;

  /** @param join - joins the swarms; called once per {@link start} */
  constructor(private readonly join: () => void) {}

  /** True once the swarms were joined (until {@link stop}). */
  get joined(): boolean {
    return this.joinedAtMs !== undefined;
  }

  /** A source was set at `nowMs` (`performance.now()`): join within {@link JOIN_AFTER_SOURCE_MS}. */
  start(nowMs: number): void {
    this.stop();
    this.sourceSetAtMs = nowMs;
    this.joinBy(nowMs + JOIN_AFTER_SOURCE_MS, nowMs);
  }

  /** A segment was delivered: join within {@link JOIN_AFTER_FIRST_SEGMENT_MS}. */
  segmentDelivered(nowMs: number): void {
    if (this.joinAtMs !== undefined) this.joinBy(nowMs + JOIN_AFTER_FIRST_SEGMENT_MS, nowMs);
  }

  /** Playback runs (unpaused, with data at the playhead): join within {@link JOIN_AFTER_PLAYBACK_MS}. */
  playbackRunning(nowMs: number): void {
    if (this.joinAtMs !== undefined) this.joinBy(nowMs + JOIN_AFTER_PLAYBACK_MS, nowMs);
  }

  /**
   * Seconds until the swarms have had their chance to connect (0 once they have). Before the join,
   * counted from the latest the join can happen, as segments waiting for peers meanwhile would.
   */
  warmupSeconds(nowMs: number): number {
    const readyAtMs =
      this.joinedAtMs === undefined
        ? this.sourceSetAtMs + JOIN_AFTER_SOURCE_MS + CONNECT_GRACE_MS
        : this.joinedAtMs + CONNECT_GRACE_MS;
    return Math.max(0, (readyAtMs - nowMs) / 1000);
  }

  /** Cancels a pending join and forgets the source. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.joinAtMs = undefined;
    this.joinedAtMs = undefined;
  }

  /** Moves the pending join to `atMs` if that is earlier. */
  private joinBy(atMs: number, nowMs: number): void {
    if (this.joinedAtMs !== undefined) return;
    if (this.joinAtMs !== undefined && this.joinAtMs <= atMs) return;
    clearTimeout(this.timer);
    this.joinAtMs = atMs;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.joinAtMs = undefined;
        this.joinedAtMs = performance.now();
        this.join();
      },
      Math.max(0, atMs - nowMs),
    );
  }
}
