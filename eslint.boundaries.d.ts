/**
 * Types of eslint.boundaries.js (the layer boundaries of the tree as `no-restricted-imports`
 * blocks), for the TypeScript that imports it: the lint config's unit test.
 */
import type { Linter } from 'eslint';

/** Deepest folder level (below the repository root) that gets boundary blocks. */
export declare const MAX_BOUNDARY_DEPTH: number;
/** Top-level folders that may import the tracker server (its own folder included). */
export declare const TRACKER_IMPORTERS: readonly string[];
/** Player and streaming libraries by package name, with the regex source matching a specifier. */
export declare const PLAYER_LIBRARIES: Readonly<Record<string, string>>;
/** Each player plugin's own libraries and the plugin folders it may import besides shared. */
export declare const PLAYER_PLUGINS: Readonly<
  Record<string, { readonly libraries: readonly string[]; readonly plugins: readonly string[] }>
>;
/** Each streaming-library adapter and the library it wraps. */
export declare const ADAPTERS: Readonly<Record<string, { readonly libraries: readonly string[] }>>;
/** The message each boundary reports. */
export declare const BOUNDARY_MESSAGES: {
  readonly coreOutside: string;
  readonly coreLibrary: string;
  readonly adapterSibling: string;
  readonly adapterOutside: string;
  readonly adapterLibrary: string;
  readonly sharedPlugin: string;
  readonly sharedOutside: string;
  readonly sharedLibrary: string;
  readonly pluginOther: string;
  readonly pluginOutside: string;
  readonly pluginLibrary: string;
  readonly tracker: string;
  readonly selfReference: string;
};
/** The boundary blocks eslint.config.js appends to its configuration. */
export declare const boundaryConfigs: Linter.Config[];
