/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// TypeScript is transformed by SWC (fast, no type-checking: `npm run typecheck` does that with tsc).
// Dependencies that ship ESM only are transformed to CommonJS as well: everything in node_modules
// except these large CommonJS packages, which need no transform.
const untransformedPackages = [
  'playwright-core',
  'typescript',
  '@swc',
  'jest',
  '@jest',
  'jest-.*',
  'esbuild',
];

const transform: Config['transform'] = {
  '^.+\\.(t|j|mj)s$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    },
  ],
};

const shared = {
  transform,
  transformIgnorePatterns: [`/node_modules/(${untransformedPackages.join('|')})/`],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  // bittorrent-tracker and friends publish ESM only (an `import` export condition): the resolver
  // picks their `import` entry points, which SWC then turns into CommonJS.
  resolver: '<rootDir>/test/support/esm-only-resolver.cjs',
};

const config: Config = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
    },
  ],
};

export default config;
