/**
 * When the engine joins the swarms of a source. Joining creates several RTCPeerConnections and
 * offers at once, and the first peers then push segment announcements: main-thread and network
 * work that competes with the player's own startup. Startup segments are urgent and come over HTTP
 * anyway, so a live source joins as soon as playback runs (the first frame is up), at the latest a
 * second after the first segment was delivered, or after a longer delay when none was (paused,
 * autoplay blocked).
 *
 * A VOD source joins as soon as its first segment was delivered. A VOD player asks for its second
 * segment right after the first, with a whole segment of slack (2 s here) of which the scheduler
 * keeps `httpSafetyMarginSeconds` for HTTP: the ~0.5 s left is sometimes enough for a swarm that
 * starts connecting then (first peer 0.45-0.7 s after the join on a loaded 2-core test machine,
 * 1-2 s when it was saturated), never for one that starts when playback runs 0.1-0.3 s later. Bench
 * (Shaka VOD DASH, 6 viewers, 3 runs each): 4 of 15 joiners took segment 2 from a peer instead of 0
 * of 15, offload 0.787-0.794 instead of 0.771-0.782. A live joiner gains nothing from it, since its
 * next segments are due within the HTTP margin, and its startup (which still waits for more
 * segments) lost 0.1-0.25 s to an early join on that machine.
 *
 * Background prefetch from peers waits until playback has run, whenever the swarm was joined: it
 * pulls many segments at once, which is what the startup must not compete with.
 */

/** After playback started running. Short: lets the first frame be painted first. */
const JOIN_AFTER_PLAYBACK_MS = 100;
/** After the first segment of a live source was delivered, when playback does not run by then. */
const JOIN_AFTER_FIRST_LIVE_SEGMENT_MS = 1000;
/** After the first segment of a VOD source was delivered. */
const JOIN_AFTER_FIRST_VOD_SEGMENT_MS = 0;
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
  private playbackHasRun = false;

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

  /** True once playback ran since the source was set: background prefetch may begin. */
  get playbackStarted(): boolean {
    return this.playbackHasRun;
  }

  /**
   * A segment was delivered: join within {@link JOIN_AFTER_FIRST_VOD_SEGMENT_MS} (VOD) or
   * {@link JOIN_AFTER_FIRST_LIVE_SEGMENT_MS} (live).
   */
  segmentDelivered(nowMs: number, isLive: boolean): void {
    if (this.joinAtMs === undefined) return;
    const delayMs = isLive ? JOIN_AFTER_FIRST_LIVE_SEGMENT_MS : JOIN_AFTER_FIRST_VOD_SEGMENT_MS;
    this.joinBy(nowMs + delayMs, nowMs);
  }

  /** Playback runs (unpaused, with data at the playhead): join within {@link JOIN_AFTER_PLAYBACK_MS}. */
  playbackRunning(nowMs: number): void {
    this.playbackHasRun = true;
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
    this.playbackHasRun = false;
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
