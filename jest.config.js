/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Type checking is its own test (__tests__/typecheck.test.ts); here ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  collectCoverage: true,
  // index.ts files (and lib/alloy/internal.ts) only re-export (DESIGN.md), and their compiled helpers are not our code
  collectCoverageFrom: ['lib/**/*.ts', '!lib/**/index.ts', '!lib/alloy/internal.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 90, branches: 90, functions: 90, statements: 90 } },
  testTimeout: 120000,
  // one worker per core: jest's default leaves one core idle, and the heaviest tests
  // (TypeDoc, tsc, npm pack) wait on child processes anyway
  maxWorkers: '100%',
};
