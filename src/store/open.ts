// Turns a --store spec into a Store. openStore imports the SQLite and Redis modules only when a spec
// asks for them, so a memory-only server loads neither the native SQLite addon nor a Redis client,
// and neither has to be installed: both are optional peers, so a test kit's install compiles nothing.
import { MemoryStore } from './memory.js';
import type { Store } from './store.js';

/** A store that cannot be opened as asked; the message is for a person and names the store. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}

export const STORE_FORMS =
  'memory, sqlite:<path> (e.g. sqlite:./flowtwin.db), redis://host:port/db or rediss://host:port/db';

export type StoreSpec =
  { kind: 'memory' } | { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string; prefix?: string };

export function parseStoreSpec(spec: string): StoreSpec {
  if (spec === 'memory') return { kind: 'memory' };
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (!path) throw new StoreOpenError(`"sqlite:" needs a path, e.g. sqlite:./flowtwin.db`);
    return { kind: 'sqlite', path };
  }
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new StoreOpenError(`"${redactUrl(spec)}" is not a valid Redis URL; use redis://host:port/db`);
    }
    const prefix = url.searchParams.get('prefix');
    url.searchParams.delete('prefix');
    return prefix === null ? { kind: 'redis', url: url.toString() } : { kind: 'redis', url: url.toString(), prefix };
  }
  throw new StoreOpenError(`unknown store "${redactUrl(spec)}"; use ${STORE_FORMS}`);
}

export async function openStore(spec: string, options: { wallClock?: () => number } = {}): Promise<Store> {
  const parsed = parseStoreSpec(spec);
  switch (parsed.kind) {
    case 'memory':
      return new MemoryStore(options.wallClock);
    case 'sqlite': {
      const { SqliteStore } = await loadDriver('better-sqlite3', 'sqlite:<path>', () => import('./sqlite.js'));
      return new SqliteStore(parsed.path, options);
    }
    case 'redis': {
      // Expiry is kept by the Redis server's clock; the wall clock is what `now()` corrects by it.
      const { RedisStore } = await loadDriver('ioredis', 'redis://', () => import('./redis.js'));
      return RedisStore.open(parsed.url, {
        ...(parsed.prefix === undefined ? {} : { prefix: parsed.prefix }),
        ...(options.wallClock ? { wallClock: options.wallClock } : {}),
      });
    }
  }
}

/**
 * The store's module, or a StoreOpenError saying which package to add when its driver (an optional
 * peer) is not installed. Any other failure is the driver's own and passes on as it was.
 */
export async function loadDriver<T>(driver: string, store: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as { code?: string }).code;
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(err).includes(driver);
    if (!missing) throw err;
    throw new StoreOpenError(
      `the ${store} store needs the ${driver} package, which flowtwin leaves out so that installing it ` +
        `compiles nothing: add it with \`npm install ${driver}\``,
      { cause: err },
    );
  }
}

/** The same refusal for every backend, so a downgrade reads the same whatever the store. */
export function newerSchemaError(location: string, found: number, reads: number): StoreOpenError {
  return new StoreOpenError(
    `${location}: this store was written by a newer flowtwin (schema ${found}); this flowtwin reads schema ${reads}`,
  );
}

/** Specs end up in messages and logs; a password in one must not. */
export function redactUrl(spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_, scheme: string, userinfo: string) => {
    const user = userinfo.split(':')[0];
    return user ? `${scheme}${user}@` : scheme;
  });
}
