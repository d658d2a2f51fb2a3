import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApiServer } from './api-server';

/**
 * The package as an app outside this repository gets it: `pnpm pack` (which builds dist),
 * unpacked into a folder in the system's temp directory with only its peers (@trpc/client,
 * @trpc/server) and its dependencies (eventsource, superjson) next to it: no server sources,
 * no fastify, knex or objection. Copies, not links, so nothing can resolve back into the workspace.
 */
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(packageDir, '../..');
const tsc = realpathSync(path.join(packageDir, 'node_modules/typescript/bin/tsc'));
const execFileAsync = promisify(execFile);
const api = useApiServer();
let consumer: string;

/** Copies an installed package and, recursively, its dependencies (pnpm layout: siblings). */
function copyInstalled(from: string, nodeModules: string): void {
  const real = realpathSync(from);
  const manifest = JSON.parse(readFileSync(path.join(real, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
  };
  const target = path.join(nodeModules, manifest.name);
  if (existsSync(target)) return;
  cpSync(real, target, { recursive: true, dereference: true });
  const siblings = path.resolve(real, manifest.name.includes('/') ? '../..' : '..');
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    copyInstalled(path.join(siblings, dependency), nodeModules);
  }
}

const RESOLUTIONS = {
  NodeNext: { module: 'NodeNext', moduleResolution: 'NodeNext' },
  Node16: { module: 'Node16', moduleResolution: 'Node16' },
  Bundler: { module: 'ESNext', moduleResolution: 'Bundler' },
} as const;

function writeTsconfig(mode: keyof typeof RESOLUTIONS, files: string[], outDir?: string): string {
  const file = path.join(consumer, `tsconfig.${mode}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      compilerOptions: {
        ...RESOLUTIONS[mode],
        target: 'ES2022',
        // @trpc/client's declarations need fetch's types (the DOM lib or @types/node) and
        // @trpc/server's use Disposable (esnext.disposable).
        lib: ['ES2023', 'ESNext.Disposable', 'DOM'],
        strict: true,
        types: [],
        // Checking every library declaration file takes most of a minute per run; the shipped
        // declarations are checked anyway: src/shipped-declarations.ts is a copy of them.
        skipLibCheck: true,
        ...(outDir ? { outDir } : { noEmit: true }),
      },
      files,
    }),
  );
  return file;
}

function compile(project: string, extra: string[] = []) {
  const result = spawnSync(process.execPath, [tsc, '-p', project, ...extra], {
    cwd: consumer,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The README's TypeScript example (the block after `<!-- client-example -->`). */
function readmeExample(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const match = /<!-- client-example -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no client example');
  return match[1]!;
}

beforeAll(() => {
  consumer = mkdtempSync(path.join(tmpdir(), 'trellis-consumer-'));
  const packed = mkdtempSync(path.join(tmpdir(), 'trellis-pack-'));
  // The repository's own pnpm (a root devDependency), whatever started the tests.
  const pnpm = path.join(repoRoot, 'node_modules/.bin/pnpm');
  execFileSync(pnpm, ['pack', '--pack-destination', packed], { cwd: packageDir, stdio: 'pipe' });
  const tarball = readdirSync(packed).find((name) => name.endsWith('.tgz'))!;
  const nodeModules = path.join(consumer, 'node_modules');
  const target = path.join(nodeModules, '@trellis/client');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(packed, tarball), '-C', target, '--strip-components=1']);
  rmSync(packed, { recursive: true, force: true });
  // What installing the package brings: its peers and its dependencies.
  for (const name of ['@trpc/client', '@trpc/server', 'eventsource', 'superjson']) {
    copyInstalled(path.join(packageDir, 'node_modules', name), nodeModules);
  }
  writeFileSync(
    path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'outside-app', private: true, type: 'module' }),
  );
  mkdirSync(path.join(consumer, 'src'));
  for (const name of ['good.ts', 'bad.ts', 'env.d.ts']) {
    cpSync(path.join(packageDir, 'test/consumer', name), path.join(consumer, 'src', name));
  }
  writeFileSync(path.join(consumer, 'src/readme.ts'), readmeExample());
  cpSync(path.join(target, 'dist/index.d.ts'), path.join(consumer, 'src/shipped-declarations.ts'));
}, 120_000);

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

describe('the packed package, consumed from outside the repository', () => {
  it('ships built ESM with bundled declarations, and exact peers', () => {
    const root = path.join(consumer, 'node_modules/@trellis/client');
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(manifest.peerDependencies).toEqual({
      '@trpc/client': '11.25.2',
      '@trpc/server': '11.25.2',
    });
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['eventsource', 'superjson']);
    for (const version of Object.values(manifest.dependencies)) {
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(readdirSync(path.join(root, 'dist')).sort()).toEqual(
      ['index.d.ts', 'index.js', 'index.js.map'].sort(),
    );
    const declarations = readFileSync(path.join(root, 'dist/index.d.ts'), 'utf8');
    const imported = [...declarations.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(new Set(imported)).toEqual(new Set(['@trpc/client', '@trpc/server']));
  });

  // One compiler run per resolution mode: the correct app and the README example must compile,
  // every line of bad.ts marked BAD must fail (and nothing else), and no file of the server or
  // its dependencies may be read. NodeNext also emits the app, which then runs with Node.
  for (const mode of Object.keys(RESOLUTIONS) as Array<keyof typeof RESOLUTIONS>) {
    it(`under moduleResolution ${mode}: correct code compiles, wrong inputs and fields do not, no server file is read`, () => {
      const outDir = mode === 'NodeNext' ? path.join(consumer, 'out') : undefined;
      const files = [
        'src/env.d.ts',
        'src/shipped-declarations.ts',
        'src/good.ts',
        'src/readme.ts',
        'src/bad.ts',
      ];
      const result = compile(writeTsconfig(mode, files, outDir), ['--listFiles']);
      expect(result.status).not.toBe(0);
      const errors = [...result.output.matchAll(/^(\S+)\((\d+),\d+\): error (TS\d+)/gm)];
      const source = readFileSync(path.join(consumer, 'src/bad.ts'), 'utf8').split('\n');
      const badLines = source.flatMap((line, index) =>
        line.includes('// BAD:') ? [index + 1] : [],
      );
      expect(
        errors.filter((match) => match[1] !== 'src/bad.ts').map((match) => match[0]),
        result.output,
      ).toEqual([]);
      expect(new Set(errors.map((match) => Number(match[2])))).toEqual(new Set(badLines));
      const read = result.output.split('\n').filter((line) => line.startsWith('/'));
      expect(read.some((file) => file.includes('@trellis/client/dist/index.d.ts'))).toBe(true);
      for (const file of read) {
        expect(file).not.toMatch(/apps\/api|packages\/modules|fastify|knex|objection|pino|zod/);
        expect(
          file.startsWith(realpathSync(consumer)) || file.includes('/typescript/lib/'),
          file,
        ).toBe(true);
      }
    });
  }

  it('runs the compiled app with Node against the real API', async () => {
    // Asynchronously: the API answers from this process's event loop.
    const run = await execFileAsync(process.execPath, [path.join(consumer, 'out/good.js')], {
      cwd: consumer,
      env: { ...process.env, TRELLIS_URL: api.url },
      timeout: 20_000,
    });
    expect(JSON.parse(run.stdout)).toEqual({
      key: 'OUT-1',
      labelNames: [],
      conflict: true,
      created: true,
      live: { kind: 'task.created', key: 'OUT-1', date: true, id: true },
    });
  });

  it('bundles for the browser with no Node built-in in its runtime path', async () => {
    const result = await build({
      stdin: {
        contents: "export * from '@trellis/client';",
        resolveDir: consumer,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('@trellis/client/dist/index.js'))).toBe(true);
    expect(inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:|require\(["'](node:)?(fs|http|net|crypto)["']\)/);
  });

  it("in a browser, subscriptions use the page's EventSource and pass the token as connectionParams", async () => {
    // The browser bundle, run where there is no `process` (no Node): a stand-in EventSource
    // records how it was constructed.
    const result = await build({
      stdin: {
        contents: [
          "import { createTrellisClient } from '@trellis/client';",
          'export function start(url: string, token: string) {',
          '  return createTrellisClient({ url, token }).activity.onEvent.subscribe(',
          "    { workspaceId: '6f9619ff-8b86-4011-b42d-00c04fc964ff' },",
          '    { onData() {} },',
          '  );',
          '}',
        ].join('\n'),
        resolveDir: consumer,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'app',
      write: false,
      logLevel: 'silent',
    });
    const constructed: Array<{ url: string; init: unknown }> = [];
    class PageEventSource extends EventTarget {
      readonly CLOSED = 2;
      readyState = 0;
      constructor(url: string, init?: unknown) {
        super();
        constructed.push({ url, init });
      }
      close() {
        this.readyState = 2;
      }
    }
    const page = {
      EventSource: PageEventSource,
      ReadableStream,
      TextEncoder,
      TextDecoder,
      AbortController,
      AbortSignal,
      Event,
      EventTarget,
      URL,
      URLSearchParams,
      setTimeout,
      clearTimeout,
      queueMicrotask,
      console,
      fetch: () => Promise.reject(new Error('no fetch expected')),
    } as Record<string, unknown> & {
      app?: { start(url: string, token: string): { unsubscribe(): void } };
    };
    runInNewContext(result.outputFiles[0]!.text, page);
    const subscription = page.app!.start(
      'https://trellis.example.com/trpc',
      'browser-token-1234567890',
    );
    for (let tick = 0; tick < 100 && constructed.length === 0; tick += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    subscription.unsubscribe();
    expect(constructed).toHaveLength(1);
    const url = new URL(constructed[0]!.url);
    expect(url.pathname).toBe('/trpc/activity.onEvent');
    expect(JSON.parse(url.searchParams.get('connectionParams')!)).toEqual({
      token: 'browser-token-1234567890',
    });
    expect(constructed[0]!.init).toBeUndefined();
  });
});
