import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expandTemplate, scanMpdText } from '../../../../tools/hash-manifest/mpd-scan.js';
import {
  isSegmentFileName,
  listSegmentFiles,
  manifestKeyForPath,
} from '../../../../tools/hash-manifest/segment-files.js';
import { parseSidx } from '../../../../tools/hash-manifest/sidx.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'hashes-scan-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A version-0 sidx box with the given (size, duration) references. */
function sidxBox(timescale: number, firstOffset: number, references: [number, number][]): Buffer {
  const box = Buffer.alloc(32 + references.length * 12);
  box.writeUInt32BE(box.length, 0);
  box.write('sidx', 4, 'latin1');
  box.writeUInt32BE(1, 12); // reference_ID
  box.writeUInt32BE(timescale, 16);
  box.writeUInt32BE(0, 20); // earliest presentation time
  box.writeUInt32BE(firstOffset, 24);
  box.writeUInt16BE(references.length, 30);
  references.forEach(([size, duration], i) => {
    box.writeUInt32BE(size, 32 + i * 12);
    box.writeUInt32BE(duration, 36 + i * 12);
    box.writeUInt32BE(0x90000000, 40 + i * 12);
  });
  return box;
}

describe('hash manifest generator: scanning', () => {
  it('reads sidx references as byte ranges after the box (plus first_offset) with times', () => {
    const box = sidxBox(1000, 10, [
      [500, 2000],
      [700, 2000],
    ]);
    expect(parseSidx(box, 100)).toEqual([
      { start: 100 + box.length + 10, end: 100 + box.length + 510, startSec: 0, endSec: 2 },
      { start: 100 + box.length + 510, end: 100 + box.length + 1210, startSec: 2, endSec: 4 },
    ]);
    expect(() => parseSidx(Buffer.alloc(40), 0)).toThrow(/sidx/);
  });

  it('expands DASH templates with widths and escapes', () => {
    expect(
      expandTemplate('v/$RepresentationID$/$Number%05d$-$Time$-$Bandwidth$$$.m4s', {
        representationId: 'hd',
        bandwidth: '800',
        number: 7,
        time: 14000,
      }),
    ).toBe('v/hd/00007-14000-800$.m4s');
  });

  it('reads SegmentList media ranges and AdaptationSet templates under folder BaseURLs', async () => {
    const mpd = `<MPD mediaPresentationDuration="PT4S"><Period start="PT0S">
      <AdaptationSet><BaseURL>video/</BaseURL>
        <SegmentTemplate timescale="1" duration="2" media="$RepresentationID$/s$Number$.m4s" startNumber="0"/>
        <Representation id="a" bandwidth="1"/>
        <Representation id="b" bandwidth="2"><BaseURL>bee/</BaseURL></Representation>
      </AdaptationSet>
      <AdaptationSet><Representation id="c"><BaseURL>one.mp4</BaseURL>
        <SegmentList timescale="10" duration="20"><Initialization sourceURL="init.mp4"/>
          <SegmentURL mediaRange="0-99"/><SegmentURL mediaRange="100-249"/></SegmentList>
      </Representation></AdaptationSet></Period></MPD>`;
    const { segments } = await scanMpdText(mpd, path.join(root, 'manifest.mpd'), root);
    expect(
      segments.map((s) => [s.key, s.byteRange, s.startSec, s.endSec, s.representation]),
    ).toEqual([
      ['video/a/s0.m4s', undefined, 0, 2, '0/a'],
      ['video/a/s1.m4s', undefined, 2, 4, '0/a'],
      ['video/bee/b/s0.m4s', undefined, 0, 2, '0/b'],
      ['video/bee/b/s1.m4s', undefined, 2, 4, '0/b'],
      ['one.mp4', { start: 0, end: 100 }, 0, 2, '0/c'],
      ['one.mp4', { start: 100, end: 250 }, 2, 4, '0/c'],
    ]);
  });

  it('lists media segment files only: no init segments, playlists or hidden files', async () => {
    const folder = path.join(root, 'folder');
    for (const file of ['a/seg_1.ts', 'a/init.mp4', 'a/index.m3u8', '.tmp/seg_2.ts', 'b/x#1.m4s']) {
      await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
      await writeFile(path.join(folder, file), 'x');
    }
    expect(await listSegmentFiles(folder)).toEqual(['a/seg_1.ts', 'b/x#1.m4s']);
    expect(manifestKeyForPath(folder, path.join(folder, 'b/x#1.m4s'))).toBe('b/x%231.m4s');
    expect(isSegmentFileName('init-0.m4s')).toBe(false);
    expect(isSegmentFileName('chunk.cmfv')).toBe(true);
  });
});
