import { describe, expect, it } from 'vitest';
// @ts-expect-error: the benchmark is plain JavaScript, run by node
import { cells, getRatio, HEADER, targets } from '../../bench/report.mjs';
// @ts-expect-error: the benchmark is plain JavaScript, run by node
import { checkPage, PAGE_SIZE } from '../../bench/workloads.mjs';

const row = (server: string, rps: number, extra: Record<string, unknown> = {}) => ({
  server,
  store: server === 'flowtwin' ? 'memory' : '-',
  size: server === 'flowtwin' ? 1000 : 0,
  workload: 'get',
  rps,
  ...extra,
});

describe('bench report: the GET target', () => {
  it('is the median of the alternating pairs, so one noisy baseline run does not decide it', () => {
    const pairs = [
      { flowtwin: 4000, express: 5000 },
      { flowtwin: 4000, express: 8000 },
      { flowtwin: 4200, express: 5000 },
      { flowtwin: 3900, express: 5200 },
    ];
    expect(getRatio(row('flowtwin', 4100, { pairs }), row('express', 9000))).toBeCloseTo((0.75 + 0.8) / 2);
    expect(getRatio(row('flowtwin', 4100, { pairs: pairs.slice(0, 3) }), row('express', 9000))).toBeCloseTo(0.8);
    const [name, met, evidence] = targets({ rows: [row('express', 9000), row('flowtwin', 4100, { pairs })] })[0];
    expect([name, met]).toEqual(['GET (memory) >= 70% of bare express', true]);
    expect(evidence).toMatch(
      /^78%: the median of 4 alternating runs, flowtwin\/express req\/s 4000\/5000, 4000\/8000, 4200\/5000, 3900\/5200; against the run's first express row \(9000 req\/s, minutes earlier\): 46%$/,
    );
  });

  it('falls back to the rows when no pairs were measured', () => {
    expect(getRatio(row('flowtwin', 3500), row('express', 5000))).toBeCloseTo(0.7);
    expect(targets({ rows: [row('express', 5000), row('flowtwin', 3400)] })[0]).toEqual([
      'GET (memory) >= 70% of bare express',
      false,
      '3400 vs 5000 req/s = 68%',
    ]);
  });
});

describe('bench report: page and bytes per answer', () => {
  it("shows a list row's page items and every row's mean bytes per answer", () => {
    const list = {
      server: 'flowtwin',
      store: 'sqlite',
      size: 1000,
      workload: 'sm-list-1c',
      rps: 200,
      p50: 4,
      p99: 20,
      pageItems: 100,
      bytes: 61660.4,
      rssMb: 150,
      non2xx: 0,
      errors: 0,
    };
    const at = (name: string) => HEADER.indexOf(name);
    expect(cells(list)[at('page')]).toBe('100');
    expect(cells(list)[at('B/answer')]).toBe('61660');
    const get = { ...list, workload: 'get', pageItems: undefined, bytes: 2267 };
    expect([cells(get)[at('page')], cells(get)[at('B/answer')]]).toEqual(['-', '2267']);
  });
});

describe('bench page check', () => {
  const ids = (n: number, tag = 'a') => Array.from({ length: n }, (_, i) => `${tag}${i}`);

  it('passes a full page that stayed the same, and says how many items it held', () => {
    expect(checkPage('sm-list', ids(PAGE_SIZE), ids(PAGE_SIZE))).toBe(PAGE_SIZE);
  });

  it('fails loudly on a short or empty page, before or after the run', () => {
    expect(() => checkPage('sm-list', ids(1), ids(PAGE_SIZE))).toThrow(/before the run holds 1 items, not 100/);
    expect(() => checkPage('sm-list', ids(PAGE_SIZE), [])).toThrow(/after the run holds 0 items/);
  });

  it('fails when the page changed during the run (the runs moved on: the clock was not frozen)', () => {
    expect(() => checkPage('list', ids(PAGE_SIZE), ids(PAGE_SIZE, 'b'))).toThrow(/changed during the run/);
    expect(checkPage('mixed', ids(PAGE_SIZE), ids(PAGE_SIZE, 'b'), { fixed: false })).toBe(PAGE_SIZE);
  });
});
