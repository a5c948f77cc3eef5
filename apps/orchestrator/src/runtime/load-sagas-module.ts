import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { type AnySagaDefinition, errorMessage } from '@sagaflow/core';

import { SagasModuleError } from './errors';

/** Longest description of a found value in an error message. */
const MAX_SHOWN = 80;

/** Loads a module by its `file:` URL and returns its namespace. */
export type ModuleImporter = (url: string) => Promise<unknown>;

/** A dynamic `import()`: CommonJS and ES modules alike. */
const importModule: ModuleImporter = (url) => import(url);

/**
 * Loads the saga definitions of a module: `specifier` is resolved like `require` would from
 * `cwd` (a relative or absolute path, or a package name) and imported, so both CommonJS
 * and ES modules work. The module must export `definitions`, a non-empty array of saga
 * definitions (`defineSaga(...).build()`). `load` imports the resolved module's URL; tests
 * pass their own module loader.
 *
 * @throws SagasModuleError naming the variable, the module and what was found instead.
 *
 * @example
 * ```ts
 * const definitions = await loadSagasModule('./dist/sagas.js', process.cwd());
 * ```
 */
export async function loadSagasModule(
  specifier: string,
  cwd: string,
  load: ModuleImporter = importModule,
): Promise<readonly AnySagaDefinition[]> {
  let resolved: string;
  try {
    // A require rooted in cwd resolves relative paths and packages from the process's
    // directory, as the operator who wrote the variable expects.
    resolved = createRequire(join(cwd, 'noop.js')).resolve(specifier);
  } catch (error: unknown) {
    throw new SagasModuleError(specifier, `cannot be resolved from ${cwd}: ${reasonOf(error)}`, {
      cause: error,
    });
  }
  let moduleExports: unknown;
  try {
    moduleExports = await load(pathToFileURL(resolved).href);
  } catch (error: unknown) {
    throw new SagasModuleError(specifier, `${resolved} failed to load: ${reasonOf(error)}`, {
      cause: error,
    });
  }
  return definitionsFromModule(specifier, moduleExports);
}

/**
 * The `definitions` export of a loaded module (also found under `default`, as CommonJS
 * modules imported from ES code have it), checked to be a non-empty list of definitions.
 *
 * @throws SagasModuleError saying what the module exports instead.
 */
export function definitionsFromModule(
  specifier: string,
  moduleExports: unknown,
): readonly AnySagaDefinition[] {
  const found = exportNamed(moduleExports, 'definitions');
  if (found === undefined) {
    throw new SagasModuleError(
      specifier,
      `the module must export 'definitions' (an array of saga definitions); it exports ${describeExports(moduleExports)}`,
    );
  }
  if (!Array.isArray(found)) {
    throw new SagasModuleError(
      specifier,
      `'definitions' must be an array of saga definitions; found ${describe(found)}`,
    );
  }
  const items: readonly unknown[] = found;
  if (items.length === 0) {
    throw new SagasModuleError(specifier, `'definitions' is an empty array`);
  }
  const bad = items.findIndex((item) => !isDefinition(item));
  if (bad >= 0) {
    throw new SagasModuleError(
      specifier,
      `'definitions[${bad}]' is not a saga definition (build it with defineSaga(...).build()); found ${describe(items[bad])}`,
    );
  }
  return items as readonly AnySagaDefinition[];
}

/**
 * An error's message on one line, without the require stack Node appends to a failed
 * resolution; the other lines are kept (a module's own error, such as a configuration
 * error listing several variables, may need them).
 */
function reasonOf(error: unknown): string {
  const message = errorMessage(error);
  const [withoutStack = message] = message.split('\nRequire stack:', 1);
  return withoutStack.replace(/\s*\n\s*/g, ' ');
}

function exportNamed(moduleExports: unknown, name: string): unknown {
  if (!isObject(moduleExports)) return undefined;
  if (name in moduleExports) return moduleExports[name];
  const fallback = moduleExports.default;
  return isObject(fallback) && name in fallback ? fallback[name] : undefined;
}

/** A compiled definition: what the registry and the engine rely on. */
function isDefinition(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    typeof value.version === 'number' &&
    Array.isArray(value.nodes) &&
    value.steps instanceof Map
  );
}

function describeExports(moduleExports: unknown): string {
  if (!isObject(moduleExports)) return describe(moduleExports);
  const names = Object.keys(moduleExports).filter((name) => name !== '__esModule');
  const fallback = moduleExports.default;
  const defaultNames = isObject(fallback) && !Array.isArray(fallback) ? Object.keys(fallback) : [];
  const all = [...new Set([...names, ...defaultNames.map((n) => `default.${n}`)])];
  return all.length === 0 ? 'nothing' : all.map((n) => `'${n}'`).join(', ');
}

function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `a string ${clip(JSON.stringify(value))}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${clip(String(value))}`;
    case 'symbol':
      return `a symbol ${clip(value.toString())}`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    default:
      if (!isObject(value)) return 'null';
      if (Array.isArray(value)) return `an array of ${value.length}`;
      return `an object with keys ${clip(Object.keys(value).join(', '))}`;
  }
}

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
