/**
 * Checks tracker URLs before any socket is opened, so a typo is reported once as a tracker error
 * instead of failing on every reconnect.
 */

/** The outcome of {@link validateTrackerUrls}. */
export interface TrackerUrlCheck {
  /** Usable URLs, without duplicates (a trailing slash does not make a URL different). */
  readonly valid: string[];
  /** Unusable URLs and why. */
  readonly invalid: { url: string; reason: string }[];
}

/**
 * Splits `urls` into usable WebSocket tracker URLs and unusable ones. `pageProtocol` is the page's
 * `location.protocol` (undefined outside browsers): an https: page may not open ws: sockets (mixed
 * content), so those are unusable there.
 */
export function validateTrackerUrls(
  urls: readonly string[],
  pageProtocol: string | undefined = currentPageProtocol(),
): TrackerUrlCheck {
  const valid: string[] = [];
  const invalid: { url: string; reason: string }[] = [];
  for (const raw of urls) {
    const url = raw.trim().replace(/\/+$/, '');
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      invalid.push({ url: raw, reason: 'not a valid URL' });
      continue;
    }
    if (protocol !== 'ws:' && protocol !== 'wss:') {
      invalid.push({ url: raw, reason: `unsupported protocol ${protocol} (use ws: or wss:)` });
    } else if (protocol === 'ws:' && pageProtocol === 'https:') {
      invalid.push({ url: raw, reason: 'ws: trackers are blocked on https: pages (use wss:)' });
    } else if (!valid.includes(url)) {
      valid.push(url);
    }
  }
  return { valid, invalid };
}

function currentPageProtocol(): string | undefined {
  const location = (globalThis as { location?: { protocol?: unknown } }).location;
  return typeof location?.protocol === 'string' ? location.protocol : undefined;
}
