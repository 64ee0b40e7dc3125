// Starts flowtwin on a port: the programmatic form of `flowtwin serve`.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFlowtwin, type Flowtwin, type FlowtwinOptions } from './http/app.js';
import { drain, listen } from './http/listen.js';

export const DEFAULT_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'default.json');

export interface ServeOptions extends FlowtwinOptions {
  port?: number;
  host?: string;
}

export interface RunningFlowtwin extends Flowtwin {
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (bounded), then closes the store. */
  stop(): Promise<void>;
}

export function readJsonFile(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function serve(options: ServeOptions = {}): Promise<RunningFlowtwin> {
  const flowtwin = await createFlowtwin(options);
  const server = createServer(flowtwin.app);
  const url = await listen(server, options.port ?? 4010, options.host ?? '127.0.0.1');
  const stop = async (): Promise<void> => {
    await drain(server);
    await flowtwin.close();
  };
  return { ...flowtwin, server, url, stop };
}
