/**
 * Files on disk as replies: safe mapping of URL paths to files under a root directory, and Range
 * support (206 / 416) with the right `Content-Type`.
 *
 * Confinement is checked twice: lexically on the URL path ({@link resolveInside}: no `..`, no NUL),
 * and on the file's REAL path when the reply is built (`confineToDir`): a symlink inside the served
 * folder that points outside it (planted, or left by a tool) would otherwise let any page read
 * whatever the link names.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { contentTypeFor } from './content-types.js';
import { contentRange, parseRangeHeader } from './range-header.js';
import { emptyReply, textReply, type Reply } from './reply.js';

/**
 * The file under `rootDir` that URL path `urlPath` (already stripped of its route prefix) names,
 * or `undefined` when the path is malformed or would escape `rootDir` (`..`, encoded slashes
 * resolving outside, NUL bytes).
 */
export function resolveInside(rootDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const root = path.resolve(rootDir);
  const resolved = path.resolve(root, `.${path.posix.sep}${decoded}`);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) return undefined;
  return resolved;
}

/** How a file should be served. */
export interface FileReplyOptions {
  /** The request's `Range` header, if any. */
  readonly rangeHeader?: string;
  /** Serve `index.html` when the path is a directory (static sites); otherwise 404. */
  readonly directoryIndex?: boolean;
  /** Mark the reply as media bytes for the counters. */
  readonly isMedia?: boolean;
  /**
   * Serve the file only when its real path (symlinks resolved, `fs.realpath`) lies inside this
   * directory's real path; otherwise 404. Default: no check (callers that resolved the path with
   * {@link resolveInside} should pass their root).
   */
  readonly confineToDir?: string;
}

/** Is `child` (a real path) `parent` or below it? */
function isInside(parent: string, child: string): boolean {
  return (
    child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep)
  );
}

/** True when `filePath`'s real path lies inside `rootDir`'s real path; false when either is missing. */
export async function isRealPathInside(rootDir: string, filePath: string): Promise<boolean> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(rootDir), realpath(filePath)]);
    return isInside(realRoot, realFile);
  } catch {
    return false;
  }
}

/**
 * A reply for the file at `filePath`: 200 with the whole file, 206 with the requested range, 416
 * for an unsatisfiable range, 404 when there is no such file or it lies (by real path) outside
 * `options.confineToDir`.
 */
export async function fileReply(filePath: string, options: FileReplyOptions = {}): Promise<Reply> {
  let target = filePath;
  let stats = await stat(target).catch(() => undefined);
  if (stats?.isDirectory() === true && options.directoryIndex === true) {
    target = path.join(target, 'index.html');
    stats = await stat(target).catch(() => undefined);
  }
  if (stats === undefined || !stats.isFile()) return textReply(404, 'Not found\n');
  if (
    options.confineToDir !== undefined &&
    !(await isRealPathInside(options.confineToDir, target))
  ) {
    return textReply(404, 'Not found\n');
  }

  const size = stats.size;
  const common = { 'Content-Type': contentTypeFor(target), 'Accept-Ranges': 'bytes' };
  const request = parseRangeHeader(options.rangeHeader, size);
  switch (request.kind) {
    case 'unsatisfiable':
      return emptyReply(416, { 'Content-Range': `bytes */${size}`, 'Accept-Ranges': 'bytes' });
    case 'partial':
      return {
        status: 206,
        headers: { ...common, 'Content-Range': contentRange(request.range, size) },
        body: { kind: 'file', filePath: target, range: request.range },
        isMedia: options.isMedia === true,
      };
    case 'whole':
      return {
        status: 200,
        headers: common,
        body: { kind: 'file', filePath: target, range: { start: 0, end: size } },
        isMedia: options.isMedia === true,
      };
  }
}
