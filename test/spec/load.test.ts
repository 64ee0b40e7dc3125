import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec, parsedCopy } from '../../src/spec/load.js';

describe('parsedCopy (the build’s JSON copy of a spec)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowtwin-spec-'));
  const yamlPath = join(dir, 'a.yaml');
  const jsonPath = join(dir, 'a.json');
  writeFileSync(yamlPath, 'openapi: 3.1.0\npaths: {}\n');
  writeFileSync(jsonPath, '{"openapi":"3.1.0","paths":{},"x-copy":true}');

  it('is used when it is at least as new as the YAML', () => {
    utimesSync(yamlPath, 1000, 1000);
    utimesSync(jsonPath, 2000, 2000);
    expect(parsedCopy(yamlPath, jsonPath)).toMatchObject({ 'x-copy': true });
  });

  it('is ignored once the YAML was edited after the build, or when it is missing or broken', () => {
    utimesSync(jsonPath, 1000, 1000);
    utimesSync(yamlPath, 2000, 2000);
    expect(parsedCopy(yamlPath, jsonPath)).toBeUndefined();
    expect(parsedCopy(yamlPath, join(dir, 'missing.json'))).toBeUndefined();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{');
    utimesSync(broken, 3000, 3000);
    expect(parsedCopy(yamlPath, broken)).toBeUndefined();
  });

  it('leaves a spec given by path to its YAML', () => {
    expect(loadSpec(yamlPath)).toEqual({ openapi: '3.1.0', paths: {} });
  });
});
