/**
 * When the engine joins the swarms of a source. Joining creates several RTCPeerConnections and
 * offers at once, and the first peers then push segment announcements: main-thread and network
 * work that competes with the player's own startup. Startup segments are urgent and come over HTTP
 * anyway, so a source joins once playback runs with a safe buffer ahead
 * ({@link JOIN_BUFFER_AHEAD_SECONDS}), at the latest {@link JOIN_AT_LATEST_AFTER_PLAYBACK_MS} after
 * playback started; a second after the first segment was delivered when playback does not run
 * (paused, autoplay blocked), and after a longer delay when no segment was delivered at all.
 *
 * Why not earlier. Shaka starts a live stream with a few hundred ms of audio at times (its default
 * `rebufferingGoal` is 0), and asks for the next audio segment up to a second later; a join in
 * that window made that joiner's stall more likely on a loaded 2-core test machine. VOD sources
 * used to join as soon as their first segment was delivered, so that the second segment could come
 * from a peer: 4 of 15 joiners got it that way (Shaka VOD DASH, 6 viewers, 60 s each), but the
 * join's work then fell between the first segment and the first frame, which took 190 ms instead
 * of the baseline's 95 ms (median). One segment of a session is worth less than startup.
 *
 * Why not later. "Runs" means unpaused with data buffered at the playhead, not that the playhead
 * moves: pages call `play()` early, so with hls.js this can come a few hundred ms before the first
 * frame. Waiting for the playhead to move was tried (2026-12-03, 6 viewers, 180 s): hls.js live
 * startup stayed as far above its baseline as before (first segment to first frame +120 ms in
 * both versions), and Shaka VOD startup went from 1.01-1.07x to 1.41x of the baseline in two runs.
 *
 * Background prefetch from peers waits until playback has run, whenever the swarm was joined: it
 * pulls many segments at once, which is what the startup must not compete with.
 *
 * A player nobody started does not join at all. When the player reports that it is paused before
 * its playback ever ran (a page with players the viewer has not clicked, `preload` fetching the
 * first segment, autoplay blocked), the join waits for playback to run: no tracker socket, no peer
 * connections and no announcements for a viewer who is not watching. The deadlines above apply
 * only while no such report came, as with an engine driven without a media element.
 */

/**
 * Buffer ahead of the playhead at which playback is safe enough to join. Less than a segment: a
 * joiner's next segments wait for its swarm (they have time to spare), so a threshold of a whole
 * segment could be reached only when the latest join came.
 */
const JOIN_BUFFER_AHEAD_SECONDS = 1;
/** After playback started running, lets the first frame be painted first. */
const JOIN_AFTER_SAFE_PLAYBACK_MS = 100;
/** Latest join after playback started, for players that never hold {@link JOIN_BUFFER_AHEAD_SECONDS}. */
const JOIN_AT_LATEST_AFTER_PLAYBACK_MS = 1500;
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
  private playbackHasRun = false;
  /** The player said it is paused before it ever ran: the join waits for playback. */
  private waitsForPlay = false;

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
   * A segment was delivered: join within {@link JOIN_AFTER_FIRST_SEGMENT_MS} unless playback has
   * started, whose own rule then decides.
   */
  segmentDelivered(nowMs: number): void {
    if (this.joinAtMs === undefined || this.playbackHasRun || this.waitsForPlay) return;
    this.joinBy(nowMs + JOIN_AFTER_FIRST_SEGMENT_MS, nowMs);
  }

  /**
   * Playback runs (unpaused, with data at the playhead) with `bufferedAheadSeconds` buffered: join
   * once that reaches {@link JOIN_BUFFER_AHEAD_SECONDS}, at the latest
   * {@link JOIN_AT_LATEST_AFTER_PLAYBACK_MS} after playback first ran.
   */
  playbackRunning(nowMs: number, bufferedAheadSeconds: number): void {
    if (!this.playbackHasRun) {
      this.playbackHasRun = true;
      // Replaces the first segment's deadline, which could fall in the fragile first second.
      if (this.joinAtMs !== undefined || this.waitsForPlay)
        this.reschedule(nowMs + JOIN_AT_LATEST_AFTER_PLAYBACK_MS, nowMs);
      this.waitsForPlay = false;
    }
    if (this.joinAtMs !== undefined && bufferedAheadSeconds >= JOIN_BUFFER_AHEAD_SECONDS) {
      this.joinBy(nowMs + JOIN_AFTER_SAFE_PLAYBACK_MS, nowMs);
    }
  }

  /**
   * The player reports that it is paused. Before its playback ever ran, that is a player nobody
   * started: the pending join is cancelled until {@link playbackRunning}. Once playback has run,
   * or the swarms were joined, a pause changes nothing (a paused viewer still serves its peers).
   */
  playbackPaused(): void {
    if (this.playbackHasRun || this.joinedAtMs !== undefined || this.joinAtMs === undefined) return;
    this.waitsForPlay = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.joinAtMs = undefined;
  }

  /** True while the join waits for a player nobody started (see {@link playbackPaused}). */
  get waitingForPlay(): boolean {
    return this.waitsForPlay;
  }

  /**
   * Seconds until the swarms have had their chance to connect (0 once they have). Before the join,
   * counted from the pending join's deadline, as segments waiting for peers meanwhile would (from
   * the source's default deadline while the join waits for play: an autoplaying element reports
   * itself paused until its first frame, and the segments it buffers ahead may still wait).
   */
  warmupSeconds(nowMs: number): number {
    const joinMs = this.joinedAtMs ?? this.joinAtMs ?? this.sourceSetAtMs + JOIN_AFTER_SOURCE_MS;
    return Math.max(0, (joinMs + CONNECT_GRACE_MS - nowMs) / 1000);
  }

  /** Cancels a pending join and forgets the source. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.joinAtMs = undefined;
    this.joinedAtMs = undefined;
    this.playbackHasRun = false;
    this.waitsForPlay = false;
  }

  /** Moves the pending join to `atMs` if that is earlier. */
  private joinBy(atMs: number, nowMs: number): void {
    if (this.joinAtMs !== undefined && this.joinAtMs <= atMs) return;
    this.reschedule(atMs, nowMs);
  }

  /** Sets the pending join to `atMs`, earlier or later. */
  private reschedule(atMs: number, nowMs: number): void {
    if (this.joinedAtMs !== undefined) return;
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
