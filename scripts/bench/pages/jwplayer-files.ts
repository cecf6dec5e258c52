/**
 * Which file of the JW Player build answers a request of the JW bench page (pages/jwplayer.ts).
 * Pure and apart from the page, so it can be tested without loading a browser or the build: the
 * page's route serves whatever this returns, so it must never name a file outside the build's folder.
 */
import path from 'node:path';
import { JWPLAYER_PATH_PREFIX } from '../../../test/support/jwplayer-page.js';

/**
 * The file under `folder` that a request for `urlPath` (below {@link JWPLAYER_PATH_PREFIX}) names,
 * or undefined when it would leave the folder (or the path is malformed).
 */
export function jwplayerFileFor(folder: string, urlPath: string): string | undefined {
  const index = urlPath.indexOf(JWPLAYER_PATH_PREFIX);
  if (index < 0) return undefined;
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.slice(index + JWPLAYER_PATH_PREFIX.length));
  } catch {
    return undefined; // malformed escape
  }
  const file = path.resolve(folder, relative);
  return file.startsWith(`${path.resolve(folder)}${path.sep}`) ? file : undefined;
}
