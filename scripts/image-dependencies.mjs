// For the container image only (the Dockerfile runs it before `npm prune --omit=dev`): the store
// drivers are optional peers of the published package, so a test kit's install compiles nothing,
// and dev dependencies of this repository; the image serves every store, so they become
// dependencies there and the prune keeps them, at the versions the lock holds.
import { readFileSync, writeFileSync } from 'node:fs';

export const DRIVERS = ['better-sqlite3', 'ioredis'];

const file = process.argv[2] ?? 'package.json';
const pkg = JSON.parse(readFileSync(file, 'utf8'));
for (const driver of DRIVERS) {
  const range = pkg.devDependencies?.[driver];
  if (!range) throw new Error(`${file}: ${driver} is not a dev dependency; the image cannot keep it`);
  pkg.dependencies[driver] = range;
  delete pkg.devDependencies[driver];
}
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
