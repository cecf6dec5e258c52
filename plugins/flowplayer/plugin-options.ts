/**
 * How both Flowplayer lines read the plugin's options from the player configuration (`p2p` key).
 */

/**
 * The `p2p` value of a player configuration as session options, or `undefined` when the plugin
 * stays off for that player: `p2p: false`. A missing key or `p2p: true` means defaults, like
 * Flowplayer's own extensions (chromecast, airplay) which run unless set to `false`. Anything else
 * is handed to the session as is, which validates it and reports bad keys as `error` events.
 */
export function sessionOptionsOf(value: unknown): unknown {
  if (value === false) return undefined;
  if (value === undefined || value === true || value === null) return {};
  return value;
}

/** Major version of a Flowplayer global (`version: '7.2.7'` → `'7'`), or undefined. */
export function majorVersionOf(flowplayer: object): string | undefined {
  const { version } = flowplayer as { version?: unknown };
  return typeof version === 'string' ? version.split('.')[0] : undefined;
}
