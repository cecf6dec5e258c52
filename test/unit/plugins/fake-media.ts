/**
 * A media element as far as the plugins' start-up reads it (plugins/shared/startup-load.ts): its
 * attributes (`preload`, `autoplay`), `paused`, and `play` events. Shared by the hls.js and Shaka
 * start-up tests.
 */
export class FakeMedia extends EventTarget {
  readonly tagName = 'VIDEO';
  paused = true;
  constructor(private readonly attributes: Readonly<Record<string, string>> = {}) {
    super();
  }
  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }
  hasAttribute(name: string): boolean {
    return name in this.attributes;
  }
  /** What a viewer pressing play does: no longer paused, a `play` event. */
  play(): void {
    this.paused = false;
    this.dispatchEvent(new Event('play'));
  }
}
