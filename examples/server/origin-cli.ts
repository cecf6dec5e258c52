/**
 * Runs the origin from the command line:
 *
 *   npx tsx examples/server/origin-cli.ts --port 8080 --media examples/media/streams \
 *     --static /dist=dist --static /examples=examples [--window 6] [--host 127.0.0.1]
 *
 * Prints the base URL on stdout (one line), then serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startOrigin } from './origin.js';

const USAGE =
  'usage: origin-cli.ts [--port N] [--host ADDR] [--media DIR] [--static /prefix=DIR ...] [--window N]';

function parseStaticDirs(values: readonly string[]): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf('=');
    if (equals <= 0 || !value.startsWith('/')) {
      throw new Error(`--static expects /prefix=directory, got "${value}"`);
    }
    dirs[value.slice(0, equals)] = value.slice(equals + 1);
  }
  return dirs;
}

function parseCount(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`--${name} expects an integer`);
  return number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      media: { type: 'string', default: 'examples/media/streams' },
      static: { type: 'string', multiple: true, default: [] },
      window: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const origin = await startOrigin({
    port: parseCount(values.port, 'port', 0),
    host: values.host,
    mediaDir: values.media,
    staticDirs: parseStaticDirs(values.static),
    liveSegmentsInWindow: parseCount(values.window, 'window', 6),
  });
  console.log(origin.url);
  const shutdown = (): void => {
    void origin.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
