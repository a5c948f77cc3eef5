#!/usr/bin/env node
// The coverage gate of the libraries: merges the coverage of every test tier that ran
// (`coverage-final.json` files, one per tier), groups it by library — the runtime code on
// one side, its `testing/` kits and in-memory adapters on the other — and fails when a
// group's line or branch coverage is under its threshold in coverage-thresholds.json.
// Every source file with code counts, loaded by a test or not (jest's `collectCoverageFrom`);
// modules of types only have nothing to run and are left out.
//
//   node scripts/check-coverage.cjs <coverage-final.json>...
'use strict';

const { readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { createCoverageMap } = require('istanbul-lib-coverage');

const ts = require('typescript');

const ROOT = join(__dirname, '..');
const THRESHOLDS = JSON.parse(readFileSync(join(ROOT, 'coverage-thresholds.json'), 'utf8'));

/** The group of a source file: `core`, or `core (testing)` for kits and in-memory adapters. */
function groupOf(file) {
  const path = relative(ROOT, file).split('\\').join('/');
  const match = /^libs\/([^/]+)\/src\/(.*)$/.exec(path);
  if (match === null) return null;
  const [, lib, inside] = match;
  const testing = inside.startsWith('testing/') || /(^|\/)in-memory-[^/]*$/.test(inside);
  return testing ? `${lib} (testing)` : lib;
}

/**
 * True for a module with no code at run time — only types, interfaces and type re-exports —
 * which no test can run (jest counts its lines as uncovered when nothing loads it).
 */
function typeOnly(file) {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const code = outputText
    .replace(/^"use strict";$/m, '')
    .replace(/^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/m, '')
    .replace(/\/\/# sourceMappingURL=.*$/m, '')
    .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  return code.trim() === '';
}

function main(files) {
  if (files.length === 0) {
    console.error('usage: check-coverage.cjs <coverage-final.json>...');
    return 2;
  }
  const map = createCoverageMap({});
  for (const file of files) map.merge(JSON.parse(readFileSync(file, 'utf8')));

  const groups = new Map();
  for (const file of map.files()) {
    const group = groupOf(file);
    if (group === null || typeOnly(file)) continue;
    const summary = groups.get(group) ?? createCoverageMap({}).getCoverageSummary();
    summary.merge(map.fileCoverageFor(file).toSummary());
    groups.set(group, summary);
  }

  const failures = [];
  const rows = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  console.log('coverage by library (unit and int tiers merged; every source file counted):');
  console.log(`  ${'library'.padEnd(26)} ${'lines'.padStart(8)} ${'branches'.padStart(9)}   gate`);
  for (const [group, summary] of rows) {
    const threshold = THRESHOLDS[group];
    const lines = summary.lines.pct;
    const branches = summary.branches.pct;
    const gate = threshold === undefined ? 'none' : `${threshold.lines} / ${threshold.branches}`;
    console.log(
      `  ${group.padEnd(26)} ${`${lines.toFixed(1)}%`.padStart(8)} ${`${branches.toFixed(1)}%`.padStart(9)}   ${gate}`,
    );
    if (threshold === undefined) {
      failures.push(`${group}: no threshold in coverage-thresholds.json`);
      continue;
    }
    if (lines < threshold.lines) failures.push(`${group}: lines ${lines}% < ${threshold.lines}%`);
    if (branches < threshold.branches) {
      failures.push(`${group}: branches ${branches}% < ${threshold.branches}%`);
    }
  }
  for (const group of Object.keys(THRESHOLDS)) {
    if (!groups.has(group)) failures.push(`${group}: has a threshold but no coverage was measured`);
  }
  if (failures.length > 0) {
    console.error(`coverage gate failed:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  console.log('coverage gate: every library at or above its thresholds');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
