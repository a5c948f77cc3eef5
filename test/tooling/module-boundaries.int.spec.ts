// Proves that lint enforces the dependency rules between projects (their tags'
// `depConstraints` in eslint.config.mjs): temporary files that break them are linted with
// the workspace's ESLint config and must fail with the boundary rules; an allowed import
// must lint clean. The probes are always removed.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

import type { ESLint, Linter } from 'eslint';

const root = join(__dirname, '..', '..');
// Unique per run: a crashed run never leaves a file another run (or engineer) trips on.
const id = randomUUID().slice(0, 8);

const probes = {
  coreImportsIo: {
    path: join(root, `libs/core/src/__boundary-probe-${id}__.ts`),
    code: [
      "import { Kafka } from 'kafkajs';",
      "import { readFileSync } from 'node:fs';",
      "import { createDataSource } from '@sagaflow/mysql';",
      '',
      'export const probe = [Kafka, readFileSync, createDataSource];',
      '',
    ].join('\n'),
  },
  configImportsIo: {
    path: join(root, `libs/config/src/__boundary-probe-${id}__.ts`),
    code: ["import { Redis } from 'ioredis';", '', 'export const probe = Redis;', ''].join('\n'),
  },
  adapterImportsApp: {
    path: join(root, `libs/kafka/src/__boundary-probe-${id}__.ts`),
    code: [
      "import { loadOrchestratorConfig } from '@sagaflow/orchestrator';",
      '',
      'export const probe = loadOrchestratorConfig;',
      '',
    ].join('\n'),
  },
  cliImportsAdapter: {
    path: join(root, `apps/cli/src/__boundary-probe-${id}__.ts`),
    code: [
      "import { createDataSource } from '@sagaflow/mysql';",
      '',
      'export const probe = createDataSource;',
      '',
    ].join('\n'),
  },
  examplesImportsStack: {
    path: join(root, `apps/examples/src/__boundary-probe-${id}__.ts`),
    code: [
      "import { startStack } from '@sagaflow/stack';",
      '',
      'export const probe = startStack;',
      '',
    ].join('\n'),
  },
  stackImportsExamples: {
    path: join(root, `tools/stack/src/__boundary-probe-allowed-${id}__.ts`),
    code: [
      "import { placeOrderSaga } from '@sagaflow/examples';",
      '',
      'export const probe = placeOrderSaga;',
      '',
    ].join('\n'),
  },
  adapterImportsCore: {
    path: join(root, `libs/kafka/src/__boundary-probe-allowed-${id}__.ts`),
    code: [
      "import { SagaflowError } from '@sagaflow/core';",
      "import { Kafka } from 'kafkajs';",
      '',
      'export const probe = [SagaflowError, Kafka];',
      '',
    ].join('\n'),
  },
} as const;

type ProbeName = keyof typeof probes;

/**
 * Runs the `ESLint` class (repository root as cwd, the workspace's eslint.config.mjs) in a
 * child Node process: ESLint loads its ESM config with a dynamic `import()`, which jest's
 * module sandbox refuses.
 */
async function lint(files: readonly string[]): Promise<ESLint.LintResult[]> {
  const script = [
    "const { ESLint } = require('eslint');",
    'new ESLint({ cwd: process.cwd() })',
    '  .lintFiles(process.argv.slice(1))',
    '  .then((results) => process.stdout.write(JSON.stringify(results)))',
    '  .catch((error) => { console.error(error); process.exitCode = 2; });',
  ].join('\n');
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, ...files], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ESLint.LintResult[];
}

function removeProbes(): void {
  for (const { path } of Object.values(probes)) rmSync(path, { force: true });
}

describe('module boundaries', () => {
  const results = new Map<ProbeName, Linter.LintMessage[]>();
  const messages = (name: ProbeName): Linter.LintMessage[] => results.get(name) ?? [];
  const rules = (name: ProbeName): (string | null)[] => messages(name).map((m) => m.ruleId);

  beforeAll(async () => {
    try {
      for (const { path, code } of Object.values(probes)) writeFileSync(path, code);
      const lintResults = await lint(Object.values(probes).map((p) => p.path));
      for (const [name, { path }] of Object.entries(probes) as [ProbeName, { path: string }][]) {
        const result = lintResults.find((r) => r.filePath === path);
        if (result === undefined)
          throw new Error(`ESLint returned nothing for ${relative(root, path)}`);
        results.set(name, result.messages);
      }
    } finally {
      removeProbes();
    }
  }, 120_000);

  afterAll(removeProbes);

  it('core may not import an I/O package, a Node built-in or an adapter', () => {
    const boundary = messages('coreImportsIo').filter(
      (m) => m.ruleId === '@nx/enforce-module-boundaries',
    );
    const restricted = messages('coreImportsIo').filter(
      (m) => m.ruleId === 'no-restricted-imports',
    );
    // Nx refuses the banned package (line 1) and the adapter lib (line 3); Node built-ins
    // are not packages of the project graph, so the pure-lib import restriction refuses
    // them (line 2), and kafkajs (line 1) again.
    expect(boundary.map((m) => m.line).sort()).toEqual([1, 3]);
    expect(boundary.find((m) => m.line === 1)?.message).toContain('kafkajs');
    // For an adapter that itself depends on core, Nx reports the cycle before the tags.
    expect(boundary.find((m) => m.line === 3)?.message).toMatch(
      /can only depend on libs tagged with .*type:pure|Circular dependency/,
    );
    expect(restricted.map((m) => m.line).sort()).toEqual([1, 2]);
    expect(restricted.every((m) => m.message.includes('core, messaging and config are pure'))).toBe(
      true,
    );
    expect([...boundary, ...restricted].every((m) => m.severity === 2)).toBe(true);
  });

  it('config (pure) may not import an I/O package', () => {
    expect(rules('configImportsIo').sort()).toEqual([
      '@nx/enforce-module-boundaries',
      'no-restricted-imports',
    ]);
  });

  it('an adapter may not import an app', () => {
    const boundary = messages('adapterImportsApp').filter(
      (m) => m.ruleId === '@nx/enforce-module-boundaries',
    );
    expect(boundary).toHaveLength(1);
    expect(boundary[0]?.severity).toBe(2);
    // Every app depends on the adapters, so Nx may report the cycle such an import would
    // create before the app-import rule itself; either way the import is an error.
    expect(boundary[0]?.message).toMatch(/^Imports of apps are forbidden|^Circular dependency/);
  });

  it('the CLI may not import an adapter: it talks to the orchestrator over HTTP', () => {
    const boundary = messages('cliImportsAdapter').filter(
      (m) => m.ruleId === '@nx/enforce-module-boundaries',
    );
    expect(boundary).toHaveLength(1);
    expect(boundary[0]?.severity).toBe(2);
    expect(boundary[0]?.message).toMatch(/tagged with "scope:cli".*type:pure/);
  });

  it('no app may import the local stack: it is a tool that runs them', () => {
    const boundary = messages('examplesImportsStack').filter(
      (m) => m.ruleId === '@nx/enforce-module-boundaries',
    );
    expect(boundary).toHaveLength(1);
    expect(boundary[0]?.severity).toBe(2);
    // The stack depends on the examples, so Nx may report the cycle first.
    expect(boundary[0]?.message).toMatch(
      /tagged with "type:app".*can only depend|^Imports of apps are forbidden|^Circular dependency/,
    );
  });

  it('the local stack may import the examples it runs', () => {
    expect(messages('stackImportsExamples')).toEqual([]);
  });

  it('an adapter may import core and its client library', () => {
    expect(messages('adapterImportsCore')).toEqual([]);
  });

  it('leaves no probe behind', () => {
    for (const { path } of Object.values(probes)) expect(existsSync(path)).toBe(false);
  });
});
