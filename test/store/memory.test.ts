import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { runStoreConformance } from './conformance.js';

runStoreConformance('memory', async () => new MemoryStore(), { info: { kind: 'memory', durable: false, shared: false } });

describe('memory store counters', () => {
  it('sweeps expired rate-limit counters once there are more than 10,000, keeping live ones', async () => {
    let now = 1_000_000;
    const store = new MemoryStore(() => now);
    // Private, read for its size only: the bound is on memory, which no answer shows.
    const held = () => (store as unknown as { counters: Map<string, unknown> }).counters.size;
    for (let i = 0; i <= 10_000; i++) await store.increment('t1', `minute-${i}`, 60_000);
    await store.increment('t1', 'live', 120_000);
    expect(held()).toBe(10_002);
    now += 60_000;
    expect(await store.increment('t1', 'live', 120_000)).toBe(2);
    expect(held()).toBe(10_002);
    await store.increment('t1', 'new', 60_000);
    expect(held()).toBe(2);
    expect(await store.increment('t1', 'live', 120_000)).toBe(3);
    // A counter whose window ended starts again at 1.
    now += 60_000;
    expect(await store.increment('t1', 'live', 120_000)).toBe(1);
  });
});
