// The memory index's member table against a Map: every member found at its slot with its text, the
// order of UTF-8 bytes, slots reused, and memory that follows what is live rather than what ever was.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemberTable } from '../../src/store/member-table.js';

const uuid = fc.uuid().map((id) => id.toLowerCase());
const part = fc.constantFrom('', '#0', '#1', '0000000000000001', 'é', 'x'.repeat(255), 'x'.repeat(256), '日'.repeat(100));
const member = fc.oneof(
  fc.tuple(part, uuid, part).map(([p, id, s]) => `${p}${id}${s}`),
  fc.tuple(part, fc.constantFrom('7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b', '00000000-0000-4000-8000-000000000000'), part).map(([p, id, s]) => `${p}${id}${s}`),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
);
const op = fc.oneof(
  fc.record({ add: member }),
  fc.record({ remove: fc.nat() }),
  fc.record({ find: member }),
);

describe('MemberTable', () => {
  it('agrees with a Map through adds, removes and lookups: slots, texts, order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const table = new MemberTable();
        const model = new Map<string, number>();
        for (const o of ops) {
          if ('add' in o) {
            if (model.has(o.add)) continue;
            const slot = table.add(o.add);
            expect([...model.values()]).not.toContain(slot);
            expect(slot).toBeLessThan(table.capacity);
            model.set(o.add, slot);
          } else if ('remove' in o) {
            const members = [...model.keys()];
            if (members.length === 0) continue;
            const gone = members[o.remove % members.length]!;
            table.remove(model.get(gone)!);
            model.delete(gone);
            expect(table.find(gone)).toBe(-1);
          } else {
            expect(table.find(o.find)).toBe(model.get(o.find) ?? -1);
          }
        }
        const live = [...model.entries()];
        for (const [text, slot] of live) {
          expect(table.find(text)).toBe(slot);
          expect(table.text(slot)).toBe(text);
        }
        for (let i = 1; i < live.length; i++) {
          const [a, x] = live[i - 1]!;
          const [b, y] = live[i]!;
          expect(Math.sign(table.compare(x, y))).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        }
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  it('reuses a removed member’s slot, so typed arrays indexed by slot stay as long as the live set', () => {
    const table = new MemberTable();
    const a = table.add('a');
    table.add('b');
    table.remove(a);
    expect(table.add('c')).toBe(a);
    expect(table.find('a')).toBe(-1);
    expect(table.text(a)).toBe('c');
  });

  it('gives back the arena of removed members and keeps its hash table to the live set', () => {
    const table = new MemberTable();
    const text = (i: number) => `${String(i).padStart(8, '0')}${'m'.repeat(592)}`;
    const slots = Array.from({ length: 8000 }, (_, i) => table.add(text(i)));
    expect(table.footprint.arenaBytes).toBeGreaterThan(8000 * 600);
    for (let i = 10; i < 8000; i++) table.remove(slots[i]!);
    // 4.8 MB were written; what stays is the 10 live members and under the 1 MB of dead bytes that
    // triggers a rewrite, in chunks of at most 1 MB.
    const { arenaBytes, deadBytes } = table.footprint;
    expect(deadBytes).toBeLessThanOrEqual(1 << 20);
    expect(arenaBytes).toBeLessThan(3 << 20);
    for (let i = 0; i < 10; i++) expect([table.find(text(i)), table.text(slots[i]!)]).toEqual([slots[i], text(i)]);
    // A long churn of short-lived members: removed entries are swept, not left to fill the table.
    for (let i = 0; i < 20_000; i++) table.remove(table.add(`churn-${i}`));
    expect(table.footprint.tableEntries).toBeLessThanOrEqual(1 << 14);
    for (let i = 0; i < 10; i++) expect(table.find(text(i))).toBe(slots[i]);
  });
});
