// What the Redis store writes and reads at the level of Redis itself: the keys it owns, the errors it
// passes on, and the walks that take more than one SCAN page. The behaviour every store shares is in
// conformance.ts, which redis.test.ts runs.
import { describe, expect, it } from 'vitest';
import { StoreOpenError } from '../../src/store/open.js';
import { RedisStore, redisLocation } from '../../src/store/redis.js';
import { StoreUnavailable } from '../../src/store/store.js';
import { redisSkipReason, useTestRedis } from '../support/redis.js';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

const skip = redisSkipReason();
describe.skipIf(skip !== undefined)(`redis store data${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const t = useTestRedis();


  it('writes every key under its prefix, whatever it is asked to do', async () => {
    const prefix = t.redis.prefix();
    const before = await t.raw.dbsize();
    const store = await RedisStore.open(t.redis.url, { prefix });
    await store.create({ kind: 'k', tenant: 't1', id: 'a', parentId: 'p', createdAt: 1, version: 1, data: 1 }, [
      { index: 'i', member: 'a', score: 1, seqPrefix: true },
    ]);
    await store.update({ kind: 'k', tenant: 't2', id: 'none', createdAt: 1, version: 1, data: 1 }, 1);
    await store.update({ kind: 'k', tenant: 't1', id: 'a', createdAt: 1, version: 1, data: 2 }, 1, [
      { index: 'j', member: 'a', score: 2 },
    ]);
    await store.writeIndex('t1', [{ index: 'w', member: 'm', score: 3 }]);
    await store.increment('t1', 'rate', 60_000);
    await store.append('t1', 'journal', { n: 1 }, 10);
    expect((await t.raw.dbsize()) - before).toBe((await t.keysUnder(prefix)).length);
    await store.close();
  });

  it('refuses a NaN score before writing anything, in a create and in an update', async () => {
    const prefix = t.redis.prefix();
    const store = await RedisStore.open(t.redis.url, { prefix });
    const record = { kind: 'k', tenant: 't1', id: 'a', createdAt: 1, version: 1, data: 1 };
    const nan = [{ index: 'ok', member: 'a', score: 1 }, { index: 'starts', member: 'a', score: Number.NaN }];
    await expect(store.create(record, nan)).rejects.toThrow(new TypeError('index starts: a score must be a number, not NaN'));
    expect(await t.keysUnder(prefix)).toEqual(['schema']);
    await store.create(record);
    await expect(store.update({ ...record, data: 2 }, 1, nan)).rejects.toThrow(TypeError);
    expect(await store.get('k', 't1', 'a')).toMatchObject({ version: 1, data: 1 });
    expect(await store.countIndex('t1', ['ok', 'starts'], 10)).toEqual([0, 0]);
    await store.close();
  });

  it('passes an error Redis answers with on as it is, not as the store being unavailable', async () => {
    const prefix = t.redis.prefix();
    const store = await RedisStore.open(t.redis.url, { prefix });
    await store.create({ kind: 'k', tenant: 't1', id: 'good', createdAt: 1, version: 1, data: 1 });
    // Another program wrote a string where a record's hash belongs.
    await t.raw.set(`${prefix}t:${b64('t1')}:r:${b64('k')}:bad`, 'not a hash');
    for (const read of [() => store.get('k', 't1', 'bad'), () => store.getMany('k', 't1', ['good', 'bad'])]) {
      const err = await read().catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(StoreUnavailable);
      expect((err as Error).message).toMatch(/^WRONGTYPE/);
    }
    await store.close();
  });

  it('reads and resets the logs of more tenants than one SCAN page holds', async () => {
    const prefix = t.redis.prefix();
    const store = await RedisStore.open(t.redis.url, { prefix });
    // Past 128 members a set is a hash table, and SSCAN ... COUNT 100 takes several calls to walk it.
    const tenants = Array.from({ length: 300 }, (_, i) => `tenant-${i}`);
    await Promise.all(tenants.map(async (t) => {
      for (let n = 0; n < 3; n++) await store.append(t, 'journal', { t, n }, 10);
    }));
    const all = await store.readLogs<{ t: string; n: number }>('journal');
    expect(all).toHaveLength(900);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 900 }, (_, i) => i + 1));
    expect(new Set(all.map((e) => e.tenant)).size).toBe(300);
    expect(all.filter((e) => e.tenant === 'tenant-299').map((e) => e.entry.n)).toEqual([0, 1, 2]);
    await store.reset();
    expect(await t.keysUnder(prefix)).toEqual(['schema']);
    expect(await store.readLogs('journal')).toEqual([]);
    await store.close();
  });

  it('refuses a schema marker that is not a version of at least 1, saying what it found', async () => {
    const prefix = t.redis.prefix();
    await t.raw.set(`${prefix}schema`, '0');
    await expect(RedisStore.open(t.redis.url, { prefix })).rejects.toThrow(
      new StoreOpenError(
        `${redisLocation(t.redis.url)}: key ${prefix}schema holds "0", not a flowtwin schema version; ` +
          'is another program using the prefix?',
      ),
    );
  });
});

describe('redisLocation: the URL as logs and /health show it', () => {
  it('spells out the database, the default host and port, and never the password', () => {
    expect(redisLocation('redis://cache')).toBe('redis://cache:6379/0');
    expect(redisLocation('rediss://cache/')).toBe('rediss://cache:6379/0');
    expect(redisLocation('redis://u:pw@cache:6380/12')).toBe('redis://u@cache:6380/12');
    expect(redisLocation('redis:///3')).toBe('redis://localhost:6379/3');
  });

  it('refuses what it cannot read, and a database that is not a number, without the password', () => {
    expect(() => redisLocation('redis://:pw@[::1')).toThrow(
      new StoreOpenError('"redis://[::1" is not a valid Redis URL; use redis://host:port/db'),
    );
    for (const db of ['1x', 'x1', '12/3'])
      expect(() => redisLocation(`redis://:pw@cache/${db}`)).toThrow(
        new StoreOpenError(`redis://cache/${db}: the database must be a number, as in redis://host:port/0`),
      );
  });
});
