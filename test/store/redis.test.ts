import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { StoreOpenError, openStore } from '../../src/store/open.js';
import { RedisStore, redisLocation } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { redisSkipReason, useTestRedis } from '../support/redis.js';
import { inbox, runStoreConformance } from './conformance.js';

/**
 * Runs redis-exit.ts and reports how it ended, and how long it lingered after its last word (a
 * connection or timer left behind shows up as seconds there). A child still running after 10 s is killed.
 */
async function runToExit(spec: string): Promise<{ code: number | null; signal: string | null; out: string; lingered: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'redis-exit.ts'), spec], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let saidAt = Infinity;
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    saidAt = Date.now();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  return { code, signal, out, lingered: Date.now() - saidAt > 1_000 };
}

describe('redis store without a server', () => {
  it('fails to open an unreachable Redis within seconds, with StoreOpenError and no password', async () => {
    const started = Date.now();
    const opening = openStore('redis://user:sekret@127.0.0.1:1/0');
    await expect(opening).rejects.toBeInstanceOf(StoreOpenError);
    await expect(opening).rejects.toThrow(/^cannot reach Redis at redis:\/\/user@127\.0\.0\.1:1\/0: .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('gives up on a listener that accepts the connection but never answers', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      await expect(RedisStore.open(`redis://127.0.0.1:${port}/0`, { connectTimeoutMs: 300 })).rejects.toThrow(
        new StoreOpenError(`cannot reach Redis at redis://127.0.0.1:${port}/0: no answer within 300 ms`),
      );
    } finally {
      silent.close();
    }
  });

  it('leaves nothing running after a failed open, so the process can exit', async () => {
    expect(await runToExit('redis://127.0.0.1:1/0')).toEqual({ code: 0, signal: null, out: 'refused: StoreOpenError\n', lingered: false });
  });
});

const skip = redisSkipReason();
describe.skipIf(skip !== undefined)(`redis store${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const t = useTestRedis();

  const prefixes = new WeakMap<Store, string>();
  const open = async (prefix = t.redis.prefix()) => {
    const store = await RedisStore.open(t.redis.url, { prefix });
    prefixes.set(store, prefix);
    return store;
  };

  runStoreConformance('redis', () => open(), {
    info: { kind: 'redis', durable: true, shared: true },
    makePeer: (store) => open(prefixes.get(store)),
  });

  it('says once when its connection is lost and once when it is back, and works again after', async () => {
    const ids = async () =>
      ((await t.raw.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string)
        .split('\n')
        .map((line) => /\bid=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => id !== undefined);
    const before = new Set(await ids());
    const store = await open();
    const changes: string[] = [];
    store.onConnection?.((change) => changes.push(change.state));
    const mine = (await ids()).filter((id) => !before.has(id));
    expect(mine.length).toBeGreaterThan(0);
    for (const id of mine) await t.raw.client('KILL', 'ID', id);
    await vi.waitFor(() => expect(changes).toEqual(['lost', 'recovered']), { timeout: 5000 });
    await store.create({ kind: 'test.thing', tenant: 't1', id: 'after', createdAt: 1, version: 1, data: {} });
    expect(await store.get('test.thing', 't1', 'after')).toMatchObject({ id: 'after' });
    await store.close();
    expect(changes).toEqual(['lost', 'recovered']);
  });

  it('gives replicas whose own clocks disagree by tens of seconds the same time, the Redis server’s, and never goes back', async () => {
    const lagging = await RedisStore.open(t.redis.url, { prefix: t.redis.prefix(), wallClock: () => Date.now() - 20_000 });
    const ahead = await RedisStore.open(t.redis.url, { prefix: t.redis.prefix(), wallClock: () => Date.now() + 45_000 });
    try {
      const [seconds, micros] = await t.raw.time();
      const server = Number(seconds) * 1000 + Number(micros) / 1000;
      // Both within a loopback round trip (and the test's own scheduling) of the server's clock.
      expect(Math.abs(lagging.now() - server)).toBeLessThan(250);
      expect(Math.abs(ahead.now() - lagging.now())).toBeLessThan(250);
      const seen = [lagging.now(), lagging.now(), lagging.now()];
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    } finally {
      await Promise.all([lagging.close(), ahead.close()]);
    }
  });

  it('writes the schema marker once and refuses a store of a newer schema', async () => {
    const prefix = t.redis.prefix();
    await (await open(prefix)).close();
    expect(await t.raw.get(`${prefix}schema`)).toBe('1');
    await t.raw.set(`${prefix}schema`, '2');
    await expect(open(prefix)).rejects.toThrow(
      new StoreOpenError(`${redisLocation(t.redis.url)}: this store was written by a newer flowtwin (schema 2); this flowtwin reads schema 1`),
    );
  });

  it('refuses a prefix whose schema key holds something that is not a version', async () => {
    const prefix = t.redis.prefix();
    await t.raw.set(`${prefix}schema`, 'hello');
    await expect(open(prefix)).rejects.toThrow(/holds "hello", not a flowtwin schema version/);
  });

  it('leaves no key of a tenant behind after reset(tenant), and only the marker and sequence after reset()', async () => {
    const prefix = t.redis.prefix();
    const store = await open(prefix);
    for (const tenant of ['t1', 't2']) {
      await store.create({ kind: 'k', tenant, id: 'a', parentId: 'p', createdAt: 1, version: 1, data: 1 });
      await store.create({ kind: 'k', tenant, id: 'b', createdAt: 2, version: 1, data: 2 });
      await store.increment(tenant, 'rate', 60_000);
    }
    await store.reset('t1');
    const t1 = `t:${Buffer.from('t1').toString('base64url')}:`;
    const left = await t.keysUnder(prefix);
    expect(left.filter((k) => k.startsWith(t1))).toEqual([]);
    expect(left.filter((k) => k.startsWith('t:'))).toHaveLength(6);
    await store.reset();
    expect(await t.keysUnder(prefix)).toEqual(['schema', 'seq']);
    await store.close();
  });

  it('drops a deleted record from every index and from the tenant’s key registry', async () => {
    const prefix = t.redis.prefix();
    const store = await open(prefix);
    await store.create({ kind: 'k', tenant: 't1', id: 'a', parentId: 'p', createdAt: 1, version: 1, data: 1 });
    await store.delete('k', 't1', 'a');
    expect(await t.keysUnder(prefix)).toEqual(['schema', 'seq', 'tenants']);
    await store.close();
  });

  it('gives a record written before its hash kept the seq the number its indexes score it by', async () => {
    const prefix = t.redis.prefix();
    const store = await open(prefix);
    const seq = await store.create({ kind: 'k', tenant: 't1', id: 'a', parentId: 'p', createdAt: 1, version: 1, data: 1 });
    await t.raw.hdel(`${prefix}t:${Buffer.from('t1').toString('base64url')}:r:${Buffer.from('k').toString('base64url')}:a`, 's');
    expect((await store.get('k', 't1', 'a'))?.seq).toBe(seq);
    expect((await store.scan('k', 't1', 'p'))[0]?.seq).toBe(seq);
    await store.close();
  });

  it('keeps stores with different prefixes apart: records, counters, messages and resets', async () => {
    const [one, two] = [await open(), await open()];
    await one.create({ kind: 'k', tenant: 't1', id: 'a', createdAt: 1, version: 1, data: 1 });
    await one.increment('t1', 'rate', 60_000);
    expect(await two.get('k', 't1', 'a')).toBeUndefined();
    expect(await two.increment('t1', 'rate', 60_000)).toBe(1);
    const [heardByOne, heardByTwo] = [inbox(), inbox()];
    await one.subscribe('news', heardByOne.listener);
    await two.subscribe('news', heardByTwo.listener);
    await two.publish('news', 'two');
    await one.publish('news', 'one');
    await vi.waitFor(() => expect([heardByOne.got, heardByTwo.got]).toEqual([['one'], ['two']]));
    await two.reset();
    expect(await one.get('k', 't1', 'a')).toBeDefined();
    await Promise.all([one.close(), two.close()]);
  });

  it('keeps the password out of info.location', async () => {
    const url = new URL(t.redis.url);
    // A server without a password accepts one with a warning; one that has a password needs the real one.
    if (!url.password) url.password = 'sekret';
    const store = await RedisStore.open(url.toString(), { prefix: t.redis.prefix() });
    expect(store.info.location).not.toContain(url.password);
    expect(store.info.location).toMatch(/^redis:\/\/[^:@]+(@[^:@]+)?:\d+\/\d+$/);
    await store.close();
  });

  it('lets the process exit by itself once the store is closed', async () => {
    expect(await runToExit(`${t.redis.url}?prefix=${encodeURIComponent(t.redis.prefix())}`)).toEqual({ code: 0, signal: null, out: 'closed\n', lingered: false });
  });
});
