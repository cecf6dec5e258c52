/**
 * Static files are confined to their folder by REAL path: a symlink inside the served folder that
 * points out of it (to a file or a directory) is answered 404, over real HTTP.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';
import { fileReply, isRealPathInside } from '../../../examples/server/static-files.js';

let origin: OriginServer;
let tempDir: string;
let servedDir: string;
let outsideDir: string;

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'static-route-'));
  servedDir = path.join(tempDir, 'served');
  outsideDir = path.join(tempDir, 'outside');
  await mkdir(path.join(servedDir, 'sub'), { recursive: true });
  await mkdir(outsideDir);
  await writeFile(path.join(servedDir, 'page.html'), '<p>inside</p>');
  await writeFile(path.join(outsideDir, 'secret.txt'), 'secret');
  await writeFile(path.join(outsideDir, 'index.html'), 'secret index');
  await symlink(path.join(outsideDir, 'secret.txt'), path.join(servedDir, 'leak.txt'));
  await symlink(outsideDir, path.join(servedDir, 'leak-dir'));
  await symlink(path.join(servedDir, 'page.html'), path.join(servedDir, 'sub', 'alias.html'));
  origin = await startOrigin({ mediaDir: tempDir, staticDirs: { '/site': servedDir } });
});

afterAll(async () => {
  await origin.stop();
  await rm(tempDir, { recursive: true, force: true });
});

async function get(urlPath: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${origin.url}${urlPath}`);
  return { status: response.status, body: await response.text() };
}

describe('static route confinement', () => {
  it('serves files inside the folder, symlinks that stay inside included', async () => {
    expect(await get('/site/page.html')).toEqual({ status: 200, body: '<p>inside</p>' });
    expect(await get('/site/sub/alias.html')).toEqual({ status: 200, body: '<p>inside</p>' });
  });

  it('answers 404 for a symlink to a file outside the folder', async () => {
    const response = await get('/site/leak.txt');
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('secret');
  });

  it('answers 404 for files below a symlinked directory outside, index.html included', async () => {
    for (const urlPath of ['/site/leak-dir/secret.txt', '/site/leak-dir/', '/site/leak-dir']) {
      const response = await get(urlPath);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('secret');
    }
  });

  it('still refuses lexical escapes', async () => {
    // `%2f` survives URL normalisation by the client, so the origin itself must refuse it.
    expect(await get('/site/..%2foutside%2fsecret.txt')).toEqual({
      status: 400,
      body: 'Bad path\n',
    });
  });
});

describe('isRealPathInside / fileReply confineToDir', () => {
  it('resolves both sides and is false for missing files', async () => {
    expect(await isRealPathInside(servedDir, path.join(servedDir, 'page.html'))).toBe(true);
    expect(await isRealPathInside(servedDir, path.join(servedDir, 'leak.txt'))).toBe(false);
    expect(await isRealPathInside(servedDir, path.join(servedDir, 'missing'))).toBe(false);
    expect(
      (await fileReply(path.join(servedDir, 'leak.txt'), { confineToDir: servedDir })).status,
    ).toBe(404);
    expect((await fileReply(path.join(servedDir, 'leak.txt'))).status).toBe(200);
  });
});
