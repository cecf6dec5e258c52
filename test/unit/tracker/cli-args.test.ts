import {
  DEFAULT_CLI_HOST,
  DEFAULT_CLI_PORT,
  parseTrackerCliArgs,
} from '../../../tracker/cli-args.js';

describe('parseTrackerCliArgs', () => {
  it('runs on the default port and loopback when given no arguments', () => {
    expect(parseTrackerCliArgs([])).toEqual({
      kind: 'run',
      port: DEFAULT_CLI_PORT,
      host: DEFAULT_CLI_HOST,
      limits: {},
    });
    expect(DEFAULT_CLI_HOST).toBe('127.0.0.1');
  });

  it('reads --port and --host in both "--flag value" and "--flag=value" forms', () => {
    expect(parseTrackerCliArgs(['--port', '9000', '--host', '0.0.0.0'])).toEqual({
      kind: 'run',
      port: 9000,
      host: '0.0.0.0',
      limits: {},
    });
    expect(parseTrackerCliArgs(['--port=0', '--host=::'])).toEqual({
      kind: 'run',
      port: 0,
      host: '::',
      limits: {},
    });
    expect(parseTrackerCliArgs(['-p', '65535'])).toMatchObject({ kind: 'run', port: 65535 });
  });

  it('reads the limit flags into the options of the same name', () => {
    expect(
      parseTrackerCliArgs([
        '--max-sockets-per-ip',
        '0',
        '--max-info-hashes-per-socket=7',
        '--announces-per-second',
        '3',
        '--announce-burst=9',
      ]),
    ).toMatchObject({
      kind: 'run',
      limits: {
        maxSocketsPerIp: 0,
        maxInfoHashesPerSocket: 7,
        announcesPerSecond: 3,
        announceBurst: 9,
      },
    });
  });

  it('lets the last occurrence of a flag win', () => {
    expect(parseTrackerCliArgs(['--port', '1', '--port', '2'])).toMatchObject({ port: 2 });
  });

  it('asks for help with -h or --help, wherever it appears', () => {
    expect(parseTrackerCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseTrackerCliArgs(['--port', '80', '-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--port', '65536'], /--port must be an integer from 0 to 65535/],
    [['--port', '-1'], /--port must be an integer/],
    [['--port', '80.5'], /--port must be an integer/],
    [['--port', 'http'], /--port must be an integer/],
    [['--port'], /--port needs a value/],
    [['--host='], /--host needs a value/],
    [['--verbose'], /unknown argument: --verbose/],
    [['8000'], /unknown argument: 8000/],
    [['--announces-per-second', '0'], /--announces-per-second must be an integer of at least 1/],
    [['--max-sockets-per-ip', '-3'], /--max-sockets-per-ip must be an integer of at least 0/],
    [['--announce-burst', '1e3'], /--announce-burst must be an integer/],
    [['--max-info-hashes-per-socket'], /--max-info-hashes-per-socket needs a value/],
    [['--toString', '1'], /unknown argument: --toString/],
  ])('rejects %j with a message saying what is wrong', (args, message) => {
    const command = parseTrackerCliArgs(args);
    expect(command.kind).toBe('error');
    expect(command.kind === 'error' ? command.message : '').toMatch(message);
  });
});
