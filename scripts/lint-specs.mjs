// Lints every specs/*.yaml with @redocly/openapi-core (redocly.yaml at the repo root).
// Exits non-zero when any error or warning is reported, and prints each problem.
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint, loadConfig } from '@redocly/openapi-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specsDir = join(root, 'specs');
const config = await loadConfig({ configPath: join(root, 'redocly.yaml') });

const files = readdirSync(specsDir)
  .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
  .sort()
  .map((name) => join(specsDir, name));

let total = 0;
for (const file of files) {
  const problems = await lint({ ref: file, config });
  const shown = problems.filter((p) => !p.ignored && (p.severity === 'error' || p.severity === 'warn'));
  total += shown.length;
  const name = relative(root, file);
  if (shown.length === 0) {
    console.log(`ok   ${name}`);
    continue;
  }
  console.log(`FAIL ${name}: ${shown.length} problem(s)`);
  for (const p of shown) {
    const where = p.location?.[0]?.pointer ?? '';
    console.log(`  ${p.severity.padEnd(5)} ${p.ruleId}: ${p.message}${where ? `\n        at ${where}` : ''}`);
  }
}

if (files.length === 0) {
  console.error('no specs found in specs/');
  process.exit(1);
}
process.exit(total === 0 ? 0 : 1);
