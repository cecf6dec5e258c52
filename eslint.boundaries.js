/**
 * The layer boundaries of the tree, held by ESLint's built-in `no-restricted-imports` (no plugin).
 *
 * The folders show the architecture, and these blocks keep it true:
 * - `core/` (the engine) imports nothing outside `core/`: no adapter, plugin, tracker server,
 *   collector, tool or player library;
 * - `adapters/hlsjs` and `adapters/shaka` import `core/` and their own folder only: never each other,
 *   never the other's streaming library, a player library, a plugin or the tracker;
 * - `plugins/shared` imports `core/` and `adapters/`, and no player plugin or player UI library;
 * - a player plugin (`plugins/<player>`) imports `plugins/shared`, its own folder and its own player
 *   library only. `plugins/embed` is the Video.js plugin bundled with Video.js, hls.js and Shaka for
 *   CMS pages: it registers `plugins/videojs`, so embed → videojs is the one plugin-to-plugin edge,
 *   and the three libraries it ships are its own;
 * - `tracker/` (the tracker server and its CLI) is imported only by itself, `test/`, `scripts/` and
 *   `examples/`;
 * - in layered code the package's own name (`p2p-media-loader/...`) is refused: it goes through
 *   dist/ and past every boundary.
 *
 * Why the blocks are generated per depth: the rule sees only the specifier's text, not the file it
 * resolves to. A file `d` folders below the repository root reaches the root with exactly `d` `../`
 * (`core/p2p/swarm/swarm.ts` with `../../../`); fewer stay inside its own top folder. So a pattern
 * for depth `d` says "exactly `d` `../` and then a forbidden folder", which catches every spelling
 * of a crossing and is not fooled by a folder of the same name below (`./tracker-connection.js`, or
 * a future `core/p2p/tracker/`). Flat config replaces a rule's options in each matching block rather
 * than merging them, so every block carries all the restrictions that hold for its files.
 *
 * Not seen by the rule: dynamic `import()`, `import('…')` type queries and non-normalised paths such
 * as `./a/../../core/x`. The tree has none across a boundary (the embed's dynamic `import()` is of
 * Shaka, one of its own libraries).
 */

/** Deepest folder level (below the repository root) that gets boundary blocks; the tree has 4. */
export const MAX_BOUNDARY_DEPTH = 10;

/** Source extensions the boundary blocks apply to. */
const SOURCE_FILES = '*.{ts,tsx,mts,cts,js,mjs,cjs}';

/** Top-level folders that may import the tracker server (its own folder included). */
export const TRACKER_IMPORTERS = ['tracker', 'test', 'scripts', 'examples'];

/**
 * Player and streaming libraries by package name, each with the regex source matching its
 * specifier (the package or one of its subpaths).
 */
export const PLAYER_LIBRARIES = {
  'hls.js': 'hls\\.js',
  'shaka-player': 'shaka-player',
  'video.js': 'video\\.js',
  '@clappr/*': '@clappr/[^/]+',
  mediaelement: 'mediaelement',
  flowplayer: 'flowplayer',
  '@flowplayer/player': '@flowplayer/player',
  jwplayer: 'jwplayer',
};

/**
 * The player plugins (folders of `plugins/`) with what each may import besides `plugins/shared` and
 * its own folder: its own player libraries and, for the embed bundle, the Video.js plugin.
 */
export const PLAYER_PLUGINS = {
  videojs: { libraries: ['video.js'], plugins: [] },
  clappr: { libraries: ['@clappr/*'], plugins: [] },
  mediaelement: { libraries: ['mediaelement'], plugins: [] },
  flowplayer: { libraries: ['flowplayer', '@flowplayer/player'], plugins: [] },
  jwplayer: { libraries: ['jwplayer'], plugins: [] },
  embed: { libraries: ['video.js', 'hls.js', 'shaka-player'], plugins: ['videojs'] },
};

/** The streaming-library adapters (folders of `adapters/`) and the library each wraps. */
export const ADAPTERS = {
  hlsjs: { libraries: ['hls.js'] },
  shaka: { libraries: ['shaka-player'] },
};

/** The messages the boundary rules report, one per boundary (after ESLint's "… is restricted"). */
export const BOUNDARY_MESSAGES = {
  coreOutside:
    'core/ (the engine) imports nothing outside core/: no adapter, plugin, collector or tool (layers: core -> adapters -> plugins).',
  coreLibrary:
    'core/ (the engine) knows no player or streaming library; adapters/ and plugins/ bind them through *Like types.',
  adapterSibling:
    'The streaming-library adapters never import each other: share code through core/.',
  adapterOutside:
    'adapters/<library> imports core/ and its own folder only: no plugin, collector or tool.',
  adapterLibrary:
    "adapters/<library> imports only its own streaming library, never the other adapter's or a player's.",
  sharedPlugin:
    'plugins/shared sits below every player plugin and imports none of them: the plugins build on it.',
  sharedOutside: 'plugins/shared imports core/, adapters/ and its own folder only.',
  sharedLibrary:
    'plugins/shared knows no player UI library: each player plugin adapts its own player to it.',
  pluginOther:
    "A player plugin never imports another player's plugin (only plugins/embed builds on plugins/videojs): shared code lives in plugins/shared.",
  pluginOutside:
    'A player plugin reaches the engine and the adapters only through plugins/shared (types included): re-export what it needs there.',
  pluginLibrary: "A player plugin imports only its own player's library.",
  tracker:
    'tracker/ (the tracker server and its CLI) is imported only by tracker/, test/, scripts/ and examples/.',
  selfReference:
    'Import in-tree modules by relative path: the package name goes through dist/ and past the layer boundaries.',
};

/**
 * Regex source for the relative prefix that climbs exactly `levels` folders (`./` for none), so
 * what follows is a folder `levels` above the importing file.
 *
 * @param {number} levels - how many `../` the prefix holds
 * @returns {string} regex source without anchors
 */
function climb(levels) {
  return levels === 0 ? '\\./' : `(?:\\./)?(?:\\.\\./){${levels}}`;
}

/**
 * Regex source matching a folder name exactly (the name alone or followed by `/`).
 *
 * @param {readonly string[]} names - folder names, plain (no regex characters but `.`)
 * @returns {string} regex source
 */
function folder(names) {
  return `(?:${names.map((name) => name.replaceAll('.', '\\.')).join('|')})(?:/|$)`;
}

/**
 * A `no-restricted-imports` pattern refusing specifiers that start with one of these libraries.
 *
 * @param {readonly (keyof typeof PLAYER_LIBRARIES)[]} names - library names
 * @param {string} message - the report's message
 * @returns {{ regex: string, caseSensitive: boolean, message: string }} the pattern
 */
function librariesPattern(names, message) {
  const sources = names.map((name) => PLAYER_LIBRARIES[name]);
  return { regex: `^(?:${sources.join('|')})(?:/|$)`, caseSensitive: true, message };
}

/**
 * A `no-restricted-imports` pattern from a regex source.
 *
 * @param {string} regex - regex source, anchored by the caller
 * @param {string} message - the report's message
 * @returns {{ regex: string, caseSensitive: boolean, message: string }} the pattern
 */
function pattern(regex, message) {
  return { regex, caseSensitive: true, message };
}

/**
 * The patterns every non-exempt file at this depth gets: the tracker server is off limits.
 *
 * @param {number} depth - folders between the repository root and the file
 * @returns {ReturnType<typeof pattern>[]} patterns
 */
function trackerPatterns(depth) {
  return [
    pattern(`^${climb(depth)}tracker(?:/|$)`, BOUNDARY_MESSAGES.tracker),
    pattern('^p2p-media-loader/tracker(?:/|$)', BOUNDARY_MESSAGES.tracker),
  ];
}

/** The pattern refusing the package's own name in layered code (its tracker subpath has its own). */
const selfReference = pattern(
  '^p2p-media-loader(?!/tracker(?:/|$))(?:/|$)',
  BOUNDARY_MESSAGES.selfReference,
);

/** @type {(keyof typeof PLAYER_LIBRARIES)[]} */
const ALL_LIBRARIES = /** @type {any} */ (Object.keys(PLAYER_LIBRARIES));

/**
 * Patterns for a file of `core/` at this depth.
 *
 * @param {number} depth - folders between the repository root and the file (at least 1)
 * @returns {ReturnType<typeof pattern>[]} patterns
 */
function corePatterns(depth) {
  return [
    pattern(`^${climb(depth)}(?!${folder(['core', 'tracker'])})`, BOUNDARY_MESSAGES.coreOutside),
    librariesPattern(ALL_LIBRARIES, BOUNDARY_MESSAGES.coreLibrary),
    ...trackerPatterns(depth),
    selfReference,
  ];
}

/**
 * Patterns for a file of `adapters/<adapter>/` at this depth.
 *
 * @param {keyof typeof ADAPTERS} adapter - the adapter's folder
 * @param {number} depth - folders between the repository root and the file (at least 2)
 * @returns {ReturnType<typeof pattern>[]} patterns
 */
function adapterPatterns(adapter, depth) {
  const own = ADAPTERS[adapter].libraries;
  return [
    pattern(
      `^${climb(depth - 1)}(?!${folder([adapter])}|\\.\\./)`,
      BOUNDARY_MESSAGES.adapterSibling,
    ),
    pattern(`^${climb(depth)}adapters/(?!${folder([adapter])})`, BOUNDARY_MESSAGES.adapterSibling),
    pattern(
      `^${climb(depth)}(?!${folder(['core', 'adapters', 'tracker'])})`,
      BOUNDARY_MESSAGES.adapterOutside,
    ),
    librariesPattern(
      ALL_LIBRARIES.filter((name) => !own.includes(name)),
      BOUNDARY_MESSAGES.adapterLibrary,
    ),
    ...trackerPatterns(depth),
    selfReference,
  ];
}

/**
 * Patterns for a file of `plugins/shared/` at this depth.
 *
 * @param {number} depth - folders between the repository root and the file (at least 2)
 * @returns {ReturnType<typeof pattern>[]} patterns
 */
function sharedPatterns(depth) {
  return [
    pattern(
      `^${climb(depth - 1)}(?!${folder(['shared'])}|\\.\\./)`,
      BOUNDARY_MESSAGES.sharedPlugin,
    ),
    pattern(`^${climb(depth)}plugins/(?!${folder(['shared'])})`, BOUNDARY_MESSAGES.sharedPlugin),
    pattern(
      `^${climb(depth)}(?!${folder(['core', 'adapters', 'tracker'])}|plugins/)`,
      BOUNDARY_MESSAGES.sharedOutside,
    ),
    librariesPattern(
      ALL_LIBRARIES.filter((name) => name !== 'hls.js' && name !== 'shaka-player'),
      BOUNDARY_MESSAGES.sharedLibrary,
    ),
    ...trackerPatterns(depth),
    selfReference,
  ];
}

/**
 * Patterns for a file of `plugins/<plugin>/` at this depth.
 *
 * @param {keyof typeof PLAYER_PLUGINS} plugin - the player plugin's folder
 * @param {number} depth - folders between the repository root and the file (at least 2)
 * @returns {ReturnType<typeof pattern>[]} patterns
 */
function pluginPatterns(plugin, depth) {
  const { libraries, plugins } = PLAYER_PLUGINS[plugin];
  const reachable = folder(['shared', plugin, ...plugins]);
  return [
    pattern(`^${climb(depth - 1)}(?!${reachable}|\\.\\./)`, BOUNDARY_MESSAGES.pluginOther),
    pattern(`^${climb(depth)}plugins/(?!${reachable})`, BOUNDARY_MESSAGES.pluginOther),
    pattern(`^${climb(depth)}(?!plugins/|${folder(['tracker'])})`, BOUNDARY_MESSAGES.pluginOutside),
    librariesPattern(
      ALL_LIBRARIES.filter((name) => !libraries.includes(name)),
      BOUNDARY_MESSAGES.pluginLibrary,
    ),
    ...trackerPatterns(depth),
    selfReference,
  ];
}

/**
 * One flat-config block per depth below `prefix` (a folder at `baseDepth` below the root).
 *
 * @param {string} name - block name prefix (shown by `eslint --inspect-config`)
 * @param {string} prefix - folder path with a trailing `/`, or `''` for the repository root
 * @param {number} baseDepth - folders in `prefix`
 * @param {(depth: number) => ReturnType<typeof pattern>[]} patternsAt - the patterns for a depth
 * @param {string[]} [ignores] - globs the blocks leave out
 * @returns {import('eslint').Linter.Config[]} blocks
 */
function blocksBelow(name, prefix, baseDepth, patternsAt, ignores) {
  const blocks = [];
  for (let depth = baseDepth; depth <= MAX_BOUNDARY_DEPTH; depth += 1) {
    blocks.push({
      name: `boundaries/${name}/depth-${depth}`,
      files: [`${prefix}${'*/'.repeat(depth - baseDepth)}${SOURCE_FILES}`],
      ...(ignores ? { ignores } : {}),
      rules: { 'no-restricted-imports': ['error', { patterns: patternsAt(depth) }] },
    });
  }
  return blocks;
}

/**
 * The boundary blocks, in order: the tracker restriction for every file outside the folders that may
 * import it, then each layer's blocks, which replace it with their full set for their files.
 *
 * @type {import('eslint').Linter.Config[]}
 */
export const boundaryConfigs = [
  ...blocksBelow(
    'tracker-importers',
    '',
    0,
    trackerPatterns,
    TRACKER_IMPORTERS.map((top) => `${top}/**`),
  ),
  ...blocksBelow('core', 'core/', 1, corePatterns),
  ...Object.keys(ADAPTERS).flatMap((adapter) =>
    blocksBelow(`adapters/${adapter}`, `adapters/${adapter}/`, 2, (depth) =>
      adapterPatterns(/** @type {keyof typeof ADAPTERS} */ (adapter), depth),
    ),
  ),
  ...blocksBelow('plugins/shared', 'plugins/shared/', 2, sharedPatterns),
  ...Object.keys(PLAYER_PLUGINS).flatMap((plugin) =>
    blocksBelow(`plugins/${plugin}`, `plugins/${plugin}/`, 2, (depth) =>
      pluginPatterns(/** @type {keyof typeof PLAYER_PLUGINS} */ (plugin), depth),
    ),
  ),
];
