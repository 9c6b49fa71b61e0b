// Jest runs TypeScript as native ESM (node --experimental-vm-modules), so ESM-only packages such as
// @hubspot/ui-extensions load as they do in production. Type checking is `npm run typecheck`'s job;
// ts-jest only transpiles here, which keeps the suite fast. The deal card (extensions/hubspot) compiles with
// its own tsconfig (JSX, bundler resolution); the first transform that matches a file wins.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '/extensions/hubspot/.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'extensions/hubspot/tsconfig.json' }],
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: [
    '<rootDir>/src/**/*.test.ts',
    '<rootDir>/functions/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
    '<rootDir>/extensions/hubspot/src/**/*.test.{ts,tsx}',
  ],
  testPathIgnorePatterns: ['/node_modules/'],
  watchman: false,
};
