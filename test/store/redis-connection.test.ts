// The Redis store's connections: opening against a Redis that stops answering, riding out an outage,
// measuring the server's clock, its subscriber connection, and closing.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { StoreOpenError } from '../../src/store/open.js';
import { RedisStore, redisLocation } from '../../src/store/redis.js';
import { StoreUnavailable, type ConnectionChange } from '../../src/store/store.js';
import { startFakeRedis } from '../support/fake-redis.js';
import { redisSkipReason, useTestRedis } from '../support/redis.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { inbox } from './conformance.js';

describe('redis store opening against a Redis that stops answering', () => {
  it('gives up on a listener that never answers the connection’s first command, and drops its connection', async () => {
    const fake = await startFakeRedis('INFO');
    try {
      const opening = RedisStore.open(fake.url, { connectTimeoutMs: 300 });
      await expect(opening).rejects.toThrow(new StoreOpenError(`cannot reach Redis at ${fake.url}: no answer within 300 ms`));
      await vi.waitFor(() => expect(fake.open()).toBe(0));
    } finally {
      await fake.close();
    }
  });

  it.each(['SET', 'TIME'])('gives up when Redis stops answering at %s, the open’s own step, and drops its connection', async (command) => {
    const fake = await startFakeRedis(command);
    try {
      const err = await RedisStore.open(fake.url, { connectTimeoutMs: 300 }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(StoreOpenError);
      expect((err as Error).message).toBe(`cannot open the flowtwin store at ${fake.url}: no answer within 300 ms`);
      await vi.waitFor(() => expect(fake.open()).toBe(0));
    } finally {
      await fake.close();
    }
  });
});

const skip = redisSkipReason();
describe.skipIf(skip !== undefined)(`redis store connections${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const t = useTestRedis();

  const serverMs = async () => {
    const [seconds, micros] = await t.raw.time();
    return Number(seconds) * 1000 + Number(micros) / 1000;
  };

  /** A host clock that stands still (a round trip costs nothing on it) but for what the next readings add. */
  const standingClock = (at: number, extra: number[] = []) => {
    const clock = { at, extra, read: () => clock.at + (clock.extra.shift() ?? 0) };
    return clock;
  };

  it('takes its first measurement of the server’s clock however slow the round trip', async () => {
    // Each of the three measurements while opening takes 5 s by the host's clock.
    const clock = standingClock(1_000_000, [0, 5000, 0, 5000, 0, 5000]);
    const store = await RedisStore.open(t.redis.url, { prefix: t.redis.prefix(), wallClock: clock.read });
    try {
      // The reply is taken to have left the server halfway through the round trip.
      expect(Math.abs(store.now() - ((await serverMs()) - 2500))).toBeLessThan(250);
    } finally {
      await store.close();
    }
  });

  it('keeps its offset when a later round trip is slower than 50 ms, and takes one of 50 ms', async () => {
    const clock = standingClock(1_000_000);
    const store = await RedisStore.open(t.redis.url, { prefix: t.redis.prefix(), wallClock: clock.read });
    try {
      const first = store.now();
      const offset = await store.syncTime();
      // The host's clock is set back 30 s; a measurement over a slow round trip must not follow it.
      clock.at -= 30_000;
      clock.extra = [0, 51];
      expect(await store.syncTime()).toBe(offset);
      clock.extra = [0, 50];
      const taken = await store.syncTime();
      expect(Math.abs(taken - (offset + 30_000 - 25))).toBeLessThan(250);
      expect(store.now()).toBeGreaterThanOrEqual(first);
    } finally {
      await store.close();
    }
  });

  it('rides out an outage: lost once with its cause, unavailable meanwhile, recovered once, twice over', async () => {
    const proxy = await startTcpProxy(t.redis.url);
    const store = await RedisStore.open(proxy.url, { prefix: t.redis.prefix() });
    const changes: ConnectionChange[] = [];
    store.onConnection((change) => changes.push(change));
    const news = inbox();
    await store.subscribe('news', news.listener);
    try {
      for (let outage = 1; outage <= 2; outage++) {
        proxy.cut();
        await vi.waitFor(() => expect(changes).toHaveLength(2 * outage - 1));
        expect(changes.at(-1)).toEqual({ state: 'lost', cause: expect.stringMatching(/ECONNRESET/) });
        const err = await store.get('k', 't1', 'a').catch((e: Error) => e);
        expect(err).toBeInstanceOf(StoreUnavailable);
        expect((err as Error).message).toMatch(`the store at ${redisLocation(proxy.url)} is unavailable: `);
        // Several reconnection attempts fail meanwhile (after 200, 400, 600 ms); each is not a new outage.
        await sleep(700);
        expect(changes).toHaveLength(2 * outage - 1);
        proxy.restore();
        await vi.waitFor(() => expect(changes).toHaveLength(2 * outage), { timeout: 5000 });
        expect(changes.at(-1)).toEqual({ state: 'recovered' });
      }
      await store.create({ kind: 'k', tenant: 't1', id: 'a', createdAt: 1, version: 1, data: 1 });
      expect(await store.get('k', 't1', 'a')).toMatchObject({ id: 'a' });
      // The subscriber connection came back too, subscribed as before.
      await vi.waitFor(async () => {
        await store.publish('news', 'after');
        expect(news.got).toContain('after');
      });
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  it('uses one connection for commands and one for every subscription, closes both once, and reports no outage for it', async () => {
    const proxy = await startTcpProxy(t.redis.url);
    const store = await RedisStore.open(proxy.url, { prefix: t.redis.prefix() });
    const changes: ConnectionChange[] = [];
    store.onConnection((change) => changes.push(change));
    await store.subscribe('one', () => {});
    await store.subscribe('two', () => {});
    expect(proxy.open()).toBe(2);
    await Promise.all([store.close(), store.close()]);
    await store.close();
    await vi.waitFor(() => expect(proxy.open()).toBe(0));
    await sleep(100);
    expect(changes).toEqual([]);
    await proxy.close();
  });

  it('unsubscribes a channel in Redis when its last listener goes, and only then', async () => {
    const prefix = t.redis.prefix();
    const store = await RedisStore.open(t.redis.url, { prefix });
    const subscribers = async () => Number((await t.raw.pubsub('NUMSUB', `${prefix}ch:news`))[1]);
    const [one, two] = [inbox(), inbox()];
    const offOne = await store.subscribe('news', one.listener);
    const offTwo = await store.subscribe('news', two.listener);
    expect(await subscribers()).toBe(1);
    await offOne();
    await offOne();
    expect(await subscribers()).toBe(1);
    await store.publish('news', 'still');
    await vi.waitFor(() => expect(two.got).toEqual(['still']));
    expect(one.got).toEqual([]);
    await offTwo();
    expect(await subscribers()).toBe(0);
    await store.close();
  });

  it('delivers to every other listener when one throws, and warns with the channel and the error', async () => {
    const prefix = t.redis.prefix();
    const store = await RedisStore.open(t.redis.url, { prefix });
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const [before, after] = [inbox(), inbox()];
      await store.subscribe('news', before.listener);
      await store.subscribe('news', () => {
        throw new Error('boom');
      });
      await store.subscribe('news', after.listener);
      await store.publish('news', 'hello');
      await vi.waitFor(() => expect([before.got, after.got]).toEqual([['hello'], ['hello']]));
      expect(warn).toHaveBeenCalledWith(`a subscriber of ${prefix}ch:news threw: boom`);
    } finally {
      warn.mockRestore();
      await store.close();
    }
  });
});
