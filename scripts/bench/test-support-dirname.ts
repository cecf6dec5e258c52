/**
 * Lets the bench load test/support modules that read `__dirname`. Those modules are written for
 * Jest, which runs them as CommonJS where every module has its own `__dirname`; the bench runs as
 * ES modules under tsx, where the name does not exist and `firefox.ts` (the BiDi relay next to it)
 * and `jwplayer-page.ts` (the vendor folder beside the repository) throw a ReferenceError. An ES
 * module that finds no local binding reads the global object, so this module, imported before
 * them, defines `__dirname` there as their folder, test/support. Only the bench's process sees it
 * (a CommonJS module's own `__dirname` shadows it).
 *
 * Import it first, for its side effect, in every bench module that imports one of them. Remove it
 * once test/support derives its folder in a way both module systems accept.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the test/support modules, as they expect `__dirname` to be. */
export const TEST_SUPPORT_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/support',
);

const global = globalThis as { __dirname?: string };
global.__dirname ??= TEST_SUPPORT_DIR;
