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
});
