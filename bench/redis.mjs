// A private redis-server on a free port, persistence off, for the Redis store's runs.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort, startChild } from './proc.mjs';

export function onPath(binary) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return join(dir, binary);
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function startRedis() {
  const port = await freePort();
  const server = await startChild(onPath('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    port,
    ready: (_url, log) => log().includes('Ready to accept connections'),
  });
  return { ...server, url: `redis://127.0.0.1:${port}/0` };
}
