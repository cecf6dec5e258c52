import {
  FaultInjector,
  FaultSpecError,
  validateFaultSpec,
} from '../../../examples/server/faults.js';

describe('FaultInjector', () => {
  it('hits matching paths `times` times, then clears itself', () => {
    const faults = new FaultInjector();
    const id = faults.add({ pathPattern: 'seg_00[12]\\.ts$', status: 503, times: 2 });
    expect(faults.take('/vod/a/seg_000.ts')).toBeUndefined();
    expect(faults.take('/vod/a/seg_001.ts')).toEqual({ id, status: 503 });
    expect(faults.list()).toEqual([
      { id, pathPattern: 'seg_00[12]\\.ts$', status: 503, times: 2, remaining: 1 },
    ]);
    expect(faults.take('/vod/a/seg_002.ts')).toEqual({ id, status: 503 });
    expect(faults.take('/vod/a/seg_002.ts')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('defaults to one hit and applies the oldest matching rule first', () => {
    const faults = new FaultInjector();
    const first = faults.add({ pathPattern: '\\.ts$', delayMs: 10 });
    const second = faults.add({ pathPattern: 'seg', stallAfterBytes: 100 });
    expect(faults.take('/seg.ts')?.id).toBe(first);
    expect(faults.take('/seg.ts')).toEqual({ id: second, stallAfterBytes: 100 });
    expect(faults.take('/seg.ts')).toBeUndefined();
  });

  it('removes one rule by id or all of them', () => {
    const faults = new FaultInjector();
    const id = faults.add({ pathPattern: 'a', status: 500, times: 5 });
    faults.add({ pathPattern: 'b', status: 500 });
    expect(faults.remove(id)).toBe(true);
    expect(faults.remove(id)).toBe(false);
    expect(faults.take('/a')).toBeUndefined();
    faults.clear();
    expect(faults.take('/b')).toBeUndefined();
  });
});

describe('validateFaultSpec', () => {
  it('rejects specs that are malformed or would do nothing', () => {
    const invalid: unknown[] = [
      null,
      'x',
      {},
      { pathPattern: '(', status: 503 },
      { pathPattern: 'a' },
      { pathPattern: 'a', status: 99 },
      { pathPattern: 'a', status: '503' },
      { pathPattern: 'a', delayMs: -1 },
      { pathPattern: 'a', status: 503, times: 0 },
      { pathPattern: 'a', stallAfterBytes: 1.5 },
    ];
    for (const spec of invalid) expect(() => validateFaultSpec(spec)).toThrow(FaultSpecError);
  });

  it('normalizes a valid spec with the default of one hit', () => {
    expect(validateFaultSpec({ pathPattern: 'a', status: 404, extra: true })).toEqual({
      pathPattern: 'a',
      status: 404,
      times: 1,
    });
  });
});
