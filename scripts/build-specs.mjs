#!/usr/bin/env node
// Part of `npm run build`: writes each YAML spec as JSON into dist/specs, which the built code
// reads instead of parsing YAML at start-up (parsing the YAML was a quarter of the start).
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
