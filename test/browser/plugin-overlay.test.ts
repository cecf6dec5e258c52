/**
 * The stats overlay on a custom player (a plain <video>, hls.js and the p2pml.plugins UMD bundle:
 * createPlayerSession + createStatsOverlay), three viewers of one live stream in Chromium: the
 * overlay's numbers are the handle's getStats() at each render, it is off by default and toggles
 * with Shift+P and its button (aria-expanded in step, focus kept, no layout shift, page CSS kept
 * out), the stats beacon reaches the origin's /stats.json with P2P bytes, and destroying the session
 * removes the overlay, its stylesheet and every peer connection, socket and interval.
 */
import { stat } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import type { Viewer } from '../support/browser.js';
import { useBrowserSuite } from '../support/browser-suite.js';
import {
  installLeakProbe,
  noLeaks,
  OVERLAY_ROOT_SELECTOR,
  readBeaconSummary,
  readLeaks,
  readOverlay,
  readOverlayAgainstStats,
  screenshotOverlay,
  settleLeaks,
} from '../support/plugin-probes.js';
import { waitUntil } from '../support/wait.js';

const VIEWER_COUNT = 3;
const PLAYED_SECONDS = 8;
/** A viewer joins once the previous one has played this much (later ones find segments held). */
const JOIN_AFTER_PLAYED_SECONDS = 1.5;
const SWARM_ID = `overlay-${Date.now()}`;
const STAT_NAMES = ['httpBytes', 'p2pBytes', 'p2pRatio', 'uploadBytes', 'peers'];
const SHOWN_AT_START = { visible: true, position: 'bottom-left' };
jest.setTimeout(90_000);

const suite = useBrowserSuite();
const { viewers } = suite;
const swarm: Viewer[] = [];

/** In-page access to the harness (overlay-harness.js). */
interface OverlayPageGlobals {
  __overlayPage: {
    session: { getStats(): { p2pBytes: number } };
    overlay: { visible: boolean; show(): void; element: HTMLElement };
    played(): number;
    destroy(): void;
  };
}

function played(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as OverlayPageGlobals).__overlayPage.played());
}

function p2pBytesOf(page: Page): Promise<number> {
  return page.evaluate(
    () => (window as unknown as OverlayPageGlobals).__overlayPage.session.getStats().p2pBytes,
  );
}

/** The toggle's state as users and assistive technology see it. */
async function toggleState(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate((root) => {
    const overlay = document.querySelector(root);
    const button = overlay?.querySelector('button');
    const panel = overlay?.querySelector('[role="region"]');
    return {
      visible: (window as unknown as OverlayPageGlobals).__overlayPage.overlay.visible,
      ariaExpanded: button?.getAttribute('aria-expanded'),
      controlsPanel: panel !== null && button?.getAttribute('aria-controls') === panel?.id,
      panelShown: panel instanceof HTMLElement && panel.offsetHeight > 0,
      focusOnButton: document.activeElement === button,
      textAfterPlayerTop: document.getElementById('after-player')?.getBoundingClientRect().top,
    };
  }, OVERLAY_ROOT_SELECTOR);
}

beforeAll(async () => {
  const src = suite.stack.liveUrl('overlay', 'hls-ts');
  const query = {
    src,
    p2p: JSON.stringify({ ...suite.stack.localP2PConfig(), swarmId: SWARM_ID }),
    beacon: suite.stack.beaconUrl,
  };
  const pageUrl = `${suite.stack.originUrl}/test-pages/overlay.html`;
  for (let index = 0; index < VIEWER_COUNT; index++) {
    // The second viewer's operator switched the overlay on, in another corner.
    const overlay: Record<string, string> =
      index === 1 ? { overlay: JSON.stringify(SHOWN_AT_START) } : {};
    const url = `${pageUrl}?${new URLSearchParams({ ...query, ...overlay }).toString()}`;
    const previous = swarm.at(-1);
    if (previous) {
      await waitUntil(async () => (await played(previous.page)) >= JOIN_AFTER_PLAYED_SECONDS, {
        timeoutMs: 30_000,
        description: `${previous.name} plays`,
      });
    }
    // Opened blank first: the leak probe must be in place before the page's scripts run.
    const viewer = await viewers.open(suite.browser, 'about:blank', `overlay viewer ${index}`);
    await installLeakProbe(viewer.page);
    await viewer.page.goto(url);
    swarm.push(viewer);
  }
  await waitUntil(
    async () => {
      const seconds = await Promise.all(swarm.map((viewer) => played(viewer.page)));
      const p2p = await Promise.all(swarm.map((viewer) => p2pBytesOf(viewer.page)));
      return seconds.every((value) => value >= PLAYED_SECONDS) && p2p.some((bytes) => bytes > 0);
    },
    { timeoutMs: 50_000, description: `every viewer played ${PLAYED_SECONDS} s, some over P2P` },
  );
});

test('the overlay shows what getStats() returns at each render, on every viewer', async () => {
  const pairs = await Promise.all(
    swarm.map((viewer) => readOverlayAgainstStats(viewer.page, 'window.__overlayPage.session')),
  );
  for (const { overlay, stats } of pairs) {
    expect(Object.keys(overlay).sort()).toEqual([...STAT_NAMES].sort());
    expect(overlay).toEqual(stats);
  }
  expect(pairs.some(({ overlay }) => (overlay['p2pBytes'] ?? 0) > 0)).toBe(true);
  const firstViewer = swarm[0] ?? fail('no viewer');
  expect(Object.keys(await readOverlay(firstViewer.page)).sort()).toEqual([...STAT_NAMES].sort());
});

test('off by default; Shift+P, Enter and Escape toggle it with aria-expanded in step and no layout shift', async () => {
  const { page } = swarm[0] ?? fail('no viewer');
  const hidden = await toggleState(page);
  expect(hidden).toMatchObject({ visible: false, ariaExpanded: 'false', controlsPanel: true });
  expect(hidden['panelShown']).toBe(false);

  // Nothing focused: the only overlay on the page answers the shortcut.
  await page.keyboard.press('Shift+P');
  const shown = await toggleState(page);
  expect(shown).toMatchObject({ visible: true, ariaExpanded: 'true', panelShown: true });
  expect(shown['textAfterPlayerTop']).toBe(hidden['textAfterPlayerTop']);

  // The button is a real button: focusable, Enter toggles, focus stays on it.
  await page.focus(`${OVERLAY_ROOT_SELECTOR} button`);
  await page.keyboard.press('Enter');
  expect(await toggleState(page)).toMatchObject({
    visible: false,
    ariaExpanded: 'false',
    focusOnButton: true,
  });
  await page.keyboard.press('Space');
  expect(await toggleState(page)).toMatchObject({ visible: true, ariaExpanded: 'true' });
  await page.keyboard.press('Escape');
  expect(await toggleState(page)).toMatchObject({ visible: false, focusOnButton: true });

  // Typing in a text field is not a shortcut.
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.id = 'typing';
    document.body.appendChild(input);
  });
  await page.focus('#typing');
  await page.keyboard.press('Shift+P');
  expect(await toggleState(page)).toMatchObject({ visible: false });
});

test('`overlay: { visible: true, position }` opens it at start in that corner of the player', async () => {
  const { page } = swarm[1] ?? fail('no viewer');
  const placement = await page.evaluate((root) => {
    const overlay = document.querySelector(root);
    const player = document.getElementById('player');
    if (!overlay || !player) return undefined;
    const box = overlay.getBoundingClientRect();
    const frame = player.getBoundingClientRect();
    return {
      expanded: overlay.querySelector('button')?.getAttribute('aria-expanded'),
      insidePlayer:
        box.left >= frame.left &&
        box.right <= frame.right &&
        box.top >= frame.top &&
        box.bottom <= frame.bottom,
      nearLeft: box.left - frame.left < 20,
      nearBottom: frame.bottom - box.bottom < 20,
    };
  }, OVERLAY_ROOT_SELECTOR);
  expect(placement).toEqual({
    expanded: 'true',
    insidePlayer: true,
    nearLeft: true,
    nearBottom: true,
  });
});

test("the page's CSS does not reach into the overlay and the overlay's stays inside it", async () => {
  const { page } = swarm[0] ?? fail('no viewer');
  const styles = await page.evaluate((root) => {
    const overlay = document.querySelector(root);
    const button = overlay?.querySelector('button');
    const value = overlay?.querySelector('dd');
    const sheets = document.querySelectorAll('style#p2pml-overlay-styles');
    const sheet = (sheets[0] as HTMLStyleElement | undefined)?.sheet;
    const rules = [...(sheet?.cssRules ?? [])].map((rule) =>
      rule instanceof CSSStyleRule ? rule.selectorText : '',
    );
    return {
      stylesheets: sheets.length,
      everyRuleScoped: rules.every((selector) =>
        selector.split(',').every((part) => part.trim().startsWith('.p2pml-overlay')),
      ),
      buttonFontSize: button ? getComputedStyle(button).fontSize : undefined,
      valueMarginLeft: value ? getComputedStyle(value).marginLeft : undefined,
      overlayPosition: overlay ? getComputedStyle(overlay).position : undefined,
    };
  }, OVERLAY_ROOT_SELECTOR);
  expect(styles).toEqual({
    stylesheets: 1,
    everyRuleScoped: true,
    buttonFontSize: '12px',
    valueMarginLeft: '0px',
    overlayPosition: 'absolute',
  });
});

test('the stats beacon reaches /stats.json with every viewer and their P2P bytes', async () => {
  const summary = await waitUntil(
    async () => {
      const current = await readBeaconSummary(suite.stack.originUrl);
      const ours = current.swarms.find((entry) => entry.swarm === SWARM_ID);
      return ours && ours.viewers === VIEWER_COUNT && ours.p2pBytes > 0 ? ours : undefined;
    },
    { timeoutMs: 10_000, description: 'the beacons of every viewer, with P2P bytes' },
  );
  expect(summary.engines).toEqual({ hlsjs: VIEWER_COUNT, shaka: 0, native: 0 });
  expect(summary.offloadRatio).toBeGreaterThan(0);
  expect(summary.uploadBytes).toBeGreaterThan(0);
});

test('a screenshot of the open overlay is saved', async () => {
  const { page } = swarm[0] ?? fail('no viewer');
  await page.evaluate(() => {
    (window as unknown as OverlayPageGlobals).__overlayPage.overlay.show();
  });
  // Two stats events: the chart has a segment to draw.
  await readOverlayAgainstStats(page, 'window.__overlayPage.session');
  await readOverlayAgainstStats(page, 'window.__overlayPage.session');
  const file = await screenshotOverlay(page, 'overlay-standalone');
  expect((await stat(file)).size).toBeGreaterThan(1000);
});

test('destroying the session removes the overlay and its stylesheet and leaves nothing open', async () => {
  const { page } = swarm.at(-1) ?? fail('no viewer');
  // The probe sees what a playing viewer holds (else "nothing left" would prove nothing).
  const playing = await readLeaks(page);
  expect({
    peerConnections: playing.peerConnections > 0,
    webSockets: playing.webSockets > 0,
    intervals: playing.intervals > 0,
  }).toEqual({ peerConnections: true, webSockets: true, intervals: true });
  await page.evaluate(() => {
    (window as unknown as OverlayPageGlobals).__overlayPage.destroy();
  });
  const left = await page.evaluate(() => ({
    overlays: document.querySelectorAll('.p2pml-overlay').length,
    stylesheets: document.querySelectorAll('style#p2pml-overlay-styles').length,
    containerPosition: document.getElementById('player')?.style.position,
  }));
  expect(left).toEqual({ overlays: 0, stylesheets: 0, containerPosition: '' });
  // The shortcut has no listener left to reach.
  await page.keyboard.press('Shift+P');
  expect(await settleLeaks(page, 5000)).toEqual(noLeaks);
});

function fail(message: string): never {
  throw new Error(message);
}
