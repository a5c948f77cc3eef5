// The libraries as a user gets them: each built lib is packed with `npm pack`, the tarballs
// are installed with the clients the user brings (the peer dependencies) into a new project
// outside this workspace, with a plain tsconfig (no custom export condition), and that
// project type-checks and runs a saga spec and a participant handler test
// (test/tooling/fresh-project/src) on node:test.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const LIBS = join(ROOT, 'libs');
/** How long packing, installing, compiling and running may take. */
const TIMEOUT_MS = 600_000;

interface LibManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly files?: readonly string[];
  readonly exports: Readonly<Record<string, unknown>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

function manifestOf(dir: string): LibManifest {
  return JSON.parse(readFileSync(join(LIBS, dir, 'package.json'), 'utf8')) as LibManifest;
}

/** The version of a package installed in this workspace: what the npm cache holds. */
function workspaceVersion(name: string): string {
  const manifest = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

const libDirs = readdirSync(LIBS).filter((dir) => existsSync(join(LIBS, dir, 'package.json')));
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sagaflow-fresh-project-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the libraries, packed and installed in a project outside the workspace', () => {
  it('declares every lib publishable: a version, files, exports for types, import and require', () => {
    for (const dir of libDirs) {
      const manifest = manifestOf(dir);
      expect({ name: manifest.name, private: manifest.private }).toEqual({
        name: expect.stringMatching(/^@sagaflow\//) as unknown,
        private: undefined,
      });
      expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(manifest.files).toContain('dist');
      expect(manifest.exports['.']).toMatchObject({
        types: './dist/index.d.ts',
        import: './dist/index.js',
        require: './dist/index.js',
      });
    }
  });

  it(
    'type-checks and runs a saga spec and a participant handler test with a plain tsconfig',
    async () => {
      for (const dir of libDirs) {
        if (!existsSync(join(LIBS, dir, 'dist', 'index.js'))) {
          throw new Error(`libs/${dir} is not built: npx nx run-many -t build --projects='libs/*'`);
        }
      }
      const packs = join(work, 'packs');
      const project = join(work, 'project');
      mkdirSync(packs);
      const tarballs: string[] = [];
      for (const dir of libDirs) {
        const { stdout } = await run('npm', ['pack', '--pack-destination', packs, '--silent'], {
          cwd: join(LIBS, dir),
        });
        tarballs.push(join(packs, stdout.trim().split('\n').at(-1) ?? ''));
      }
      // No tests, fixtures or build state in what a user downloads.
      const { stdout: listed } = await run('tar', [
        '-tzf',
        tarballs[libDirs.indexOf('core')] ?? '',
      ]);
      expect(listed).toContain('package/dist/testing/index.d.ts');
      expect(listed).not.toMatch(/\.spec\.|__fixtures__|tsbuildinfo|package\/src\//);

      cpSync(join(__dirname, 'fresh-project', 'src'), join(project, 'src'), { recursive: true });
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'book-trip', version: '1.0.0', private: true }, null, 2),
      );
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify(
          {
            compilerOptions: {
              strict: true,
              target: 'es2022',
              module: 'node16',
              moduleResolution: 'node16',
              rootDir: 'src',
              outDir: 'dist',
              skipLibCheck: true,
              types: ['node'],
            },
            include: ['src'],
          },
          null,
          2,
        ),
      );
      const peers = new Set(
        libDirs.flatMap((dir) => Object.keys(manifestOf(dir).peerDependencies ?? {})),
      );
      const clients = [...peers, '@types/node'].map((name) => `${name}@${workspaceVersion(name)}`);
      await run(
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs, ...clients],
        { cwd: project },
      );

      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      await run(process.execPath, [tsc, '-p', project]);
      const tested = await run(
        process.execPath,
        [
          '--test',
          '--test-reporter=tap',
          'dist/book-trip.saga.test.js',
          'dist/reserve-seat.handler.test.js',
        ],
        { cwd: project },
      );
      expect(tested.stdout).toMatch(/^# pass 4$/m);
      expect(tested.stdout).toMatch(/^# fail 0$/m);

      // An ES module project imports the same packages by name.
      writeFileSync(
        join(project, 'esm.mjs'),
        [
          "import { defineSaga } from '@sagaflow/core';",
          "import { createSagaTestKit } from '@sagaflow/core/testing';",
          "import { commandHandler } from '@sagaflow/participant';",
          'console.log([defineSaga, createSagaTestKit, commandHandler].map((f) => typeof f).join());',
        ].join('\n'),
      );
      const esm = await run(process.execPath, ['esm.mjs'], { cwd: project });
      expect(esm.stdout.trim()).toBe('function,function,function');
    },
    TIMEOUT_MS,
  );
});
