/**
 * Firefox for browser tests, beside the Chromium of browser.ts: the same playwright-core rig drives
 * a stock Firefox (Debian's `firefox-esr`, 138 or newer) through its WebDriver BiDi channel
 * (`moz-firefox` with an `executablePath`), so no Playwright-patched browser is ever downloaded.
 * Viewers open with browser.ts's `newViewer`/`ViewerSet` (same external-request guard, same page
 * helpers) on the `Browser` returned here.
 *
 * Firefox is optional on a developer machine: {@link describeWithFirefox} skips a suite with a
 * message saying how to get it. Setting `FIREFOX_PATH` makes it required (CI sets it): a missing
 * executable then fails the suite instead of skipping it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { firefox, type Browser } from 'playwright-core';

/** This module's folder (test/support), in Jest's CommonJS and in the bench's ES modules alike. */
const SUPPORT_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * What Playwright starts: a relay in front of Firefox that tolerates the one BiDi command Firefox
 * ESR 153 lacks (see the file's own comment). It starts the real Firefox itself.
 */
const BIDI_RELAY_PATH = path.join(SUPPORT_DIR, 'firefox-bidi-relay.mjs');

/** Executables tried when `FIREFOX_PATH` is not set. */
const FIREFOX_CANDIDATES = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

/** Printed (once per file) when a Firefox suite is skipped. */
export const FIREFOX_MISSING_MESSAGE =
  'Firefox tests skipped: no Firefox found (tried ' +
  `${FIREFOX_CANDIDATES.join(', ')}). Install Debian's firefox-esr (138 or newer; ` +
  'scripts/setup-machine.sh) or set FIREFOX_PATH to a Firefox executable.';

/**
 * Firefox preferences every test browser gets (written into the fresh profile before start).
 * Playwright's own BiDi profile already points Firefox's background services (updates, telemetry,
 * safe browsing, captive-portal checks) at unreachable hosts. The tests need one more:
 * `media.peerconnection.ice.obfuscate_host_addresses` false. Like Chromium's mDNS hiding, Firefox
 * otherwise offers host candidates as random `.local` names, which nothing resolves inside the
 * test network namespace, so no two Firefox peers could connect there.
 *
 * Found unnecessary by trying (Firefox ESR 153): autoplay prefs (the test pages play muted, which
 * Firefox allows without a gesture), loopback/`no_host` ICE prefs (peers connect over the
 * namespace's veth address, as Chromium's do), and background-throttling prefs (each browser
 * context opens in its own window, so every viewer's page is visible).
 */
export const FIREFOX_PREFS: Readonly<Record<string, string | number | boolean>> = {
  'media.peerconnection.ice.obfuscate_host_addresses': false,
};

/** Oldest Firefox playwright-core's WebDriver BiDi driving works with. */
const MIN_FIREFOX_MAJOR = 138;

/** The major version `executable --version` prints (`Mozilla Firefox 153.8.0esr` → 153), or 0. */
function firefoxMajor(executable: string): number {
  try {
    const printed = execFileSync(executable, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    return Number(/Firefox (\d+)/.exec(printed)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * The Firefox executable: `FIREFOX_PATH` when set (it must exist and work: the tests are then
 * required), else the first candidate that exists and is Firefox 138 or newer, else undefined.
 */
export function firefoxPath(): string | undefined {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return FIREFOX_CANDIDATES.find(
    (candidate) => existsSync(candidate) && firefoxMajor(candidate) >= MIN_FIREFOX_MAJOR,
  );
}

/**
 * Whether Firefox suites run: true when an executable is found or `FIREFOX_PATH` names one (a
 * wrong `FIREFOX_PATH` then fails at launch, which is what CI wants).
 */
export function firefoxAvailable(): boolean {
  return firefoxPath() !== undefined;
}

/**
 * `describe` when Firefox is available, otherwise `describe.skip` after printing
 * {@link FIREFOX_MISSING_MESSAGE}. Use it for every suite that launches Firefox.
 */
export function describeWithFirefox(name: string, body: () => void): void {
  if (firefoxAvailable()) {
    describe(name, body);
    return;
  }
  console.warn(FIREFOX_MISSING_MESSAGE);
  describe.skip(name, body);
}

/** How {@link launchFirefox} starts Firefox; every field is optional. */
export interface LaunchFirefoxOptions {
  /** Executable to start instead of {@link firefoxPath}. */
  readonly executablePath?: string;
  /** Preferences added to (or overriding) {@link FIREFOX_PREFS}. */
  readonly extraPrefs?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Starts a headless Firefox over WebDriver BiDi; call it once per test file (`beforeAll`) and close
 * it in `afterAll`. Rejects when no Firefox is found.
 */
export function launchFirefox(options: LaunchFirefoxOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? firefoxPath();
  if (executablePath === undefined) return Promise.reject(new Error(FIREFOX_MISSING_MESSAGE));
  return firefox.launch({
    channel: 'moz-firefox',
    executablePath: BIDI_RELAY_PATH,
    env: { ...process.env, P2PML_FIREFOX_EXECUTABLE: executablePath },
    headless: true,
    firefoxUserPrefs: { ...FIREFOX_PREFS, ...options.extraPrefs },
  });
}
