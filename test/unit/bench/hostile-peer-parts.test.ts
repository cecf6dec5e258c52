/**
 * The pure parts of the hostile peer (test/support/hostile-peer): wrong segments that keep their
 * container well-formed, and the manifest reading that names swarms and segments the way viewers do.
 */
import {
  isWellFormedSegment,
  sniffContainer,
} from '../../../core/p2p/integrity/container-check.js';
import {
  dashRepresentations,
  hlsPlaylists,
  tamperSegment,
} from '../../support/hostile-peer/index.js';

/** One 188-byte TS packet: header for `pid`, optional adaptation field, then `payload` (padded). */
function tsPacket(pid: number, unitStart: boolean, payload: number[], adaptation = 0): number[] {
  const header = [0x47, (unitStart ? 0x40 : 0) | (pid >> 8), pid & 0xff];
  const body: number[] = [];
  if (adaptation > 0) {
    header.push(0x30); // adaptation field and payload
    body.push(adaptation - 1, ...new Array<number>(adaptation - 1).fill(0xff));
  } else {
    header.push(0x10); // payload only
  }
  body.push(...payload);
  while (header.length + body.length < 188) body.push((body.length * 31) & 0xff);
  return [...header, ...body];
}

function tsSegment(): Uint8Array {
  const pat = tsPacket(0, true, [0x00, 0x00, 0xb0, 0x0d, 0x00, 0x01]);
  const pesHeader = [0x00, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x80, 0x80, 0x05, 1, 2, 3, 4, 5];
  const videoStart = tsPacket(0x100, true, pesHeader, 8);
  const videoMore = tsPacket(0x100, false, []);
  return new Uint8Array([...pat, ...videoStart, ...videoMore, ...videoMore]);
}

function box(type: string, body: number[]): number[] {
  const size = 8 + body.length;
  return [
    size >>> 24,
    (size >>> 16) & 0xff,
    (size >>> 8) & 0xff,
    size & 0xff,
    ...Buffer.from(type),
    ...body,
  ];
}

describe('tamperSegment', () => {
  it('alters MPEG-TS elementary-stream payload only: sync bytes, headers, PSI and PES headers stay', () => {
    const original = tsSegment();
    const { bytes, container, alteredBytes } = tamperSegment(original);
    expect(container).toBe('mpeg-ts');
    expect(alteredBytes).toBeGreaterThan(0);
    expect(isWellFormedSegment(bytes, 'mpeg-ts')).toBe(true);
    expect(Buffer.from(bytes).equals(Buffer.from(original))).toBe(false);
    // The PAT packet and every packet header are untouched.
    expect(bytes.subarray(0, 188)).toEqual(original.subarray(0, 188));
    for (let packet = 0; packet < bytes.length; packet += 188) {
      expect(bytes.subarray(packet, packet + 4)).toEqual(original.subarray(packet, packet + 4));
    }
    // Adaptation field (8 bytes) and PES header (14 bytes) of the second packet are untouched.
    expect(bytes.subarray(188, 188 + 4 + 8 + 14)).toEqual(original.subarray(188, 188 + 4 + 8 + 14));
    expect(bytes.subarray(188 + 4 + 8 + 14)).not.toEqual(original.subarray(188 + 4 + 8 + 14));
  });

  it('alters fMP4 mdat payload only, every box header and moof intact', () => {
    const moof = box('moof', box('mfhd', [0, 0, 0, 0, 0, 0, 0, 1]));
    const mdat = box(
      'mdat',
      Array.from({ length: 100 }, (_, index) => index),
    );
    const original = new Uint8Array([...box('styp', [1, 2, 3, 4]), ...moof, ...mdat]);
    const { bytes, container, alteredBytes } = tamperSegment(original);
    expect(container).toBe('iso-bmff');
    expect(alteredBytes).toBeGreaterThan(0);
    expect(isWellFormedSegment(bytes, 'iso-bmff')).toBe(true);
    const mdatStart = original.length - mdat.length;
    expect(bytes.subarray(0, mdatStart + 8)).toEqual(original.subarray(0, mdatStart + 8));
    expect(bytes.subarray(mdatStart + 8)).not.toEqual(original.subarray(mdatStart + 8));
  });

  it('changes unknown bytes too and never modifies its input', () => {
    const original = new Uint8Array([1, 2, 3, 4, 5]);
    const copy = new Uint8Array(original);
    const { bytes, container } = tamperSegment(original);
    expect(container).toBe('unknown');
    expect(sniffContainer(bytes)).toBe('unknown');
    expect(bytes).not.toEqual(original);
    expect(original).toEqual(copy);
  });
});

describe('hlsPlaylists', () => {
  it('names variants and audio renditions with the library stream keys', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
      '144p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=2',
      '360p/index.m3u8?token=x',
    ].join('\n');
    const playlists = hlsPlaylists(master, 'http://o.test/live/s/hls-ts/master.m3u8');
    expect([...playlists.entries()]).toEqual([
      ['audio:audio/en/index.m3u8', 'http://o.test/live/s/hls-ts/audio/en/index.m3u8'],
      ['main:144p/index.m3u8', 'http://o.test/live/s/hls-ts/144p/index.m3u8'],
      ['main:360p/index.m3u8', 'http://o.test/live/s/hls-ts/360p/index.m3u8?token=x'],
    ]);
  });
});

describe('dashRepresentations', () => {
  it('reads $Number$ templates per Representation, inherited from the AdaptationSet', () => {
    const mpd = `<MPD><Period>
      <AdaptationSet contentType="video">
        <SegmentTemplate media="v-$RepresentationID$-$Number%03d$.m4s" startNumber="1"/>
        <Representation id="0" mimeType="video/mp4"/>
        <Representation id="1" mimeType="video/mp4">
          <SegmentTemplate media="own-$Number$.m4s"/>
        </Representation>
      </AdaptationSet>
      <AdaptationSet contentType="audio">
        <Representation id="2" mimeType="audio/mp4">
          <SegmentTemplate media="seg-$RepresentationID$-$Number%03d$.m4s"></SegmentTemplate>
        </Representation>
      </AdaptationSet></Period></MPD>`;
    const found = dashRepresentations(mpd);
    expect([...found.values()]).toEqual([
      { key: 'dash:main:0', media: 'v-0-$Number%03d$.m4s' },
      { key: 'dash:main:1', media: 'own-$Number$.m4s' },
      { key: 'dash:audio:2', media: 'seg-2-$Number%03d$.m4s' },
    ]);
  });
});
