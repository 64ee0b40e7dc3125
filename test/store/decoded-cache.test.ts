import { describe, expect, it, vi } from 'vitest';
import { DecodedCache, deepFreeze, recordCacheKey } from '../../src/store/decoded-cache.js';

describe('DecodedCache', () => {
  it('parses a text once while it stays cached, and again when the text changes', () => {
    const cache = new DecodedCache(4);
    const parse = vi.fn((t: string) => JSON.parse(t) as unknown);
    const first = cache.decode('a', '{"n":1}', parse);
    expect(cache.decode('a', '{"n":1}', parse)).toBe(first);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(cache.decode('a', '{"n":2}', parse)).toEqual({ n: 2 });
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('drops the oldest record past its capacity', () => {
    const cache = new DecodedCache(2);
    const parse = vi.fn((t: string) => JSON.parse(t) as unknown);
    cache.decode('a', '1', parse);
    cache.decode('b', '2', parse);
    cache.decode('c', '3', parse);
    cache.decode('c', '3', parse);
    cache.decode('b', '2', parse);
    expect(parse).toHaveBeenCalledTimes(3);
    cache.decode('a', '1', parse);
    expect(parse).toHaveBeenCalledTimes(4);
  });

  it('makes a record replaced by a newer version the newest entry', () => {
    const cache = new DecodedCache(3);
    const parse = vi.fn((t: string) => JSON.parse(t) as unknown);
    cache.decode('a', '1', parse);
    cache.decode('b', '2', parse);
    cache.decode('a', '3', parse);
    cache.decode('c', '4', parse);
    // b is now the oldest: d pushes it out, a stays.
    cache.decode('d', '5', parse);
    cache.decode('a', '3', parse);
    expect(parse).toHaveBeenCalledTimes(5);
    cache.decode('b', '2', parse);
    expect(parse).toHaveBeenCalledTimes(6);
  });

  it('forgets one tenant on a tenant reset and everything on clear, so their data is freed', () => {
    const cache = new DecodedCache();
    const parse = vi.fn((t: string) => JSON.parse(t) as unknown);
    const keys = [recordCacheKey('i', 'org-a', '1'), recordCacheKey('i', 'org-b', '1'), recordCacheKey('i', 'org-ab', '2')];
    for (const key of keys) cache.decode(key, '{}', parse);
    cache.clearTenant('org-a');
    for (const key of keys) cache.decode(key, '{}', parse);
    // Only org-a's record was parsed again; a tenant whose name starts the same is not touched.
    expect(parse).toHaveBeenCalledTimes(4);
    cache.clear();
    for (const key of keys) cache.decode(key, '{}', parse);
    expect(parse).toHaveBeenCalledTimes(7);
  });

  it('reads pages through the cache without filling it', () => {
    const cache = new DecodedCache(2);
    const parse = vi.fn((t: string) => JSON.parse(t) as unknown);
    const hot = cache.decode('a', '{"n":1}', parse);
    expect(cache.read('a', '{"n":1}', parse)).toBe(hot);
    cache.read('b', '{"n":2}', parse);
    cache.read('b', '{"n":2}', parse);
    expect(parse).toHaveBeenCalledTimes(3);
  });

  it('hands out data frozen all the way down', () => {
    const data = new DecodedCache().read('a', '{"list":[{"x":1}],"o":{"p":{"q":[]}},"s":"text"}', JSON.parse) as {
      list: { x: number }[];
      o: { p: { q: number[] } };
      s: string;
    };
    expect(data.s).toBe('text');
    expect(() => data.list[0]!.x++).toThrow(TypeError);
    expect(() => data.o.p.q.push(1)).toThrow(TypeError);
    expect(deepFreeze(null)).toBeNull();
  });
});
