/**
 * The lint rule that holds the tree's layers (engine -> adapters -> plugins, the tracker server
 * apart): each boundary reports a deliberate crossing with its own message, and the imports the
 * architecture allows pass. It lints snippets through ESLint's Node API at real in-tree paths with
 * the boundary blocks eslint.config.js itself uses (imported, not copied) and a syntax-only
 * TypeScript parser, so no type-aware program is built and the file runs in seconds.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import {
  ADAPTERS,
  BOUNDARY_MESSAGES,
  PLAYER_PLUGINS,
  boundaryConfigs,
} from '../../../eslint.boundaries.js';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const execFileAsync = promisify(execFile);

type Boundary = keyof typeof BOUNDARY_MESSAGES;

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: REPO_ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tseslint.parser } },
      ...boundaryConfigs,
    ],
  });
});

/**
 * The `no-restricted-imports` messages ESLint reports for `code` as if it were the file at
 * `relativePath` (other problems, such as a parse error, fail the test).
 */
async function restrictionsFor(relativePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, relativePath) });
  if (result === undefined) throw new Error(`no lint result for ${relativePath}`);
  const others = result.messages.filter((message) => message.ruleId !== 'no-restricted-imports');
  expect(others).toEqual([]);
  return result.messages.map((message) => message.message);
}

describe('the layer boundaries (eslint.boundaries.js, used by eslint.config.js)', () => {
  const crossings: [string, string, string, Boundary][] = [
    [
      'core -> adapters',
      'core/engine/engine.ts',
      "import type { HlsInstanceLike } from '../../adapters/hlsjs/hlsjs-types.js';",
      'coreOutside',
    ],
    [
      'core -> plugins, three folders deep',
      'core/p2p/swarm/swarm.ts',
      "import { createPlayerSession } from '../../../plugins/shared/index.js';",
      'coreOutside',
    ],
    ['core -> hls.js', 'core/engine/engine.ts', "import Hls from 'hls.js';", 'coreLibrary'],
    ['core -> video.js', 'core/index.ts', "import type videojs from 'video.js';", 'coreLibrary'],
    [
      'core -> tracker',
      'core/index.ts',
      "export { createTrackerServer } from './../tracker/index.js';",
      'tracker',
    ],
    [
      'adapters/hlsjs -> adapters/shaka',
      'adapters/hlsjs/hls-binding.ts',
      "import type { ShakaNamespace } from '../shaka/shaka-types.js';",
      'adapterSibling',
    ],
    [
      'adapters/shaka -> adapters/hlsjs through the root',
      'adapters/shaka/shaka-p2p.ts',
      "import { attach } from '../../adapters/hlsjs/index.js';",
      'adapterSibling',
    ],
    [
      'adapters/shaka -> hls.js',
      'adapters/shaka/shaka-p2p.ts',
      "import type { LoaderStats } from 'hls.js';",
      'adapterLibrary',
    ],
    [
      'adapters/hlsjs -> plugins',
      'adapters/hlsjs/hls-binding.ts',
      "import { chooseEngine } from '../../plugins/shared/engine-choice.js';",
      'adapterOutside',
    ],
    [
      'plugins/clappr -> core',
      'plugins/clappr/index.ts',
      "export { P2PMediaLoaderError } from '../../core/errors.js';",
      'pluginOutside',
    ],
    [
      'plugins/clappr -> adapters',
      'plugins/clappr/shaka-playback.ts',
      "import type { ShakaNamespace } from '../../adapters/shaka/shaka-types.js';",
      'pluginOutside',
    ],
    [
      'plugins/clappr -> plugins/videojs',
      'plugins/clappr/index.ts',
      "import { registerP2PPlugin } from '../videojs/index.js';",
      'pluginOther',
    ],
    [
      'plugins/videojs -> plugins/embed through the root',
      'plugins/videojs/register.ts',
      "import '../../plugins/embed/index.js';",
      'pluginOther',
    ],
    [
      'plugins/clappr -> video.js',
      'plugins/clappr/index.ts',
      "import videojs from 'video.js';",
      'pluginLibrary',
    ],
    [
      'plugins/videojs -> tracker',
      'plugins/videojs/index.ts',
      "import { createTrackerServer } from '../../tracker/index.js';",
      'tracker',
    ],
    [
      'plugins/shared -> plugins/videojs',
      'plugins/shared/player-session.ts',
      "import { registerP2PPlugin } from '../videojs/index.js';",
      'sharedPlugin',
    ],
    [
      'plugins/shared -> video.js',
      'plugins/shared/player-session.ts',
      "import videojs from 'video.js';",
      'sharedLibrary',
    ],
    [
      'collector -> tracker',
      'collector/store/sqlite-store.ts',
      "import { createTrackerServer } from '../../tracker/index.js';",
      'tracker',
    ],
    [
      'a root file -> tracker',
      'webpack.config.ts',
      "import { createTrackerServer } from './tracker/index.js';",
      'tracker',
    ],
    [
      'core -> the package by name',
      'core/index.ts',
      "import { attach } from 'p2p-media-loader/shaka';",
      'selfReference',
    ],
  ];

  it.each(crossings)('reports %s (%s) with its message', async (_name, file, code, boundary) => {
    const messages = await restrictionsFor(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(BOUNDARY_MESSAGES[boundary]);
  });

  const allowed: [string, string, string][] = [
    ['plugins/clappr -> plugins/shared', 'plugins/clappr/index.ts', "import '../shared/index.js';"],
    ['plugins/clappr -> its own folder', 'plugins/clappr/index.ts', "import './clappr-types.js';"],
    ['plugins/clappr -> @clappr/core', 'plugins/clappr/index.ts', "import '@clappr/core';"],
    ['plugins/embed -> plugins/videojs', 'plugins/embed/index.ts', "import '../videojs/index.js';"],
    ['plugins/embed -> hls.js', 'plugins/embed/index.ts', "import Hls from 'hls.js';"],
    ['plugins/shared -> core', 'plugins/shared/index.ts', "import '../../core/errors.js';"],
    [
      'plugins/shared -> adapters',
      'plugins/shared/contract.ts',
      "import '../../adapters/hlsjs/hlsjs-types.js';",
    ],
    ['adapters/hlsjs -> core', 'adapters/hlsjs/hls-binding.ts', "import '../../core/errors.js';"],
    ['adapters/hlsjs -> hls.js', 'adapters/hlsjs/hls-binding.ts', "import 'hls.js';"],
    [
      'core -> its own tracker-named files',
      'core/p2p/signalling/tracker-signalling.ts',
      "import './tracker-connection.js';\nimport 'bittorrent-tracker/websocket-tracker';",
    ],
    [
      'core -> a tracker folder inside core',
      'core/p2p/swarm/swarm.ts',
      "import '../tracker/tracker-client.js';\nimport '../../errors.js';",
    ],
    ['test -> tracker', 'test/integration/tracker.test.ts', "import '../../tracker/index.js';"],
    ['scripts -> tracker', 'scripts/bench/bench.ts', "import '../../tracker/index.js';"],
    ['examples -> tracker', 'examples/demo.ts', "import './../tracker/index.js';"],
    ['tracker -> core', 'tracker/tracker-server.ts', "import '../core/errors.js';"],
  ];

  it.each(allowed)('allows %s (%s)', async (_name, file, code) => {
    expect(await restrictionsFor(file, code)).toEqual([]);
  });
});

describe('eslint.config.js', () => {
  // The config file itself cannot be loaded inside Jest (ESLint imports it as ESM with a query
  // string), so ESLint's own CLI prints the configuration it computes for a plugin file.
  it('applies the boundary blocks to the files they name', async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules/eslint/bin/eslint.js'),
        '--print-config',
        'plugins/clappr/index.ts',
      ],
      { cwd: REPO_ROOT, timeout: 60_000 },
    );
    const printed = JSON.parse(stdout) as { rules: Record<string, unknown[]> };
    const block = boundaryConfigs.find(
      (entry) => entry.name === 'boundaries/plugins/clappr/depth-2',
    );
    const expected = block?.rules?.['no-restricted-imports'];
    if (!Array.isArray(expected)) throw new Error('no boundary block for plugins/clappr');
    expect(printed.rules['no-restricted-imports']).toEqual([2, ...expected.slice(1)]);
  }, 60_000);

  it('knows every folder of adapters/ and plugins/: a new one gets no boundary until it is listed', () => {
    // The blocks are generated from ADAPTERS and PLAYER_PLUGINS; an unlisted folder (or a file
    // directly in adapters/ or plugins/) would fall back to the tracker rule alone.
    const entries = (top: string): { folders: string[]; files: string[] } => {
      const all = readdirSync(path.join(REPO_ROOT, top), { withFileTypes: true });
      return {
        folders: all
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name)
          .sort(),
        files: all.filter((entry) => !entry.isDirectory()).map((entry) => entry.name),
      };
    };
    const adapters = entries('adapters');
    const plugins = entries('plugins');
    expect({ adapters, plugins }).toEqual({
      adapters: { folders: Object.keys(ADAPTERS).sort(), files: [] },
      plugins: { folders: [...Object.keys(PLAYER_PLUGINS), 'shared'].sort(), files: [] },
    });
  });
});
