/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// TypeScript is transformed by SWC (fast, no type-checking: `npm run typecheck` does that with tsc).
// Some runtime dependencies ship ESM only; they are transformed to CommonJS as well.
const esmOnlyPackages = [
  'bittorrent-tracker',
  '@thaunknown',
  'uint8-util',
  'bencode',
  'bittorrent-peerid',
  'compact2string',
  'string2compact',
  'cross-fetch-ponyfill',
  'webrtc-polyfill',
  'streamx',
  'unordered-array-remove',
  'random-iterate',
  'lru',
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
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
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
