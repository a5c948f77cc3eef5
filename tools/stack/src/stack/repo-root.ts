import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { StackError, StackErrorCode } from './stack-error';

/**
 * The workspace root above `from`: the first directory whose `package.json` declares npm
 * `workspaces`. The same answer from the sources (`tools/stack/src/stack`) and from the
 * build (`tools/stack/dist/stack`).
 */
export function findRepoRoot(from: string): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
      if (parsed.workspaces !== undefined) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new StackError(StackErrorCode.NotBuilt, `no npm workspace root above ${from}`);
    }
    dir = parent;
  }
}
