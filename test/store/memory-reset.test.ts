// A tenant's reset gives back what its records took in the memory store, shared texts included:
// SharedJson keeps one copy of each long value, and a reset that left them would leak them.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';

const record = (tenant: string, id: string, data: unknown) => ({ kind: 'k', tenant, id, createdAt: 0, version: 1, data });
/** Long enough to be shared, and distinct per record. */
const long = (i: number) => ({ plan: { text: `value ${i} `.repeat(20) }, ops: [`op ${i} `.repeat(20)] });

describe('memory store: reset of one tenant', () => {
  it("frees the tenant's shared values; another tenant's records stay intact and readable", async () => {
    const store = new MemoryStore();
    await store.create(record('B', 'b1', long(-1)));
    const before = store.sharedTexts;
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 200; i++) await store.create(record('A', `a${i}`, long(i)));
    // Replaced versions shared texts too; the reset must free those as well.
    const first = (await store.get('k', 'A', 'a0'))!;
    await store.update({ ...first, data: long(1000) }, first.version);
    expect(store.sharedTexts).toBeGreaterThan(before + 200);
    await store.reset('A');
    expect(store.sharedTexts).toBe(before);
    expect(await store.get('k', 'A', 'a1')).toBeUndefined();
    expect((await store.get('k', 'B', 'b1'))?.data).toEqual(long(-1));
    // B shares its values again after A's reset, as before it.
    await store.create(record('B', 'b2', long(-1)));
    expect(store.sharedTexts).toBe(before);
    expect((await store.list({ kind: 'k', tenant: 'B', offset: 0, limit: 10 })).items.map((r) => r.data)).toEqual([long(-1), long(-1)]);
  });
});
