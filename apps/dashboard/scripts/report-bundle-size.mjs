// Prints the gzipped size of every file of the production build and their sum, and fails
// (exit 1) when the sum is over the budget: `node scripts/report-bundle-size.mjs <dir> <kB>`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { gzipSync } from 'node:zlib';

const [dir = 'dist', budgetArg = '500'] = process.argv.slice(2);
const budgetBytes = Number(budgetArg) * 1000;

function filesOf(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesOf(path) : [path];
  });
}

const sizes = filesOf(dir)
  .filter((path) => /\.(js|css|html|svg|json)$/.test(path))
  .map((path) => {
    const content = readFileSync(path);
    return {
      path: relative(dir, path),
      raw: content.length,
      gzip: gzipSync(content, { level: 9 }).length,
    };
  })
  .sort((a, b) => b.gzip - a.gzip);
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
for (const { path, raw, gzip } of sizes) {
  process.stdout.write(`  ${path}: ${kB(raw)}, ${kB(gzip)} gzipped\n`);
}
const total = sizes.reduce((sum, { gzip }) => sum + gzip, 0);
process.stdout.write(`dashboard bundle: ${kB(total)} gzipped (budget ${kB(budgetBytes)})\n`);
if (total > budgetBytes) {
  process.stderr.write(`the dashboard bundle is over its budget by ${kB(total - budgetBytes)}\n`);
  process.exit(1);
}
