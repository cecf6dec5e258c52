/**
 * A stream removed while one of its segments is still downloading (a player that loads another
 * source, or drops a Representation) must not leave that segment in the store: nothing would ever
 * ask for it again, peers would be offered a stream the player left, and the bytes would only go at
 * eviction. The player still gets the bytes it asked for.
 */
import { Engine } from '../../../core/engine/engine.js';
import type { Segment, StreamDescriptor } from '../../../core/model/segment.js';

const STREAM: StreamDescriptor = { key: 'main:v1/index.m3u8', kind: 'main' };
const SEGMENT: Segment = { id: 1, url: 'https://cdn.test/v1/seg1.ts', startTime: 0, endTime: 2 };
const BYTES = new Uint8Array(188 * 20).map((_, i) => (i % 188 === 0 ? 0x47 : i % 251));

/** An origin whose one answer waits until `release()`. */
function heldOrigin() {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const fetchImpl = async (): Promise<Response> => {
    await released;
    return new Response(BYTES.slice().buffer);
  };
  return { fetchImpl, release };
}

function startEngine(fetchImpl: () => Promise<Response>): Engine {
  const engine = new Engine({ p2pDisabled: true }, { fetch: fetchImpl });
  engine.setSource('https://cdn.test/master.m3u8');
  engine.updateStream(STREAM, { segments: [SEGMENT], isLive: false });
  engine.setActiveStream(STREAM);
  engine.setPlayback({ position: 0, rate: 0, bufferedEnd: 0 });
  return engine;
}

describe('Engine stream removal', () => {
  let engine: Engine | undefined;
  afterEach(() => {
    engine?.destroy();
    engine = undefined;
  });

  it('keeps a segment whose stream is still there', async () => {
    const origin = heldOrigin();
    engine = startEngine(origin.fetchImpl);
    const loading = engine.loadSegment(STREAM, SEGMENT);
    origin.release();
    expect(new Uint8Array((await loading).data)).toEqual(BYTES);
    expect(engine.getStats().storeBytes).toBe(BYTES.byteLength);
  });

  it('does not store a segment that arrives after its stream was removed', async () => {
    const origin = heldOrigin();
    engine = startEngine(origin.fetchImpl);
    const loading = engine.loadSegment(STREAM, SEGMENT);
    engine.removeStream(STREAM.key);
    origin.release();
    // The request the player made still completes with the origin's bytes.
    expect(new Uint8Array((await loading).data)).toEqual(BYTES);
    expect(engine.getStats().storeBytes).toBe(0);
  });

  it("destroy() aborts a removed stream's download that a player still awaits", async () => {
    const origin = heldOrigin();
    engine = startEngine(origin.fetchImpl);
    const loading = engine.loadSegment(STREAM, SEGMENT);
    engine.removeStream(STREAM.key);
    engine.destroy();
    engine = undefined;
    await expect(loading).rejects.toMatchObject({ code: 'aborted' });
  });
});
