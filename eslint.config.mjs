// Type-aware lint for the whole workspace. Module boundaries (which lib may import
// which, and which packages the pure libs may never touch) are enforced here.
import eslint from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Packages that do I/O: never allowed in the pure libs (core, messaging). */
const ioPackages = [
  'kafkajs',
  'typeorm',
  'mysql2',
  'ioredis',
  'bullmq',
  'winston',
  'prom-client',
  'fastify',
  'node:*',
  ...[
    'fs',
    'fs/promises',
    'path',
    'os',
    'net',
    'http',
    'https',
    'crypto',
    'child_process',
    'worker_threads',
    'timers',
    'timers/promises',
    'process',
    'stream',
    'events',
    'util',
  ],
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '.nx/**',
      'infra/.local/**',
      '**/*.cjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@nx': nx, 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/only-throw-error': 'error',
      // False positives on classes declared by libraries as classes-with-interfaces
      // (TypeORM's EntitySchema options, winston transports).
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allowCircularSelfDependency: false,
          banTransitiveDependencies: false,
          checkDynamicDependenciesExceptions: [],
          depConstraints: [
            {
              sourceTag: 'type:pure',
              onlyDependOnLibsWithTags: ['type:pure'],
              bannedExternalImports: ioPackages,
            },
            {
              sourceTag: 'type:util',
              onlyDependOnLibsWithTags: ['type:pure'],
              bannedExternalImports: ioPackages,
            },
            {
              sourceTag: 'type:observability',
              onlyDependOnLibsWithTags: ['type:pure', 'type:util'],
            },
            {
              sourceTag: 'type:adapter',
              onlyDependOnLibsWithTags: [
                'type:pure',
                'type:util',
                'type:observability',
                'type:adapter',
              ],
            },
            {
              sourceTag: 'type:sdk',
              onlyDependOnLibsWithTags: [
                'type:pure',
                'type:util',
                'type:observability',
                'type:adapter',
              ],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:pure',
                'type:util',
                'type:observability',
                'type:adapter',
                'type:sdk',
              ],
            },
            {
              // The tools that run the apps (the local stack: demo, benchmark, chaos run) may
              // use them; nothing depends on a tool, so none ships in an app. (Nx forbids
              // importing an app project outright: @sagaflow/examples, which the stack and the
              // tests import, declares itself a library; its tag keeps the other projects away.)
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: [
                'type:pure',
                'type:util',
                'type:observability',
                'type:adapter',
                'type:sdk',
                'type:app',
              ],
            },
            {
              // The CLI talks to the orchestrator over HTTP only: no adapter, no runtime.
              sourceTag: 'scope:cli',
              onlyDependOnLibsWithTags: ['type:pure'],
            },
            {
              // The dashboard runs in the browser and talks to the orchestrator over HTTP only;
              // it takes the pure model's types (and nothing else: see the rule below).
              sourceTag: 'scope:dashboard',
              onlyDependOnLibsWithTags: ['type:pure'],
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard's bundle holds no library of this repository: their types only.
    files: ['apps/dashboard/**/*.ts', 'apps/dashboard/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@sagaflow/*'],
              allowTypeImports: true,
              message: 'The dashboard bundles no library of this repository: import types only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Pure libs: no Node built-ins even through globals-free imports.
    files: ['libs/core/**/*.ts', 'libs/messaging/**/*.ts', 'libs/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', ...ioPackages.filter((p) => p !== 'node:*')],
              message:
                'core, messaging and config are pure: no I/O packages and no Node built-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
