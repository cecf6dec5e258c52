/** `GET /vod/<stream>/<path>`: the generated streams as they are on disk, with Range support. */
import { isMediaSegmentPath } from './content-types.js';
import type { Route } from './routes.js';
import { fileReply, resolveInside } from './static-files.js';
import { textReply } from './reply.js';

/** The VOD route serving files of `mediaDir` under `pathPrefix` (default `/vod`). */
export function createVodRoute(mediaDir: string, pathPrefix = '/vod'): Route {
  return {
    pathPrefix,
    methods: ['GET'],
    instrumented: true,
    handle: async (request) => {
      const filePath = resolveInside(mediaDir, request.subPath);
      if (filePath === undefined) return textReply(400, 'Bad path\n');
      return fileReply(filePath, {
        ...(request.headers.range === undefined ? {} : { rangeHeader: request.headers.range }),
        isMedia: isMediaSegmentPath(filePath),
      });
    },
  };
}
