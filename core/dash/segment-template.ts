/**
 * DASH `SegmentTemplate@media` patterns, read backwards: which `$Number$` or `$Time$` a segment URL
 * was built with. Every viewer builds the same URL from the same MPD, so the number read back is an
 * identity all viewers share.
 */

/** What a segment URL says about the segment. */
export interface TemplateMatch {
  /** The `$Number$` value, when the template has one. */
  readonly number?: number;
  /** The `$Time$` value, when the template has one. */
  readonly time?: number;
}

/** A compiled template: matches the end of a URL path. */
export interface CompiledTemplate {
  /** Reads `$Number$`/`$Time$` from a segment URL; undefined when the URL does not fit. */
  match(url: string): TemplateMatch | undefined;
  /** True when the template contains `$Number$`. */
  readonly hasNumber: boolean;
  /** True when the template contains `$Time$`. */
  readonly hasTime: boolean;
}

const IDENTIFIER = /\$(RepresentationID|Number|Time|Bandwidth|SubNumber)(%0\d+d)?\$|\$\$/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Compiles `SegmentTemplate@media` of one Representation.
 *
 * @param media - the template, e.g. `seg-$RepresentationID$-$Number%05d$.m4s`
 * @param representationId - the Representation's id (substituted for `$RepresentationID$`)
 */
export function compileSegmentTemplate(media: string, representationId: string): CompiledTemplate {
  // Only the path matters: the template's own query string may be rewritten by CDNs and tokens.
  const path = media.split('?')[0] ?? media;
  let pattern = '';
  let last = 0;
  const groups: ('number' | 'time' | 'other')[] = [];
  for (const match of path.matchAll(IDENTIFIER)) {
    pattern += escapeRegExp(path.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[1];
    if (name === undefined) pattern += '\\$';
    else if (name === 'RepresentationID') pattern += escapeRegExp(representationId);
    else {
      pattern += '(\\d+)';
      groups.push(name === 'Number' ? 'number' : name === 'Time' ? 'time' : 'other');
    }
  }
  pattern += escapeRegExp(path.slice(last));
  const regExp = new RegExp(`(?:^|/)${pattern}$`);
  return {
    hasNumber: groups.includes('number'),
    hasTime: groups.includes('time'),
    match(url) {
      const found = regExp.exec(urlPath(url));
      if (!found) return undefined;
      const result: { number?: number; time?: number } = {};
      groups.forEach((group, index) => {
        const value = Number(found[index + 1]);
        if (group !== 'other' && Number.isSafeInteger(value)) result[group] = value;
      });
      return result;
    },
  };
}

function urlPath(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}
