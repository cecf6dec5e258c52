/**
 * Production bundles for `<script>` users, written to dist/umd/ (the ESM build is plain `tsc`).
 * Two kinds of configuration:
 * - the UMD rows ({@link UMD_BUNDLES}): one file and one global each, players kept external (pages
 *   load their own hls.js, Shaka, Video.js...); adding a player adapter or plugin means adding a row;
 * - the embed bundle ({@link EMBED_BUNDLE}): the CMS snippet, which carries Video.js, hls.js and the
 *   engine itself and loads Shaka as a separate chunk only when a page shows a DASH source.
 * Run: `npm run build:umd` (loads this file through tsx); `--env only=<part of a file name>` builds
 * the matching bundles only and leaves every other file in dist/umd alone.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import TerserPlugin from 'terser-webpack-plugin';
import type { Configuration, EntryObject } from 'webpack';

const rootDir = path.dirname(fileURLToPath(import.meta.url));
const outputDir = path.join(rootDir, 'dist', 'umd');

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
    entry: './adapters/hlsjs/index.ts',
    globalName: ['p2pml', 'hlsjs'],
  },
  {
    file: 'p2p-media-loader-shaka',
    entry: './adapters/shaka/index.ts',
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
 * The CMS embed snippet: one script with everything but Shaka. Its on-demand chunks are named
 * `<file>.<chunk>.<hash>.min.js` so they sit next to it and share its prefix (see `isEmbedFile`).
 */
const EMBED_BUNDLE: UmdBundle = {
  file: 'p2p-media-loader-embed',
  entry: './plugins/embed/index.ts',
  globalName: ['p2pml', 'embed'],
};

/**
 * Players the UMD rows use but never include: users load them with their own script tag. Keys are
 * the import specifiers; `root` is the player's global.
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

/**
 * Shaka's Closure-compiled DASH build, the one the embed loads on demand: already minified and
 * transpiled (ES5 with polyfills), so it skips parsing, SWC and Terser (saving ~30 s per build).
 */
const SHAKA_DASH_BUILD = /shaka-player[\\/]dist[\\/]shaka-player\.dash\.js$/;

/** Whether a UMD bundle's file name matches `--env only=...` (every bundle when undefined). */
function selected(bundle: UmdBundle, only: string | undefined): boolean {
  return only === undefined || bundle.file.includes(only);
}

/** Entries of the UMD rows selected by `only`. */
function umdEntries(only: string | undefined): EntryObject {
  const entryObject: EntryObject = {};
  for (const bundle of UMD_BUNDLES) {
    if (!selected(bundle, only)) continue;
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

/** True for files in dist/umd written by the embed configuration (bundle, chunks, maps, licenses). */
function isEmbedFile(file: string): boolean {
  return path.basename(file).startsWith(EMBED_BUNDLE.file);
}

/** `--env only=<part of a file name>` builds only matching bundles (and keeps the others' files). */
interface BuildEnv {
  readonly only?: string;
}

/** What every configuration shares: sources, dependency lowering, minification. */
function baseConfig(): Configuration {
  return {
    mode: 'production',
    context: rootDir,
    target: ['web', TARGET_ES],
    devtool: 'source-map',
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
          exclude: SHAKA_DASH_BUILD,
          use: { loader: 'swc-loader', options: swcOptions('ecmascript') },
        },
      ],
    },
    optimization: {
      minimize: true,
      minimizer: [
        new TerserPlugin({
          exclude: /\.shaka\./,
          terserOptions: { ecma: 2020, compress: { passes: 2 } },
        }),
      ],
    },
    // Sizes are reported by `npm run size` instead of webpack's generic hints.
    performance: { hints: false },
  };
}

/** The UMD rows (players external). */
function umdConfig(env: BuildEnv): Configuration {
  const base = baseConfig();
  return {
    ...base,
    name: 'umd',
    entry: umdEntries(env.only),
    output: {
      path: outputDir,
      filename: '[name].min.js',
      // `globalThis` rather than `self`/`window` so the bundles also load in workers.
      globalObject: 'globalThis',
      // A full build starts from an empty folder, except for the embed configuration's files,
      // which that configuration writes (and cleans) itself, possibly at the same time.
      clean: env.only === undefined ? { keep: isEmbedFile } : false,
    },
    externals: PLAYER_EXTERNALS,
  };
}

/**
 * The embed bundle: Video.js (its core build: hls.js and Shaka replace Video.js's own streaming
 * engine, ~400 KB min less), hls.js, the engine, the Video.js plugin and the overlay in one file;
 * Video.js's stylesheet inside as text (injected on load, so users add one script tag); Shaka as
 * an on-demand chunk fetched from next to the script (`publicPath: 'auto'` reads the script's
 * own URL), so HLS-only pages never download it.
 */
function embedConfig(): Configuration {
  const base = baseConfig();
  return {
    ...base,
    name: 'embed',
    entry: {
      [EMBED_BUNDLE.file]: {
        import: EMBED_BUNDLE.entry,
        library: { name: [...EMBED_BUNDLE.globalName], type: 'umd', umdNamedDefine: false },
      },
    },
    output: {
      path: outputDir,
      filename: '[name].min.js',
      chunkFilename: `${EMBED_BUNDLE.file}.[name].[contenthash:8].min.js`,
      publicPath: 'auto',
      // Its own name, so the embed's chunks never mix with another webpack bundle on the page.
      chunkLoadingGlobal: 'p2pmlEmbedChunks',
      globalObject: 'globalThis',
      // Removes stale chunks of earlier embed builds only; the UMD rows' files stay.
      clean: { keep: (file: string) => !isEmbedFile(file) },
    },
    resolve: {
      ...base.resolve,
      alias: {
        ...(base.resolve?.alias as Record<string, string>),
        'video.js$': path.join(rootDir, 'node_modules', 'video.js', 'dist', 'alt', 'video.core.js'),
      },
    },
    module: {
      ...base.module,
      // The Closure build is one function: nothing for webpack to find in it.
      noParse: SHAKA_DASH_BUILD,
      rules: [
        ...(base.module?.rules ?? []),
        // Stylesheets are imported as text and injected by the bundle (plugins/embed/embed-styles.ts).
        { test: /\.css$/, type: 'asset/source' },
      ],
    },
  };
}

const config = (env: BuildEnv = {}): Configuration[] => {
  const configs: Configuration[] = [];
  if (UMD_BUNDLES.some((bundle) => selected(bundle, env.only))) configs.push(umdConfig(env));
  if (selected(EMBED_BUNDLE, env.only)) configs.push(embedConfig());
  if (configs.length === 0) {
    throw new Error(`--env only=${env.only ?? ''} matches no bundle file name`);
  }
  return configs;
};

export default config;
