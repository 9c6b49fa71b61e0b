// Jest runs TypeScript as native ESM (node --experimental-vm-modules), so ESM-only packages such as
// @hubspot/ui-extensions load as they do in production. Type checking is `npm run typecheck`'s job;
// ts-jest only transpiles here, which keeps the suite fast. tsconfig.jest.json adds JSX for the deal card's
// tests (the card's own tsconfig, extensions/hubspot/tsconfig.json, is for `npm run typecheck`).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json' }],
  },
  testMatch: [
    '<rootDir>/src/**/*.test.ts',
    '<rootDir>/functions/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
    '<rootDir>/extensions/hubspot/src/**/*.test.{ts,tsx}',
  ],
  testPathIgnorePatterns: ['/node_modules/'],
  // Throw-away copies of the HubSpot project that the offline checks build.
  modulePathIgnorePatterns: ['<rootDir>/test-artifacts/'],
  watchman: false,
};
