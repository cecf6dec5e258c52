import { HASHES_CLI_USAGE, parseHashesCliArgs } from '../../../../tools/hash-manifest/cli-args.js';

describe('p2p-media-loader-hashes arguments', () => {
  it('reads an input with every option', () => {
    expect(
      parseHashesCliArgs([
        'live/',
        '--out',
        'x.json',
        '--format',
        'peertube',
        '--sign-key',
        'k.pem',
        '--watch',
        '--window',
        '30',
      ]),
    ).toEqual({
      kind: 'generate',
      input: 'live/',
      out: 'x.json',
      format: 'peertube',
      signKey: 'k.pem',
      watch: true,
      window: 30,
    });
    expect(parseHashesCliArgs(['stream/master.m3u8'])).toEqual({
      kind: 'generate',
      input: 'stream/master.m3u8',
      format: 'ours',
      watch: false,
    });
  });

  it('reads keygen and help', () => {
    expect(parseHashesCliArgs(['keygen', '--out-private', 'k.pem'])).toEqual({
      kind: 'keygen',
      outPrivate: 'k.pem',
    });
    expect(parseHashesCliArgs(['x', '--help'])).toEqual({ kind: 'help' });
    expect(HASHES_CLI_USAGE).toMatch(/keygen --out-private[\s\S]*--watch/);
  });

  it.each([
    [[], /no folder/],
    [['a', 'b'], /one input only/],
    [['a', '--format', 'xml'], /ours or peertube/],
    [['a', '--window', '0', '--watch'], /positive integer/],
    [['a', '--window', '5'], /--window needs --watch/],
    [['a', '--out'], /--out needs a value/],
    [['a', '--bogus'], /unknown option --bogus/],
    [['keygen'], /--out-private FILE/],
  ])('rejects %j', (argv, message) => {
    const command = parseHashesCliArgs(argv);
    expect(command.kind).toBe('error');
    expect(command.kind === 'error' ? command.message : '').toMatch(message);
  });
});
