import { emptyReply } from '../../../examples/server/reply.js';
import { acceptsMethod, findRoute, type Route } from '../../../examples/server/routes.js';
import { resolveInside } from '../../../examples/server/static-files.js';
import path from 'node:path';

function route(pathPrefix: string, methods: string[] = ['GET']): Route {
  return {
    pathPrefix,
    methods,
    instrumented: true,
    handle: () => Promise.resolve(emptyReply(204)),
  };
}

describe('findRoute', () => {
  const routes = [route('/examples'), route('/examples/media'), route('/dist'), route('')];

  it('picks the longest prefix that owns the path', () => {
    expect(findRoute(routes, '/examples/media/x.ts')?.pathPrefix).toBe('/examples/media');
    expect(findRoute(routes, '/examples/index.html')?.pathPrefix).toBe('/examples');
    expect(findRoute(routes, '/dist')?.pathPrefix).toBe('/dist');
  });

  it('matches prefixes on path-segment boundaries only', () => {
    expect(findRoute(routes, '/distx/a.js')?.pathPrefix).toBe('');
    expect(findRoute([route('/dist')], '/distx/a.js')).toBeUndefined();
  });
});

describe('acceptsMethod', () => {
  it('accepts HEAD wherever GET is accepted', () => {
    expect(acceptsMethod(route('/a'), 'HEAD')).toBe(true);
    expect(acceptsMethod(route('/a'), 'POST')).toBe(false);
    expect(acceptsMethod(route('/a', ['POST']), 'HEAD')).toBe(false);
  });
});

describe('resolveInside', () => {
  const root = path.resolve('/srv/media');

  it('maps URL paths to files below the root, decoding percent escapes', () => {
    expect(resolveInside(root, '/hls/a%20b.ts')).toBe(path.join(root, 'hls', 'a b.ts'));
    expect(resolveInside(root, '/hls/../x.ts')).toBe(path.join(root, 'x.ts'));
  });

  it('refuses paths escaping the root or malformed ones', () => {
    expect(resolveInside(root, '/../etc/passwd')).toBeUndefined();
    expect(resolveInside(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined();
    expect(resolveInside(root, '/..%2fsecret')).toBeUndefined();
    expect(resolveInside(root, '/a%00.ts')).toBeUndefined();
    expect(resolveInside(root, '/%E0%A4%A')).toBeUndefined();
    expect(resolveInside('/srv/media', '/../media-other/x')).toBeUndefined();
  });
});
