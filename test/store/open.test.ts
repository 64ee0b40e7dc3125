import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { STORE_FORMS, StoreOpenError, openStore, parseStoreSpec, redactUrl } from '../../src/store/open.js';
import { SqliteStore } from '../../src/store/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'flowtwin-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseStoreSpec', () => {
  it('reads each accepted form', () => {
    expect(parseStoreSpec('memory')).toEqual({ kind: 'memory' });
    expect(parseStoreSpec('sqlite:./data/flowtwin.db')).toEqual({ kind: 'sqlite', path: './data/flowtwin.db' });
    expect(parseStoreSpec('sqlite:/var/lib/flowtwin.db')).toEqual({ kind: 'sqlite', path: '/var/lib/flowtwin.db' });
    expect(parseStoreSpec('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseStoreSpec('redis://cache:6380/2')).toEqual({ kind: 'redis', url: 'redis://cache:6380/2' });
    expect(parseStoreSpec('rediss://u:p@cache:6380/0')).toEqual({ kind: 'redis', url: 'rediss://u:p@cache:6380/0' });
  });

  it('takes a Redis key prefix from the query and keeps it out of the URL', () => {
    expect(parseStoreSpec('redis://cache:6379/0?prefix=ci%3Arun7%3A')).toEqual({ kind: 'redis', url: 'redis://cache:6379/0', prefix: 'ci:run7:' });
  });

  it('refuses anything else, listing the accepted forms', () => {
    for (const spec of ['', 'Memory', 'postgres://db/x', 'sqlite', 'file:./x.db']) {
      expect(() => parseStoreSpec(spec)).toThrow(new StoreOpenError(`unknown store "${spec}"; use ${STORE_FORMS}`));
    }
    expect(() => parseStoreSpec('sqlite:')).toThrow(StoreOpenError);
    expect(() => parseStoreSpec('redis://[::1')).toThrow(/not a valid Redis URL/);
  });

  it('never repeats a password in its messages', () => {
    expect(() => parseStoreSpec('mysql://root:hunter2@db/x')).toThrow('unknown store "mysql://root@db/x"');
    expect(redactUrl('redis://:hunter2@cache:6379/0')).toBe('redis://cache:6379/0');
    expect(redactUrl('rediss://app:p@ss@cache/0')).toBe('rediss://app@cache/0');
    expect(redactUrl('redis://cache:6379/0')).toBe('redis://cache:6379/0');
  });
});

describe('openStore', () => {
  it('opens memory with the wall clock it is given for counter expiry', async () => {
    let now = 1_000;
    const store = await openStore('memory', { wallClock: () => now });
    expect(store).toBeInstanceOf(MemoryStore);
    expect(await store.increment('t1', 'k', 100)).toBe(1);
    now += 100;
    expect(await store.increment('t1', 'k', 100)).toBe(1);
  });

  it('opens a SQLite file by a relative path, reports it absolute, and uses the given wall clock', async () => {
    const file = join(dir, 'relative.db');
    let now = 1_000;
    const store = await openStore(`sqlite:${relative(process.cwd(), file)}`, { wallClock: () => now });
    expect(store).toBeInstanceOf(SqliteStore);
    expect(store.info).toMatchObject({ kind: 'sqlite', location: file, durable: true, fresh: true });
    expect(await store.increment('t1', 'k', 100)).toBe(1);
    now += 99;
    expect(await store.increment('t1', 'k', 100)).toBe(2);
    now += 1;
    expect(await store.increment('t1', 'k', 100)).toBe(1);
    await store.close();
  });

  it('opens a throwaway SQLite store in memory and says it is not durable', async () => {
    const store = await openStore('sqlite::memory:');
    expect(store.info).toMatchObject({ kind: 'sqlite', location: ':memory:', durable: false });
    await store.create({ kind: 'k', tenant: 't', id: 'a', createdAt: 1, version: 1, data: 1 });
    expect(await store.get('k', 't', 'a')).toBeDefined();
    await store.close();
  });

  it('turns a bad SQLite path into StoreOpenError', async () => {
    await expect(openStore(`sqlite:${join(dir, 'no', 'such', 'dir.db')}`)).rejects.toThrow(StoreOpenError);
  });

  it('sends redis:// and rediss:// to Redis, whose refusal is a StoreOpenError without the password', async () => {
    for (const scheme of ['redis', 'rediss']) {
      const opening = openStore(`${scheme}://app:hunter2@127.0.0.1:1/3`);
      await expect(opening).rejects.toThrow(new RegExp(`^cannot reach Redis at ${scheme}://app@127\\.0\\.0\\.1:1/3: `));
      await expect(opening).rejects.toBeInstanceOf(StoreOpenError);
    }
  });

  it('refuses a Redis database that is not a number', async () => {
    await expect(openStore('redis://127.0.0.1:1/cache')).rejects.toThrow('the database must be a number');
  });
});
