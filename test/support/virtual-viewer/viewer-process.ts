/**
 * The virtual-viewer process: runs the viewers a JSON spec describes and prints JSON lines on
 * stdout (`ready`, optional `progress`, then one `result` per viewer and one `process` line with
 * CPU time and peak RSS). It stops after `seconds` or on SIGTERM/SIGINT, printing results either
 * way, and exits 0; a bad spec prints an `error` line and exits 2. A `kill -9` leaves nothing
 * behind that other viewers depend on: peers see the data channels close, as with a closed tab.
 *
 *   node_modules/.bin/tsx test/support/virtual-viewer/viewer-process.ts --spec '{"mode":"live",
 *     "stream":"hls-ts","session":"s1","originUrl":"http://10.77.0.1:8080",
 *     "trackers":["ws://10.77.0.1:8000"],"seconds":60,"seed":7,"viewers":5}'
 *
 * See docs/VIRTUAL-VIEWERS.md for every key.
 */
import { readFile } from 'node:fs/promises';
import { describe, ViewerGroup, type ViewerProcessLine } from './viewer-group.js';
import { readSpecArgument } from './viewer-spec.js';

function print(line: ViewerProcessLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  let group: ViewerGroup;
  try {
    const spec = await readSpecArgument(process.argv.slice(2), {
      readFile: (path) => readFile(path, 'utf8'),
      readStdin,
    });
    group = new ViewerGroup({ spec, emit: print });
    group.start();
    const stop = (): void => {
      void group.finish().then(() => {
        // stdout may be a pipe: exit once everything printed is flushed.
        process.stdout.write('', () => process.exit(0));
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    if (spec.seconds > 0)
      setTimeout(stop, spec.seconds * 1000 + spec.staggerMs * (spec.viewers - 1));
  } catch (error) {
    print({ type: 'error', ...describe(error) });
    process.exitCode = 2;
  }
}

void main();
