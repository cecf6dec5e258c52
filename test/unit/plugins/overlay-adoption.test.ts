import type { StatsOverlayHandle } from '../../../plugins/shared/contract.js';
import { offerOverlay } from '../../../plugins/shared/overlay-adoption.js';
import { createPlayerSession } from '../../../plugins/shared/player-session.js';

/** An overlay stand-in that records destroy() calls (the real one needs a DOM). */
function fakeOverlay(): StatsOverlayHandle & { destroyed: number } {
  return {
    element: {} as HTMLElement,
    visible: false,
    destroyed: 0,
    show: () => undefined,
    hide: () => undefined,
    toggle: () => undefined,
    destroy() {
      this.destroyed += 1;
    },
  };
}

describe('overlay adoption', () => {
  it('makes the overlay the session’s, replaces a previous one, and destroys it with the session', () => {
    const session = createPlayerSession({});
    expect(session.overlay).toBeUndefined();
    const first = fakeOverlay();
    const second = fakeOverlay();
    offerOverlay(session, first);
    expect(session.overlay).toBe(first);
    offerOverlay(session, first);
    expect(first.destroyed).toBe(0);
    offerOverlay(session, second);
    expect(session.overlay).toBe(second);
    expect(first.destroyed).toBe(1);
    session.destroy();
    expect(second.destroyed).toBe(1);
    expect(session.overlay).toBeUndefined();
  });

  it('destroys an overlay offered to a destroyed session at once', () => {
    const session = createPlayerSession({});
    session.destroy();
    const late = fakeOverlay();
    offerOverlay(session, late);
    expect(late.destroyed).toBe(1);
    expect(session.overlay).toBeUndefined();
  });

  it('ignores handles that do not adopt overlays (custom handles)', () => {
    const overlay = fakeOverlay();
    expect(() => {
      offerOverlay({}, overlay);
    }).not.toThrow();
    expect(overlay.destroyed).toBe(0);
  });
});
