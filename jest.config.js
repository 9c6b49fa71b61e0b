// Jest runs TypeScript as native ESM (node --experimental-vm-modules), so ESM-only packages such as
// @hubspot/ui-extensions load as they do in production. Type checking is `npm run typecheck`'s job;
// ts-jest only transpiles here, which keeps the suite fast.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/functions/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  watchman: false,
};
