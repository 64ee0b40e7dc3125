// What an install of the published package meets: engines every dependency accepts, types that
// resolve with production dependencies only, a licence, a build before packing, and a clear word
// when the optional nock is missing.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
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

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

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

  it('publishes types whose imports resolve with production dependencies only', () => {
    const declarations = walk('src')
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(f, 'utf8'));
    // The bare modules src imports (types included); each must come from a dependency that ships
    // types or whose @types package is a dependency too, or be node's own.
    const imported = new Set(declarations.flatMap((text) => [...text.matchAll(/from '([^'.][^']*)'/g)].map((m) => m[1]!)));
    const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    const unresolved = [...imported]
      .filter((spec) => !spec.startsWith('node:'))
      .map(packageOf)
      .filter((name) => name !== 'nock' || pkg.peerDependencies?.nock !== undefined)
      .filter((name) => {
        if (!(name in pkg.dependencies) && !(name in (pkg.peerDependencies ?? {}))) return true;
        const manifest = JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as {
          types?: string;
          typings?: string;
          exports?: unknown;
        };
        const ownTypes = manifest.types !== undefined || manifest.typings !== undefined || JSON.stringify(manifest.exports ?? '').includes('"types"');
        return !ownTypes && !(`@types/${name.replace('@', '').replace('/', '__')}` in pkg.dependencies);
      });
    expect([...new Set(unresolved)]).toEqual([]);
  });

  it('has its licence text, builds before it is packed, and ships what the CLI reads at run time', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'specs', 'fixtures', 'ui']));
  });
});
