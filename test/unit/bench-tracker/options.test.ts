/**
 * `npm run bench:tracker`'s command line: defaults, bounds, targets restricted to this machine.
 */
import {
  DEFAULT_IN_FLIGHT_PER_PROCESS,
  isLocalHost,
  MAX_PEERS,
  parseTrackerBenchArgs,
  type TrackerBenchOptions,
} from '../../../scripts/bench-tracker/options.js';

const LOCAL = new Set(['10.0.0.2']);

function run(args: string[]): TrackerBenchOptions {
  const command = parseTrackerBenchArgs(args, LOCAL);
  if (command.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(command)}`);
  return command.options;
}

function problem(args: string[]): string {
  const command = parseTrackerBenchArgs(args, LOCAL);
  if (command.kind !== 'error') throw new Error(`expected an error, got ${command.kind}`);
  return command.message;
}

describe('parseTrackerBenchArgs', () => {
  it('defaults to the embedded tracker, 1000 peers, closed-loop load for 10 s', () => {
    const options = run([]);
    expect(options.target).toEqual({ kind: 'embedded' });
    expect(options.peers).toBe(1000);
    expect(options.load).toEqual({
      kind: 'max',
      inFlightPerProcess: DEFAULT_IN_FLIGHT_PER_PROCESS,
    });
    expect(options.loadSeconds).toBe(10);
    expect(options.clientProcesses).toBe(2);
    expect(options.json).toBe(false);
  });

  it('reads every option', () => {
    const options = run([
      '--target=bittorrent-tracker',
      '--peers',
      '5000',
      '--peers-per-swarm',
      '500',
      '--offers',
      '3',
      '--sdp-bytes',
      '800',
      '--rate',
      '4000',
      '--seconds',
      '30',
      '--client-processes',
      '4',
      '--connects-per-second',
      '500',
      '--max-seconds',
      '120',
      '--json',
    ]);
    expect(options).toMatchObject({
      target: { kind: 'bittorrent-tracker' },
      peers: 5000,
      peersPerSwarm: 500,
      offersPerAnnounce: 3,
      sdpBytes: 800,
      load: { kind: 'rate', announcesPerSecond: 4000 },
      loadSeconds: 30,
      clientProcesses: 4,
      connectsPerSecond: 500,
      maxSeconds: 120,
      json: true,
    });
  });

  it('bounds the peers, and the peers per client process', () => {
    expect(problem(['--peers', String(MAX_PEERS + 1)])).toMatch(/--peers must be from 2 to 10000/);
    expect(problem(['--peers', '10000', '--client-processes', '1'])).toMatch(
      /need at least 2 client processes/,
    );
    expect(run(['--peers', '10000']).peers).toBe(10000);
  });

  it('refuses non-integers, unknown flags and a run cap shorter than the load', () => {
    expect(problem(['--peers', '1e3'])).toMatch(/integer/);
    expect(problem(['--frobnicate'])).toMatch(/frobnicate/);
    expect(problem(['--seconds', '60', '--max-seconds', '30'])).toMatch(/--max-seconds/);
    expect(problem(['--rate', '100', '--in-flight', '10'])).toMatch(/--in-flight applies/);
  });

  it('accepts a url target on this machine only', () => {
    expect(run(['--target', 'url=ws://127.0.0.1:8000']).target).toEqual({
      kind: 'url',
      url: 'ws://127.0.0.1:8000',
    });
    expect(run(['--target', 'url=ws://10.0.0.2:8000', '--pid', '42']).pid).toBe(42);
    expect(problem(['--target', 'url=ws://192.0.2.7:8000'])).toMatch(/this machine/);
    expect(problem(['--target', 'url=wss://127.0.0.1:8000'])).toMatch(/ws:\/\//);
    expect(problem(['--target', 'url=not a url'])).toMatch(/not a URL/);
    expect(problem(['--target', 'opentracker'])).toMatch(/--target must be/);
  });

  it('takes --pid for a url target only (it starts the others itself)', () => {
    expect(problem(['--pid', '42'])).toMatch(/--pid applies/);
  });

  it('answers --help', () => {
    expect(parseTrackerBenchArgs(['-h'], LOCAL)).toEqual({ kind: 'help' });
  });
});

describe('isLocalHost', () => {
  it('knows loopback names and addresses, and the given interface addresses', () => {
    expect(isLocalHost('localhost', new Set())).toBe(true);
    expect(isLocalHost('127.3.4.5', new Set())).toBe(true);
    expect(isLocalHost('[::1]', new Set())).toBe(true);
    expect(isLocalHost('10.0.0.2', LOCAL)).toBe(true);
    expect(isLocalHost('10.0.0.3', LOCAL)).toBe(false);
    expect(isLocalHost('example.org', LOCAL)).toBe(false);
  });
});
