import { StatsCollector } from '../../../core/stats/stats-collector.js';

describe('StatsCollector', () => {
  it('starts at zero with a p2p ratio of 0', () => {
    expect(new StatsCollector().snapshot({ peers: 0, storeBytes: 0 })).toEqual({
      httpBytes: 0,
      p2pBytes: 0,
      uploadBytes: 0,
      p2pRatio: 0,
      segments: { http: 0, p2p: 0, cache: 0 },
      peers: 0,
      storeBytes: 0,
      p2pBytesByPath: { direct: 0, relayed: 0, unknown: 0 },
      uploadBytesByPath: { direct: 0, relayed: 0, unknown: 0 },
    });
  });

  it('adds up bytes by source, uploads and deliveries, and passes live figures through', () => {
    const stats = new StatsCollector();
    stats.recordDownload('http', 300);
    stats.recordDownload('p2p', 600);
    stats.recordDownload('p2p', 100);
    stats.recordUpload(50);
    stats.recordUpload(-5); // ignored
    stats.recordDownload('http', Number.NaN); // ignored
    stats.recordDelivery('http');
    stats.recordDelivery('p2p');
    stats.recordDelivery('p2p');
    stats.recordDelivery('cache');

    expect(stats.snapshot({ peers: 3, storeBytes: 4096 })).toEqual({
      httpBytes: 300,
      p2pBytes: 700,
      uploadBytes: 50,
      p2pRatio: 0.7,
      segments: { http: 1, p2p: 2, cache: 1 },
      peers: 3,
      storeBytes: 4096,
      p2pBytesByPath: { direct: 0, relayed: 0, unknown: 700 },
      uploadBytesByPath: { direct: 0, relayed: 0, unknown: 50 },
    });
  });

  it('splits P2P bytes by the path of the connection they came over, summing to the totals', () => {
    const stats = new StatsCollector();
    stats.recordDownload('p2p', 1000, 'direct');
    stats.recordDownload('p2p', 400, 'relayed');
    stats.recordDownload('p2p', 10);
    stats.recordDownload('http', 600, 'relayed'); // HTTP has no peer path
    stats.recordUpload(300, 'relayed');
    stats.recordUpload(200, 'direct');
    const snapshot = stats.snapshot({ peers: 2, storeBytes: 0 });
    expect(snapshot.p2pBytesByPath).toEqual({ direct: 1000, relayed: 400, unknown: 10 });
    expect(snapshot.uploadBytesByPath).toEqual({ direct: 200, relayed: 300, unknown: 0 });
    expect(snapshot.p2pBytes).toBe(1410);
    expect(snapshot.uploadBytes).toBe(500);
    // Offload without TURN-relayed bytes, as an operator counts it.
    expect((snapshot.p2pBytes - (snapshot.p2pBytesByPath?.relayed ?? 0)) / 2010).toBeCloseTo(0.5);
    stats.reset();
    expect(stats.snapshot({ peers: 0, storeBytes: 0 }).p2pBytesByPath).toEqual({
      direct: 0,
      relayed: 0,
      unknown: 0,
    });
  });

  it('returns snapshots that later recording does not change, and resets to zero', () => {
    const stats = new StatsCollector();
    stats.recordDelivery('cache');
    const before = stats.snapshot({ peers: 0, storeBytes: 0 });
    stats.recordDelivery('cache');
    expect(before.segments.cache).toBe(1);

    stats.recordDownload('http', 10);
    stats.reset();
    const after = stats.snapshot({ peers: 0, storeBytes: 0 });
    expect(after.httpBytes).toBe(0);
    expect(after.segments).toEqual({ http: 0, p2p: 0, cache: 0 });
  });

  it("passes the engine thread's load through only when given", () => {
    const stats = new StatsCollector();
    expect(stats.snapshot({ peers: 0, storeBytes: 0 })).not.toHaveProperty('mainThreadLevel');
    expect(
      stats.snapshot({ peers: 0, storeBytes: 0, mainThread: { level: 'strained', lagMs: 42 } }),
    ).toMatchObject({ mainThreadLevel: 'strained', mainThreadLagMs: 42 });
  });
});
