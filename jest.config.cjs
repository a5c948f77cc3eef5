// Three test tiers, one jest project each (README, _Development_):
//   unit — *.unit.spec.ts: pure code, no services, milliseconds;
//   int  — *.int.spec.ts:  one adapter against the real service (Kafka, MariaDB, Redis);
//   e2e  — *.e2e.spec.ts:  several processes over Kafka.
// Sources are transformed by swc (type checking is `nx run-many -t typecheck`), and the
// workspace libs resolve to their TypeScript sources through the "@sagaflow/source"
// export condition, so tests never need a prior build.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@sagaflow/source', 'node', 'node-addons'] },
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.unit.spec.ts'],
    },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/**/*.int.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/int-timeout.cjs'],
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/**/*.e2e.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeout.cjs'],
      slowTestThreshold: 120,
    },
  ],
  // Coverage is measured for the libraries, over every source file whether a test loads it
  // or not (type-only modules have no statements: they neither help nor hurt). The gate is
  // scripts/check-coverage.cjs, over the unit and int tiers merged (scripts/verify.sh).
  coverageProvider: 'v8',
  collectCoverageFrom: ['libs/*/src/**/*.ts', '!**/*.spec.ts', '!**/__fixtures__/**'],
};
