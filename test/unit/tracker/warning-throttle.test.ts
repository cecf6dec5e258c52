import { WarningThrottle } from '../../../tracker/warning-throttle.js';

describe('WarningThrottle', () => {
  it('prints the first warnings of a window, then counts the rest and reports them once', () => {
    const throttle = new WarningThrottle(2, 1000);
    expect([0, 1, 2, 3].map((t) => throttle.admit(t).print)).toEqual([true, true, false, false]);
    expect(throttle.admit(1000)).toEqual({ print: true, suppressedBefore: 2 });
    expect(throttle.admit(1001)).toEqual({ print: true, suppressedBefore: 0 });
  });
});
