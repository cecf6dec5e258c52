/**
 * The swarm id groups every viewer of the same source. By default it is the manifest URL without
 * its query string and fragment: signed CDN URLs differ per viewer only in the query.
 */

/** Derives the swarm id for `manifestUrl`, or returns `override` when the user configured one. */
export function swarmIdFor(manifestUrl: string, override: string | undefined): string {
  if (override !== undefined) return override;
  const cut = manifestUrl.search(/[?#]/);
  return cut === -1 ? manifestUrl : manifestUrl.slice(0, cut);
}
