import { describe, expect, it } from 'vitest';
import { SharedJson } from '../../src/store/shared-json.js';

const long = (s: string) => s.repeat(20);

describe('SharedJson', () => {
  it('decodes to what JSON would give, for any value', () => {
    const codec = new SharedJson(100, 8);
    const values: unknown[] = [
      null,
      0,
      'text',
      [1, { a: undefined }],
      {},
      { a: 1, b: undefined, c: () => 1, d: { e: [long('x')], f: { g: long('y') } }, h: new Date(0) },
      JSON.parse('{"__proto__": {"polluted": true}, "k": "v"}'),
      { 'quote"key': 'line\nbreak', unicode: 'é✓😀' },
      undefined,
    ];
    for (const value of values) {
      expect(codec.decode(codec.encode(value))).toEqual(JSON.parse(JSON.stringify(value) ?? 'null'));
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('shares a long value between records and keeps short ones inline', () => {
    const codec = new SharedJson();
    const plan = { steps: Array.from({ length: 5 }, (_, i) => ({ name: `step-${i}`, durationMs: 1000 })) };
    const a = codec.encode({ plan: structuredClone(plan), attrs: { id: 'a' } }) as string[];
    const b = codec.encode({ plan: structuredClone(plan), attrs: { id: 'b' } }) as string[];
    const sharedA = a.find((part) => part.includes('step-4'));
    expect(sharedA).toBeDefined();
    expect(b).toContain(sharedA);
    // One text kept for both records' plans; the short attrs stay inline in each.
    expect(codec.size).toBe(1);
  });

  it('stops adding to its table once full, and still round-trips', () => {
    const codec = new SharedJson(2, 8);
    for (let i = 0; i < 10; i++) {
      const value = { v: long(`unique-${i}-`) };
      expect(codec.decode(codec.encode(value))).toEqual(value);
    }
    expect(codec.size).toBe(2);
  });

  it("clears one tenant's texts and keeps the others', under one bound for all", () => {
    const codec = new SharedJson(3, 8);
    const a = codec.encode({ v: long('a-') }, 'A');
    codec.encode({ v: long('a-') }, 'A');
    codec.encode({ v: long('b-') }, 'B');
    // The same value in another tenant is a text of its own: tables are per tenant.
    codec.encode({ v: long('a-') }, 'B');
    expect(codec.size).toBe(3);
    codec.encode({ v: long('c-') }, 'C');
    expect(codec.size).toBe(3);
    codec.clear('B');
    expect(codec.size).toBe(1);
    expect(codec.decode(a)).toEqual({ v: long('a-') });
    codec.clear();
    expect(codec.size).toBe(0);
  });
});

describe('flat', () => {
  it('keeps the value of any string, a rope of pieces included', async () => {
    const { flat } = await import('../../src/store/flat-string.js');
    const { randomUUID } = await import('node:crypto');
    const id = randomUUID();
    expect(flat(id)).toBe(id);
    const rope = ['a', 'é', '😀', '#', String(42)].reduce((s, p) => s + p, '');
    expect(flat(rope)).toBe('aé😀#42');
    expect(flat('')).toBe('');
  });
});
