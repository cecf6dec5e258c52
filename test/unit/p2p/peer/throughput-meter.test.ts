import { ThroughputMeter } from '../../../../core/p2p/peer/throughput-meter.js';

describe('ThroughputMeter', () => {
  it('has no estimate before a sample of at least minSampleMs of busy time', () => {
    const meter = new ThroughputMeter({ minSampleMs: 100 });
    meter.start(0);
    meter.addBytes(50_000, 50);
    expect(meter.bytesPerSecond).toBeUndefined();
    meter.addBytes(50_000, 100);
    expect(meter.bytesPerSecond).toBe(1_000_000);
  });

  it('counts only busy time: idle gaps between requests do not lower the rate', () => {
    const meter = new ThroughputMeter({ minSampleMs: 100 });
    meter.start(0);
    meter.addBytes(25_000, 50);
    meter.stop(50);
    meter.start(10_000); // ten idle seconds
    meter.addBytes(25_000, 10_050);
    meter.stop(10_050);
    expect(meter.bytesPerSecond).toBe(500_000);
  });

  it('takes a whole short request as a sample when the peer goes idle', () => {
    const meter = new ThroughputMeter({ minSampleMs: 200 });
    meter.start(0);
    meter.addBytes(30_000, 20);
    expect(meter.bytesPerSecond).toBeUndefined();
    meter.stop(30);
    expect(meter.bytesPerSecond).toBe(1_000_000);
  });

  it('includes the wait for the first byte', () => {
    const meter = new ThroughputMeter({ minSampleMs: 100 });
    meter.start(0);
    meter.addBytes(100_000, 1000); // one second until anything arrived
    expect(meter.bytesPerSecond).toBe(100_000);
  });

  it('moves toward new rates, faster for longer samples', () => {
    const meter = new ThroughputMeter({ minSampleMs: 100, halfLifeMs: 1000 });
    meter.start(0);
    meter.addBytes(100_000, 100); // 1 MB/s
    meter.addBytes(0, 1100); // one second of nothing: weight 1/2
    expect(meter.bytesPerSecond).toBeCloseTo(500_000, 6);
    meter.addBytes(0, 1200); // 100 ms of nothing: weight 1 - 2^-0.1
    expect(meter.bytesPerSecond).toBeCloseTo(500_000 * Math.pow(2, -0.1), 6);
  });

  it('ignores stop without start', () => {
    const meter = new ThroughputMeter();
    meter.stop(100);
    expect(meter.bytesPerSecond).toBeUndefined();
  });
});
