import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturesValidatorSource, loadFixturesValidator, PREBUILT_VALIDATOR } from '../../src/spec/fixtures.js';
import { DEFAULT_FIXTURES } from '../../src/serve.js';

// Under node_modules, so the built validator's require() of ajv's runtime resolves as it does in dist/specs.
const cache = join(process.cwd(), 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'flowtwin-fixtures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8'));
const bad: unknown[] = [
  null,
  [],
  { datadog: { tenants: [{ apiKey: 'k', appKey: 'a', workflows: [{ id: 'nope' }], instances: [] }] } },
  { datadog: { tenants: [{ apiKey: 'k' }] } },
  { ...good, datadog: { ...good.datadog, tenants: {} } },
  { secmaster: { projects: 'none' } },
  { datadog: { tenants: [{ ...good.datadog.tenants[0], apiKey: 7 }] } },
  { secmaster: { projects: [{ ...good.secmaster.projects[0], region: 'CN North 4' }] } },
];

const verdict = (validate: ValidateFunction, doc: unknown) => ({ valid: validate(doc), first: validate.errors?.[0] && { path: validate.errors[0].instancePath, message: validate.errors[0].message } });

describe('fixtures validator', () => {
  it('compiled by the build says what the one compiled at start says, for good and malformed documents', () => {
    writeFileSync(join(dir, PREBUILT_VALIDATOR), fixturesValidatorSource());
    const prebuilt = createRequire(import.meta.url)(join(dir, PREBUILT_VALIDATOR)) as ValidateFunction;
    const compiled = loadFixturesValidator(join(dir, 'absent'));
    expect(verdict(prebuilt, good)).toEqual({ valid: true, first: undefined });
    for (const doc of bad) {
      expect(verdict(prebuilt, doc).valid).toBe(false);
      expect(verdict(prebuilt, doc)).toEqual(verdict(compiled, doc));
    }
  });

  it('is loaded from the build when it is newer than the schema, and compiled when the schema changed since', () => {
    const fake = join(dir, 'fake');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, PREBUILT_VALIDATOR), `module.exports = function v() { v.errors = [{ instancePath: '/fake', message: 'from the build' }]; return false; };`);
    expect(verdict(loadFixturesValidator(fake), good)).toEqual({ valid: false, first: { path: '/fake', message: 'from the build' } });
    utimesSync(join(fake, PREBUILT_VALIDATOR), new Date(0), new Date(0));
    expect(verdict(loadFixturesValidator(fake), good).valid).toBe(true);
  });
});
