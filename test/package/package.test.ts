// What an install of the published package meets: engines every dependency accepts, types that
// resolve with production dependencies only, a licence, a build before packing, and a clear word
// when the optional nock is missing.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadDriver, StoreOpenError } from '../../src/store/open.js';
import { loadNock } from '../../src/testing/load-nock.js';

interface Manifest {
  license: string;
  engines: { node: string };
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { dev?: boolean; peer?: boolean; engines?: { node?: string } | string[] }>;
};

describe('the published package', () => {
  it('installs without an engine warning on the oldest Node it claims: every production dependency accepts it', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const refused = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.dev && !entry.peer)
      .map(([path, entry]) => [path, Array.isArray(entry.engines) ? undefined : entry.engines?.node] as const)
      .filter(([, range]) => range !== undefined && !semver.satisfies(oldest, range))
      .map(([path, range]) => `${path} (node ${range})`);
    expect(refused, `production dependencies that refuse Node ${oldest}`).toEqual([]);
  });

  it('keeps nock an optional peer and says how to add it when interceptVendors needs it', async () => {
    expect(pkg.dependencies).not.toHaveProperty('nock');
    expect(pkg.peerDependenciesMeta?.nock?.optional).toBe(true);
    const missing = Object.assign(new Error("Cannot find package 'nock'"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadNock(() => Promise.reject(missing))).rejects.toThrow(
      'interceptVendors() needs nock, which intercepts the requests: add it with `npm install --save-dev nock`',
    );
    // Any other failure is nock's own, passed on as it was.
    const broken = new Error('nock failed to patch http');
    await expect(loadNock(() => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('publishes types that import only production dependencies: no peer, no dev package', () => {
    // The declarations tsc emits for the package, in memory, walked from each entry point the way a
    // user's type checker would: a bare import there must resolve with what `npm install flowtwin` brings.
    const config = ts.getParsedCommandLineOfConfigFile('tsconfig.build.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const emitted = new Map<string, string>();
    ts.createProgram(config.fileNames, { ...config.options, emitDeclarationOnly: true, declaration: true, sourceMap: false, declarationMap: false })
      .emit(undefined, (file, text) => void (file.endsWith('.d.ts') && emitted.set(resolve(file), text)));
    const dist = resolve(config.options.outDir!);
    const bare = new Map<string, string>();
    const pending = ['index.d.ts', 'testing/index.d.ts', 'generated/index.d.ts'].map((f) => join(dist, f));
    const seen = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = emitted.get(file);
      expect(text, `${file} is emitted`).toBeDefined();
      for (const [, spec] of text!.matchAll(/(?:from |import\()['"]([^'"]+)['"]/g)) {
        if (spec!.startsWith('.')) pending.push(resolve(dirname(file), spec!.replace(/\.js$/, '.d.ts')));
        else if (!spec!.startsWith('node:')) bare.set(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!, file);
      }
    }
    const typed = (name: string) => {
      const manifest = JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { types?: string; typings?: string; exports?: unknown };
      return manifest.types !== undefined || manifest.typings !== undefined || JSON.stringify(manifest.exports ?? '').includes('"types"') || `@types/${name.replace('@', '').replace('/', '__')}` in pkg.dependencies;
    };
    const unresolved = [...bare].filter(([name]) => !(name in pkg.dependencies) || !typed(name)).map(([name, file]) => `${name} (imported by ${file.slice(dist.length + 1)})`);
    expect(unresolved).toEqual([]);
    // The walk reached the store and testing declarations, not just the entry files.
    expect([...seen].map((f) => f.slice(dist.length + 1))).toEqual(expect.arrayContaining(['store/sqlite.d.ts', 'store/redis.d.ts', 'testing/control.d.ts']));
  }, 60_000);

  it('keeps the SQLite and Redis drivers optional peers, and names the package a store needs when it is missing', async () => {
    for (const driver of ['better-sqlite3', 'ioredis', '@types/better-sqlite3']) expect(pkg.dependencies).not.toHaveProperty(driver);
    expect(pkg.peerDependenciesMeta?.['better-sqlite3']?.optional).toBe(true);
    expect(pkg.peerDependenciesMeta?.ioredis?.optional).toBe(true);
    const missing = Object.assign(new Error("Cannot find package 'better-sqlite3' imported from /app/dist/store/sqlite.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadDriver('better-sqlite3', 'sqlite:<path>', () => Promise.reject(missing))).rejects.toThrow(
      new StoreOpenError('the sqlite:<path> store needs the better-sqlite3 package, which flowtwin leaves out so that installing it compiles nothing: add it with `npm install better-sqlite3`'),
    );
    // Another module missing, or any other failure, is the driver's own, passed on as it was.
    const other = Object.assign(new Error("Cannot find package 'bindings'"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadDriver('better-sqlite3', 'sqlite:<path>', () => Promise.reject(other))).rejects.toBe(other);
    // And both stores open when the drivers are there, as in this repository.
    await expect(loadDriver('ioredis', 'redis://', () => import('../../src/store/redis.js'))).resolves.toHaveProperty('RedisStore');
  });

  it('has its licence text, builds before it is packed, and ships what the CLI reads at run time', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'specs', 'fixtures', 'ui']));
  });
});
