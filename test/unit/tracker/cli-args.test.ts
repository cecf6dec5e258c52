import {
  DEFAULT_CLI_HOST,
  DEFAULT_CLI_PORT,
  parseTrackerCliArgs,
} from '../../../core/tracker/cli-args.js';

describe('parseTrackerCliArgs', () => {
  it('runs on the default port and loopback when given no arguments', () => {
    expect(parseTrackerCliArgs([])).toEqual({
      kind: 'run',
      port: DEFAULT_CLI_PORT,
      host: DEFAULT_CLI_HOST,
    });
    expect(DEFAULT_CLI_HOST).toBe('127.0.0.1');
  });

  it('reads --port and --host in both "--flag value" and "--flag=value" forms', () => {
    expect(parseTrackerCliArgs(['--port', '9000', '--host', '0.0.0.0'])).toEqual({
      kind: 'run',
      port: 9000,
      host: '0.0.0.0',
    });
    expect(parseTrackerCliArgs(['--port=0', '--host=::'])).toEqual({
      kind: 'run',
      port: 0,
      host: '::',
    });
    expect(parseTrackerCliArgs(['-p', '65535'])).toMatchObject({ kind: 'run', port: 65535 });
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
  ])('rejects %j with a message saying what is wrong', (args, message) => {
    const command = parseTrackerCliArgs(args);
    expect(command.kind).toBe('error');
    expect(command.kind === 'error' ? command.message : '').toMatch(message);
  });
});
