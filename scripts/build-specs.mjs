#!/usr/bin/env node
// Part of `npm run build`: writes each YAML spec as JSON into dist/specs, which the built code
// reads instead of parsing YAML at start-up (parsing the YAML was a quarter of the start), and the
// fixtures validator as code (it runs after tsc: the code that writes it is in dist).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'specs');
mkdirSync(out, { recursive: true });
for (const name of readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.yaml'))) {
  const doc = parse(readFileSync(join(root, 'specs', name), 'utf8'));
  writeFileSync(join(out, name.replace(/\.yaml$/, '.json')), JSON.stringify(doc));
}

// The fixtures schema's validator, compiled once here rather than at every start (150 ms of it).
const { fixturesValidatorSource, PREBUILT_VALIDATOR } = await import(new URL('../dist/spec/fixtures.js', import.meta.url).href);
writeFileSync(join(out, PREBUILT_VALIDATOR), fixturesValidatorSource());
