// What the numbers were measured on: they mean nothing without it.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const version = (name) => {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return undefined;
  }
};

export function machine() {
  const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    versions: { flowtwin: root.version, express: version('express'), autocannon: version('autocannon'), '@stoplight/prism-cli': version('@stoplight/prism-cli'), 'better-sqlite3': version('better-sqlite3'), ioredis: version('ioredis') },
  };
}
