// Which scenario a run takes: the vendor's, for its target and tenant, the most specific first,
// with a probability drawn from the book's generator and `times` spent per run.
import { describe, expect, it } from 'vitest';
import { ScenarioBook } from '../../src/engine/scenarios.js';

/** A generator that returns these values in turn. */
const draws = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('ScenarioBook', () => {
  it('matches only its vendor, its target and its tenant, and prefers target over tenant over neither', async () => {
    const book = new ScenarioBook(draws(0));
    const any = book.add({ vendor: 'datadog', outcome: 'succeed' });
    const tenantOnly = book.add({ vendor: 'datadog', tenant: 't1', outcome: 'fail' });
    const targetOnly = book.add({ vendor: 'datadog', target: 'wf', outcome: 'hang' });
    const both = book.add({ vendor: 'datadog', target: 'wf', tenant: 't1', outcome: 'fail', step: 'x' });
    book.add({ vendor: 'secmaster', target: 'wf', tenant: 't1', outcome: 'fail' });
    for (const take of [(v: string, t: string, g: string) => book.take(v, t, g), async (v: string, t: string, g: string) => book.takeNow(v, t, g)]) {
      expect((await take('datadog', 't1', 'wf'))?.id).toBe(both.id);
      expect((await take('datadog', 't2', 'wf'))?.id).toBe(targetOnly.id);
      expect((await take('datadog', 't1', 'other'))?.id).toBe(tenantOnly.id);
      expect((await take('datadog', 't2', 'other'))?.id).toBe(any.id);
      expect(await take('iam', 't1', 'wf')).toBeUndefined();
    }
  });

  it('fires a scenario with a probability only when the draw is under it', async () => {
    const book = new ScenarioBook(draws(0.5, 0.49, 0.5));
    const s = book.add({ vendor: 'datadog', outcome: 'fail', probability: 0.5 });
    expect(await book.take('datadog', 't', 'wf')).toBeUndefined();
    expect((await book.take('datadog', 't', 'wf'))?.id).toBe(s.id);
    expect(book.takeNow('datadog', 't', 'wf')).toBeUndefined();
    expect(book.list()[0]!.hits).toBe(1);
  });

  it('falls through to the next candidate when a more specific one does not fire, and spends times', async () => {
    const book = new ScenarioBook(draws(0.9));
    const fallback = book.add({ vendor: 'datadog', outcome: 'succeed', times: 2 });
    book.add({ vendor: 'datadog', target: 'wf', outcome: 'fail', probability: 0.1 });
    expect((await book.take('datadog', 't', 'wf'))?.id).toBe(fallback.id);
    expect(book.takeNow('datadog', 't', 'wf')).toMatchObject({ id: fallback.id, hits: 2 });
    expect(book.list().map((s) => s.id)).not.toContain(fallback.id);
    expect(await book.take('datadog', 't', 'wf')).toBeUndefined();
  });
});
