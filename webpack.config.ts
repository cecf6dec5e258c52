/**
 * Production UMD bundles for `<script>` users, written to dist/umd/ (the ESM build is plain `tsc`).
 * Each row of {@link UMD_BUNDLES} is one file and one global; adding a player adapter, plugin or
 * embed bundle means adding a row. Run: `npm run build:umd` (loads this file through tsx).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import TerserPlugin from 'terser-webpack-plugin';
import type { Configuration, EntryObject } from 'webpack';

const rootDir = path.dirname(fileURLToPath(import.meta.url));

/** One UMD file. */
interface UmdBundle {
  /** Output file name without `.min.js`. */
  readonly file: string;
  /** Entry module (TypeScript source). */
  readonly entry: string;
  /** Global the bundle assigns its exports to when loaded by a script tag, as a property path. */
  readonly globalName: readonly string[];
}

/** The bundles. Each one is self-contained: the hls.js one carries the core too. */
const UMD_BUNDLES: readonly UmdBundle[] = [
  { file: 'p2p-media-loader', entry: './core/index.ts', globalName: ['p2pml', 'core'] },
  {
    file: 'p2p-media-loader-hlsjs',
    entry: './core/hlsjs/index.ts',
    globalName: ['p2pml', 'hlsjs'],
  },
  {
    file: 'p2p-media-loader-shaka',
    entry: './core/shaka/index.ts',
    globalName: ['p2pml', 'shaka'],
  },
  {
    file: 'p2p-media-loader-plugins',
    entry: './plugins/shared/index.ts',
    globalName: ['p2pml', 'plugins'],
  },
  {
    file: 'p2p-media-loader-videojs',
    entry: './plugins/videojs/index.ts',
    globalName: ['p2pml', 'videojs'],
  },
  {
    file: 'p2p-media-loader-clappr',
    entry: './plugins/clappr/index.ts',
    globalName: ['p2pml', 'clappr'],
  },
  {
    file: 'p2p-media-loader-mediaelement',
    entry: './plugins/mediaelement/index.ts',
    globalName: ['p2pml', 'mediaelement'],
  },
  {
    file: 'p2p-media-loader-flowplayer',
    entry: './plugins/flowplayer/index.ts',
    globalName: ['p2pml', 'flowplayer'],
  },
  {
    file: 'p2p-media-loader-jwplayer',
    entry: './plugins/jwplayer/index.ts',
    globalName: ['p2pml', 'jwplayer'],
  },
];

/**
 * Players the bundles use but never include: users load them with their own script tag. Keys are the
 * import specifiers; `root` is the player's global.
 */
const PLAYER_EXTERNALS: Configuration['externals'] = {
  'hls.js': { root: 'Hls', commonjs: 'hls.js', commonjs2: 'hls.js', amd: 'hls.js' },
  'video.js': { root: 'videojs', commonjs: 'video.js', commonjs2: 'video.js', amd: 'video.js' },
  '@clappr/core': {
    root: 'Clappr',
    commonjs: '@clappr/core',
    commonjs2: '@clappr/core',
    amd: '@clappr/core',
  },
  'shaka-player': {
    root: 'shaka',
    commonjs: 'shaka-player',
    commonjs2: 'shaka-player',
    amd: 'shaka-player',
  },
};

/** The language level of the bundles: every browser with WebRTC data channels and MSE supports it. */
const TARGET_ES = 'es2020';

/** Entries of the bundles whose file name contains `only` (all when undefined). */
function entries(only: string | undefined): EntryObject {
  const entryObject: EntryObject = {};
  for (const bundle of UMD_BUNDLES) {
    if (only !== undefined && !bundle.file.includes(only)) continue;
    entryObject[bundle.file] = {
      import: bundle.entry,
      library: { name: [...bundle.globalName], type: 'umd', umdNamedDefine: false },
    };
  }
  return entryObject;
}

/** swc-loader options; `syntax` is 'typescript' for our sources, 'ecmascript' for dependencies. */
function swcOptions(syntax: 'typescript' | 'ecmascript'): object {
  return {
    jsc: { parser: { syntax }, target: TARGET_ES },
    // Webpack resolves and bundles the modules itself.
    module: { type: 'es6' },
  };
}

/** `--env only=<part of a file name>` builds only matching bundles (and keeps the others' files). */
interface BuildEnv {
  readonly only?: string;
}

const config = (env: BuildEnv = {}): Configuration => ({
  mode: 'production',
  context: rootDir,
  target: ['web', TARGET_ES],
  entry: entries(env.only),
  devtool: 'source-map',
  output: {
    path: path.join(rootDir, 'dist', 'umd'),
    filename: '[name].min.js',
    // `globalThis` rather than `self`/`window` so the bundles also load in workers.
    globalObject: 'globalThis',
    clean: env.only === undefined,
  },
  externals: PLAYER_EXTERNALS,
  resolve: {
    extensions: ['.ts', '.js', '.mjs'],
    // Our sources import `./x.js` (NodeNext) while the file on disk is `./x.ts`.
    extensionAlias: { '.js': ['.ts', '.js'], '.mjs': ['.mts', '.mjs'] },
    conditionNames: ['browser', 'import', 'module', 'default'],
    mainFields: ['browser', 'module', 'main'],
    // No Node core polyfills: browser code must not need them (see scripts/bundle-size.ts report).
    fallback: {},
    // Dependencies' debug logging cannot be switched on by script-tag users: drop it (~2 KB gzip).
    alias: {
      debug$: path.join(rootDir, 'shims', 'debug-noop.js'),
      // simple-peer only needs a small part of streamx's Duplex (~10 KB gzip): see the shim.
      streamx$: path.join(rootDir, 'shims', 'streamx-duplex.js'),
    },
  },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: { loader: 'swc-loader', options: swcOptions('typescript') },
      },
      {
        // Dependencies may ship newer syntax than the bundles promise: lower it as well.
        test: /\.m?js$/,
        include: /node_modules/,
        use: { loader: 'swc-loader', options: swcOptions('ecmascript') },
      },
    ],
  },
  optimization: {
    minimize: true,
    minimizer: [new TerserPlugin({ terserOptions: { ecma: 2020, compress: { passes: 2 } } })],
  },
  // Sizes are reported by `npm run size` instead of webpack's generic hints.
  performance: { hints: false },
});

export default config;
