/**
 * Feeds `player.qualityLevels()` (videojs-contrib-quality-levels, bundled with Video.js 8) from the
 * renditions hls.js or Shaka play, the way Video.js's own HLS/DASH playback (VHS) does: one level per
 * rendition, `enabled` toggles restricting what ABR may choose, `selectedIndex` following switches.
 * Quality-menu plugins written for VHS then work unchanged.
 */
import type { QualityLevelLike, QualityLevelListLike } from './videojs-types.js';

/** One rendition as the streaming library describes it. */
export interface Rendition {
  /** Unique within the source. */
  readonly id: string;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** Bits per second. */
  readonly bitrate: number | undefined;
  readonly frameRate: number | undefined;
}

/**
 * Applies the renditions the user left enabled (`enabled[i]` for `renditions[i]`; never all false:
 * the bridge turns "none" into "all", as a quality menu that unchecks everything means "auto").
 */
export type ApplyEnabledRenditions = (enabled: readonly boolean[]) => void;

/** Keeps one source's levels in the player's list. */
export class QualityLevelsBridge {
  private levels: QualityLevelLike[] = [];
  private enabled: boolean[] = [];
  private applyQueued = false;
  private disposed = false;

  /**
   * @param list - the player's list; undefined when the quality-levels plugin is missing (the
   *   bridge then does nothing)
   * @param applyEnabled - called (once per microtask, however many levels a menu toggles) when
   *   the set of enabled renditions changed
   */
  constructor(
    private readonly list: QualityLevelListLike | undefined,
    private readonly applyEnabled: ApplyEnabledRenditions,
  ) {}

  /** Replaces the levels this bridge added with `renditions` (all enabled). */
  setRenditions(renditions: readonly Rendition[]): void {
    if (this.disposed || !this.list) return;
    this.removeLevels();
    this.enabled = renditions.map(() => true);
    const list = this.list;
    this.levels = renditions.map((rendition, index) => {
      const level = list.addQualityLevel({
        id: rendition.id,
        width: rendition.width,
        height: rendition.height,
        bandwidth: rendition.bitrate,
        frameRate: rendition.frameRate,
        enabled: (enable?: boolean) => this.enabledAccessor(index, enable),
      });
      if (rendition.height !== undefined) level.label = `${String(rendition.height)}p`;
      return level;
    });
  }

  /** Marks `renditionIndex` as the one playing (`selectedIndex`, `change` event). */
  select(renditionIndex: number): void {
    if (this.disposed || !this.list) return;
    const level = this.levels[renditionIndex];
    if (level === undefined) return;
    const listIndex = indexInList(this.list, level);
    if (listIndex === -1 || listIndex === this.list.selectedIndex) return;
    this.list.selectedIndex_ = listIndex;
    this.list.trigger({ type: 'change', selectedIndex: listIndex });
  }

  /** Removes this bridge's levels from the list. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.removeLevels();
    this.disposed = true;
  }

  private enabledAccessor(index: number, enable: boolean | undefined): boolean {
    if (enable !== undefined && !this.disposed && this.enabled[index] !== enable) {
      this.enabled[index] = enable;
      this.queueApply();
    }
    return this.enabled[index] ?? false;
  }

  private queueApply(): void {
    if (this.applyQueued) return;
    this.applyQueued = true;
    queueMicrotask(() => {
      this.applyQueued = false;
      if (this.disposed) return;
      const none = !this.enabled.some(Boolean);
      this.applyEnabled(none ? this.enabled.map(() => true) : [...this.enabled]);
    });
  }

  private removeLevels(): void {
    const list = this.list;
    if (!list) return;
    for (const level of this.levels) list.removeQualityLevel(level);
    this.levels = [];
    this.enabled = [];
  }
}

function indexInList(list: QualityLevelListLike, level: QualityLevelLike): number {
  for (let index = 0; index < list.length; index++) {
    if (list[index] === level) return index;
  }
  return -1;
}

/** Lowest and highest enabled index (the range ABR caps can express), or undefined for "all". */
export function enabledRange(
  enabled: readonly boolean[],
): { min: number; max: number } | undefined {
  if (enabled.every(Boolean)) return undefined;
  const min = enabled.indexOf(true);
  const max = enabled.lastIndexOf(true);
  return min === -1 ? undefined : { min, max };
}
