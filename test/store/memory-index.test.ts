import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedLog, SortedIndex } from '../../src/store/memory-index.js';
import type { IndexRange } from '../../src/store/store.js';

/** The plain answer: a member -> score map sorted on every read (ties by UTF-8 bytes, as Redis and SQLite). */
class Oracle {
  readonly scores = new Map<string, number>();
  set(member: string, score: number | null): void {
    if (score === null) this.scores.delete(member);
    else this.scores.set(member, score);
  }
  sorted(): { member: string; score: number }[] {
    return [...this.scores]
      .map(([member, score]) => ({ member, score }))
      .sort((a, b) => (a.score !== b.score ? (a.score < b.score ? -1 : 1) : Buffer.compare(Buffer.from(a.member), Buffer.from(b.member))));
  }
  range({ offset, limit, reverse = false, min = -Infinity, max = Infinity }: IndexRange) {
    const within = this.sorted().filter((m) => m.score >= min && m.score <= max);
    return (reverse ? within.reverse() : within).slice(offset, offset + limit);
  }
}

const long = 'x'.repeat(300);
const member = fc.oneof(
  fc.constantFrom('a', 'b', 'ab', '', 'é', '日本', long, `${long}y`, 'a\u0000b'),
  fc.integer({ min: 0, max: 60 }).map((n) => `m${n}`),
  fc.uuid().map((id) => `${id}#1`),
);
const score = fc.oneof(fc.integer({ min: -3, max: 12 }), fc.constantFrom(-Infinity, Infinity, 2.5, null));
const change = fc.record({ member, score });
// Small batches take the one-by-one path, large ones (>= 64) the merge.
const batch = fc.oneof(fc.array(change, { maxLength: 5 }), fc.array(change, { minLength: 64, maxLength: 150 }));
const range = fc.record({
  offset: fc.integer({ min: 0, max: 20 }),
  limit: fc.integer({ min: 0, max: 200 }),
  reverse: fc.boolean(),
  min: fc.option(fc.integer({ min: -4, max: 12 }), { nil: undefined }),
  max: fc.option(fc.integer({ min: -4, max: 12 }), { nil: undefined }),
});

describe('memory SortedIndex', () => {
  it('answers counts and pages as a sorted map would, through any mix of single and batched writes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(batch, range, fc.integer({ min: -4, max: 13 })), { maxLength: 12 }), (steps) => {
        const index = new SortedIndex();
        const oracle = new Oracle();
        for (const [changes, r, at] of steps) {
          index.setMany(changes);
          for (const c of changes) oracle.set(c.member, c.score);
          expect(index.range(r)).toEqual(oracle.range(r));
          expect(index.countUpTo(at)).toBe(oracle.sorted().filter((m) => m.score <= at).length);
        }
        expect(index.range({ offset: 0, limit: Infinity })).toEqual(oracle.sorted());
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  it('keeps every member through heavy churn (slot reuse, arena compaction, table rehash)', () => {
    const index = new SortedIndex();
    const oracle = new Oracle();
    const id = (n: number) => `${String(n).padStart(12, '0')}-${'z'.repeat(30)}`;
    // 40k members of 43 bytes written and removed leave over a megabyte of dead arena bytes.
    for (let round = 0; round < 3; round++) {
      const changes = Array.from({ length: 40_000 }, (_, n) => ({ member: id(n + round * 20_000), score: n % 97 }));
      index.setMany(changes);
      for (const c of changes) oracle.set(c.member, c.score);
      expect(index.countUpTo(50)).toBe(oracle.sorted().filter((m) => m.score <= 50).length);
      const removals = Array.from({ length: 30_000 }, (_, n) => ({ member: id(n * 2 + round * 7), score: null }));
      // One at a time as well as batched: both paths free slots.
      for (const c of removals.slice(0, 50)) index.setMany([c]);
      index.setMany(removals.slice(50));
      for (const c of removals) oracle.set(c.member, c.score);
      expect(index.countUpTo(Infinity)).toBe(oracle.scores.size);
    }
    expect(index.range({ offset: 0, limit: Infinity })).toEqual(oracle.sorted());
  });

  it('applies a backlog without a read once it reaches the bound, and a member moved in it once', () => {
    const index = new SortedIndex();
    const changes = Array.from({ length: 70_000 }, (_, n) => ({ member: `m${n}`, score: n }));
    index.setMany([...changes, { member: 'm5', score: 1e9 }, { member: 'm6', score: null }]);
    expect(index.countUpTo(Infinity)).toBe(69_999);
    expect(index.range({ offset: 0, limit: 1, reverse: true })).toEqual([{ member: 'm5', score: 1e9 }]);
    expect(index.range({ offset: 5, limit: 2 })).toEqual([
      { member: 'm7', score: 7 },
      { member: 'm8', score: 8 },
    ]);
  });
});

describe('memory BoundedLog', () => {
  it('reads the last `keep` entries in order and holds at most 2 x keep + 16 between trims', () => {
    const log = new BoundedLog<string>();
    let most = 0;
    for (let seq = 1; seq <= 1000; seq++) {
      expect(log.append(seq, `e${seq}`, 10)).toBe(seq);
      most = Math.max(most, log.held);
      const read = log.read();
      expect(read.map((r) => r.seq)).toEqual(Array.from({ length: Math.min(seq, 10) }, (_, i) => seq - Math.min(seq, 10) + 1 + i));
    }
    expect(most).toBe(10 * 2 + 15);
    expect(log.held).toBeGreaterThanOrEqual(10);
    // A smaller keep applies to the next read at once.
    log.append(1001, 'e1001', 3);
    expect(log.read().map((r) => r.entry)).toEqual(['e999', 'e1000', 'e1001']);
  });
});
