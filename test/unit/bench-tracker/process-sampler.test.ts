/**
 * Reading another process's CPU and RSS from /proc: the parsers on sample text (a command name with
 * spaces and parentheses included), and a live reading of this process.
 */
import {
  coresBetween,
  parseProcStatCpuMs,
  parseProcStatusRssBytes,
  readProcess,
} from '../../../scripts/bench-tracker/process-sampler.js';

describe('/proc parsers', () => {
  it('reads utime + stime from a stat line, counting fields after the last parenthesis', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0';
    expect(parseProcStatCpuMs(line)).toBe(3000);
    expect(parseProcStatCpuMs('garbage')).toBeUndefined();
  });

  it('reads VmRSS in bytes', () => {
    expect(parseProcStatusRssBytes('Name:\tnode\nVmRSS:\t   90112 kB\nThreads:\t11\n')).toBe(
      90112 * 1024,
    );
    expect(parseProcStatusRssBytes('Name:\tnode\n')).toBeUndefined();
  });

  it('turns two readings into cores used', () => {
    expect(
      coresBetween({ rssBytes: 0, cpuMs: 100, atMs: 0 }, { rssBytes: 0, cpuMs: 600, atMs: 1000 }),
    ).toBe(0.5);
    expect(
      coresBetween({ rssBytes: 0, cpuMs: 0, atMs: 5 }, { rssBytes: 0, cpuMs: 0, atMs: 5 }),
    ).toBeUndefined();
  });

  it('reads this process on Linux', () => {
    if (process.platform !== 'linux') return;
    const reading = readProcess(process.pid);
    expect(reading?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(reading?.cpuMs).toBeGreaterThan(0);
    expect(readProcess(2 ** 30)).toBeUndefined();
  });
});
