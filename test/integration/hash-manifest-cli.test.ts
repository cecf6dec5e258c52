/**
 * The real `p2p-media-loader-hashes` command (run with tsx, as a child process) on temporary
 * folders of real files: what it hashes and leaves out, byte ranges from a playlist, PeerTube's
 * format, signatures the viewer's loader accepts, and `--watch` following a folder that a
 * "packager" (this test) fills and prunes over time.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadHashManifest } from '../../core/p2p/integrity/hash-manifest-loader.js';
import { parseHashManifest } from '../../core/p2p/integrity/hash-manifest.js';
import { bytesToHex } from '../../core/p2p/integrity/sha256.js';
import { waitUntil } from '../support/wait.js';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'tools/hash-manifest/cli.ts');

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'hashes-cli-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [CLI, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr });
    });
  });
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function writeRandom(relative: string, size: number): Promise<Buffer> {
  const bytes = randomBytes(size);
  await mkdir(path.dirname(path.join(folder, relative)), { recursive: true });
  await writeFile(path.join(folder, relative), bytes);
  return bytes;
}

/** The digest the manifest at `manifestPath` gives a segment at `relative` (as a file URL). */
function digestHex(
  text: string,
  manifestPath: string,
  relative: string,
  byteRange?: { start: number; end: number },
): string | undefined {
  const manifestUrl = pathToFileURL(manifestPath).href;
  const digest = parseHashManifest(text, manifestUrl).digestFor({
    url: new URL(relative, manifestUrl).href,
    ...(byteRange === undefined ? {} : { byteRange }),
  });
  return digest === undefined ? undefined : bytesToHex(digest);
}

/** A loader fetch that reads file URLs from disk. */
async function fetchFile(url: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(new URL(url)));
}

describe('p2p-media-loader-hashes', () => {
  it('hashes every media segment of a folder (renditions apart, init and playlists left out) and signs it', async () => {
    const high = await writeRandom('v720/seg_001.ts', 50_000);
    const low = await writeRandom('v360/seg_001.ts', 20_000);
    const audio = await writeRandom('audio/seg 2.m4s', 3_000);
    await writeRandom('v720/init.mp4', 700);
    await writeFile(path.join(folder, 'v720/index.m3u8'), '#EXTM3U\n');
    await writeRandom('.tmp/seg_009.ts', 100);

    const keyPath = path.join(folder, '..', `${path.basename(folder)}-key.pem`);
    const keygen = await runCli(['keygen', '--out-private', keyPath]);
    expect(keygen.code).toBe(0);
    const publicKey = keygen.stdout.trim();
    expect(publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    // keygen never overwrites a key.
    expect((await runCli(['keygen', '--out-private', keyPath])).code).not.toBe(0);

    try {
      const run = await runCli([folder, '--sign-key', keyPath]);
      expect(run.code).toBe(0);
      const manifestPath = path.join(folder, 'segments-sha256.json');
      const text = await readFile(manifestPath, 'utf8');
      const manifest = JSON.parse(text) as { segments: Record<string, string> };
      expect(Object.keys(manifest.segments).sort()).toEqual([
        'audio/seg%202.m4s',
        'v360/seg_001.ts',
        'v720/seg_001.ts',
      ]);
      expect(digestHex(text, manifestPath, 'v720/seg_001.ts')).toBe(sha256Hex(high));
      expect(digestHex(text, manifestPath, 'v360/seg_001.ts')).toBe(sha256Hex(low));
      expect(digestHex(text, manifestPath, 'audio/seg%202.m4s')).toBe(sha256Hex(audio));

      // The viewer's loader accepts it with the printed key, and rejects a tampered copy.
      const loaded = await loadHashManifest(pathToFileURL(manifestPath).href, fetchFile, {
        publicKey,
        signal: new AbortController().signal,
      });
      expect(loaded.size).toBe(3);
      await writeFile(manifestPath, text.replace(sha256Hex(low), sha256Hex(high)));
      await expect(
        loadHashManifest(pathToFileURL(manifestPath).href, fetchFile, {
          publicKey,
          signal: new AbortController().signal,
        }),
      ).rejects.toMatchObject({ code: 'integrity-manifest' });
    } finally {
      await rm(keyPath, { force: true });
    }
  }, 60_000);

  it('hashes the byte ranges a playlist addresses, in PeerTube format on request', async () => {
    const media = await writeRandom('rendition/media.ts', 30_000);
    await writeFile(
      path.join(folder, 'rendition/index.m3u8'),
      [
        '#EXTM3U',
        '#EXT-X-VERSION:4',
        '#EXT-X-TARGETDURATION:2',
        '#EXTINF:2.0,',
        '#EXT-X-BYTERANGE:10000@0',
        'media.ts',
        '#EXTINF:2.0,',
        '#EXT-X-BYTERANGE:20000',
        'media.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    const out = path.join(folder, 'hashes.json');
    const run = await runCli([
      path.join(folder, 'rendition/index.m3u8'),
      '--out',
      out,
      '--format',
      'peertube',
    ]);
    expect(run.code).toBe(0);
    const text = await readFile(out, 'utf8');
    // PeerTube's shape: file name -> { "start-endInclusive": hex }.
    expect(JSON.parse(text)).toEqual({
      'media.ts': {
        '0-9999': sha256Hex(media.subarray(0, 10_000)),
        '10000-29999': sha256Hex(media.subarray(10_000)),
      },
    });
    expect(digestHex(text, out, 'rendition/media.ts', { start: 10_000, end: 30_000 })).toBe(
      sha256Hex(media.subarray(10_000)),
    );
  }, 60_000);

  describe('--watch', () => {
    let child: ChildProcess | undefined;
    let keyPath: string;

    afterEach(async () => {
      if (child !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      child = undefined;
      await rm(keyPath, { force: true });
    });

    it('follows a live folder: new segments once stable, a sliding window, deletions, signed each time', async () => {
      keyPath = path.join(os.tmpdir(), `${path.basename(folder)}-watch-key.pem`);
      const publicKey = (await runCli(['keygen', '--out-private', keyPath])).stdout.trim();
      const manifestPath = path.join(folder, 'segments-sha256.json');
      child = spawn(TSX, [CLI, folder, '--watch', '--window', '2', '--sign-key', keyPath], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

      /** The listed keys once the (verified) manifest lists exactly `expected`. */
      const listed = async (expected: string[]) =>
        waitUntil(
          async () => {
            const manifest = await loadHashManifest(pathToFileURL(manifestPath).href, fetchFile, {
              publicKey,
              signal: new AbortController().signal,
            }).catch(() => undefined);
            if (manifest === undefined) return false;
            const text = await readFile(manifestPath, 'utf8');
            const keys = Object.keys((JSON.parse(text) as { segments: object }).segments).sort();
            return JSON.stringify(keys) === JSON.stringify(expected) ? text : false;
          },
          {
            timeoutMs: 15_000,
            intervalMs: 100,
            description: `manifest listing ${expected.join(', ')}`,
            lastSeen: () => output,
          },
        );

      const first = await writeRandom('live/seg_000.ts', 10_000);
      let text = await listed(['live/seg_000.ts']);
      expect(JSON.parse(text)).toMatchObject({ live: true });
      expect(digestHex(text, manifestPath, 'live/seg_000.ts')).toBe(sha256Hex(first));

      // Distinct modification times order the window (newest two stay).
      await writeRandom('live/seg_001.ts', 10_000);
      await listed(['live/seg_000.ts', 'live/seg_001.ts']);
      const third = await writeRandom('live/seg_002.ts', 12_000);
      text = await listed(['live/seg_001.ts', 'live/seg_002.ts']);
      expect(digestHex(text, manifestPath, 'live/seg_002.ts')).toBe(sha256Hex(third));

      // A segment deleted by the packager leaves the manifest.
      await unlink(path.join(folder, 'live/seg_002.ts'));
      await listed(['live/seg_000.ts', 'live/seg_001.ts']);
    }, 60_000);
  });
});
