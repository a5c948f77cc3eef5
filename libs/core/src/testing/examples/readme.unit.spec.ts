// The README's code blocks must be the example files, unchanged. This spec reads both from
// disk; core ships pure code, so its compilation has no Node types and its lint bans Node
// built-ins. This test, which is never built, declares the two functions it needs.
declare const require: (id: 'node:fs') => {
  readFileSync(path: string, encoding: 'utf8'): string;
  readdirSync(path: string): string[];
};
declare const __dirname: string;
const { readFileSync, readdirSync } = require('node:fs');

const LIB_ROOT = `${__dirname}/../../..`;
const MARKER = /<!-- file: (\S+) -->\n\n```ts\n([\s\S]*?)```\n/g;

/** The examples import core relatively (a lib may not import itself); the README by name. */
function asReadmeShowsIt(source: string): string {
  return source
    .replaceAll("from '../../index'", "from '@sagaflow/core'")
    .replaceAll("from '../index'", "from '@sagaflow/core/testing'");
}

describe('README', () => {
  const readme = readFileSync(`${LIB_ROOT}/README.md`, 'utf8');
  const blocks = [...readme.matchAll(MARKER)].map(([, file, code]) => ({ file, code }));

  it('marks every TypeScript block with the file it shows', () => {
    expect(readme.match(/```ts\n/g)?.length).toBe(blocks.length);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks)('shows $file unchanged', ({ file, code }) => {
    expect(code).toBe(asReadmeShowsIt(readFileSync(`${LIB_ROOT}/${file ?? ''}`, 'utf8')));
  });

  it('shows every example file', () => {
    const examples = readdirSync(__dirname)
      .filter((name) => name !== 'readme.unit.spec.ts')
      .map((name) => `src/testing/examples/${name}`);
    expect(blocks.map((b) => b.file).sort()).toEqual(examples.sort());
  });
});
