// The event hub's schedule: whatever mix of pushes, pops and filters, the heap hands out entries
// in due order, as a sorted list would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueHeap } from '../../src/engine/due-heap.js';

type Op = { push: number } | { pop: true } | { keepOver: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 0, max: 50 }).map((push) => ({ push })),
  fc.constant({ pop: true as const }),
  fc.integer({ min: 0, max: 50 }).map((keepOver) => ({ keepOver })),
);

describe('DueHeap', () => {
  it('pops the earliest entry first, through pushes, pops and filters, as a sorted list would', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const heap = new DueHeap<number>();
        let model: number[] = [];
        let n = 0;
        for (const o of ops) {
          if ('push' in o) {
            heap.push(o.push, n++);
            model.push(o.push);
          } else if ('pop' in o) {
            model.sort((a, b) => a - b);
            expect(heap.pop()?.at).toBe(model.shift());
          } else {
            heap.filter((e) => e.at > o.keepOver);
            model = model.filter((at) => at > o.keepOver);
          }
          expect(heap.size).toBe(model.length);
          expect(heap.peek()?.at).toBe(model.length ? Math.min(...model) : undefined);
        }
        const drained: number[] = [];
        for (let e = heap.pop(); e; e = heap.pop()) drained.push(e.at);
        expect(drained).toEqual([...model].sort((a, b) => a - b));
      }),
      { seed: 57, numRuns: 300 },
    );
  });

  it('keeps each entry with its own item, and is empty after the last pop', () => {
    const heap = new DueHeap<string>();
    for (const [at, item] of [[30, 'c'], [10, 'a'], [20, 'b'], [10, 'a2']] as const) heap.push(at, item);
    const items = [heap.pop(), heap.pop(), heap.pop(), heap.pop()].map((e) => `${e?.at}:${e?.item}`);
    expect(items.slice(2)).toEqual(['20:b', '30:c']);
    expect(items.slice(0, 2).sort()).toEqual(['10:a', '10:a2']);
    expect(heap.pop()).toBeUndefined();
    expect(heap.size).toBe(0);
  });
});
