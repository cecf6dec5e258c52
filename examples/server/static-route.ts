/**
 * Static files (demo pages, built bundles, vendor builds from node_modules) under a URL prefix,
 * e.g. `/dist` -> `dist/`. Files are confined to the directory by real path, so a symlink inside it
 * pointing elsewhere is answered 404.
 */
import type { Route } from './routes.js';
import { fileReply, resolveInside } from './static-files.js';
import { textReply } from './reply.js';

/**
 * A route serving `directory` under `pathPrefix`, with `index.html` for directories; 400 for a
 * malformed or escaping URL path, 404 for files whose real path is outside `directory`.
 */
export function createStaticRoute(pathPrefix: string, directory: string): Route {
  return {
    pathPrefix: pathPrefix.replace(/\/+$/, ''),
    methods: ['GET'],
    instrumented: true,
    handle: async (request) => {
      const filePath = resolveInside(directory, request.subPath);
      if (filePath === undefined) return textReply(400, 'Bad path\n');
      return fileReply(filePath, {
        ...(request.headers.range === undefined ? {} : { rangeHeader: request.headers.range }),
        directoryIndex: true,
        confineToDir: directory,
      });
    },
  };
}
