import { describe, expect, it } from 'vitest';
// @ts-expect-error: the benchmark is plain JavaScript, run by node
import { getRatio, targets } from '../../bench/report.mjs';

const row = (server: string, rps: number, extra: Record<string, unknown> = {}) => ({ server, store: server === 'flowtwin' ? 'memory' : '-', size: server === 'flowtwin' ? 1000 : 0, workload: 'get', rps, ...extra });

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
    expect(evidence).toMatch(/^78%: the median of 4 alternating runs, flowtwin\/express req\/s 4000\/5000, 4000\/8000, 4200\/5000, 3900\/5200; against the run's first express row \(9000 req\/s, minutes earlier\): 46%$/);
  });

  it('falls back to the rows when no pairs were measured', () => {
    expect(getRatio(row('flowtwin', 3500), row('express', 5000))).toBeCloseTo(0.7);
    expect(targets({ rows: [row('express', 5000), row('flowtwin', 3400)] })[0]).toEqual(['GET (memory) >= 70% of bare express', false, '3400 vs 5000 req/s = 68%']);
  });
});
