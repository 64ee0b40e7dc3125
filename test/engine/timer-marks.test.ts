// TimerMarks: what a TIMER read claims, what an open claim gives the next reader, and what a
// tenant's reset forgets. The races and crashes themselves: test/vendors/secmaster/timer-runs.test.ts.
import { describe, expect, it } from 'vitest';
import { TimerMarks } from '../../src/engine/timer-marks.js';
import type { PlanChange } from '../../src/engine/plan.js';

const FAIL: PlanChange = { outcome: 'fail', step: 'b' };
/** A pick that fires for the first `n` runs it is asked about, like a `times: n` scenario. */
function picks(n: number) {
  let asked = 0;
  const pick = () => (++asked <= n ? FAIL : undefined);
  return { pick, asked: () => asked };
}

describe('TimerMarks', () => {
  it('claims the ticks past the mark, newest `budget` of them, and picks each one once', () => {
    const marks = new TimerMarks();
    const { pick, asked } = picks(1);
    expect(marks.claim('t', 'v', 4, 3, pick)).toEqual([{ tick: 2, change: FAIL }, { tick: 3 }, { tick: 4 }]);
    expect(asked()).toBe(3);
  });

  it('gives an open claim as it is, with no new pick, until it is done; then only newer ticks', () => {
    const marks = new TimerMarks();
    const first = picks(1);
    const runs = marks.claim('t', 'v', 1, 10, first.pick);
    const again = picks(5);
    expect(marks.claim('t', 'v', 3, 10, again.pick)).toEqual(runs);
    expect(again.asked()).toBe(0);
    expect(marks.pending('t', 'v', 1)).toBe(true);
    marks.done('t', 'v', 1);
    expect(marks.pending('t', 'v', 1)).toBe(false);
    expect(marks.claim('t', 'v', 3, 10, again.pick).map((r) => r.tick)).toEqual([2, 3]);
  });

  it('shows an open claim to a reader outside a commit, and whether reporting it done would change anything', () => {
    const marks = new TimerMarks();
    expect(marks.open('t', 'v')).toBeUndefined();
    const runs = marks.claim('t', 'v', 1, 10, () => FAIL);
    expect(marks.open('t', 'v')).toEqual(runs);
    expect(marks.undone('t', 'v', 1)).toBe(true);
    marks.done('t', 'v', 1);
    expect([marks.open('t', 'v'), marks.undone('t', 'v', 1), marks.undone('t', 'v', 2)]).toEqual([undefined, false, true]);
  });

  it('keeps a later claim open when an earlier one is reported done', () => {
    const marks = new TimerMarks();
    marks.claim('t', 'v', 1, 10, () => undefined);
    marks.done('t', 'v', 1);
    marks.claim('t', 'v', 2, 10, () => undefined);
    marks.done('t', 'v', 1); // a slow replica's report of the first claim
    expect(marks.pending('t', 'v', 2)).toBe(true);
  });

  it('claims nothing when every tick due is already done, and keeps no claim for it', () => {
    const marks = new TimerMarks();
    marks.claim('t', 'v', 3, 10, () => undefined);
    marks.done('t', 'v', 3);
    const { pick, asked } = picks(5);
    expect(marks.claim('t', 'v', 3, 10, pick)).toEqual([]);
    expect(asked()).toBe(0);
    expect(marks.open('t', 'v')).toBeUndefined();
    expect(marks.undone('t', 'v', 3)).toBe(false);
  });

  it('reports a claim done only up to what was claimed: an open claim beyond `to` stays, one ending at `to` closes', () => {
    const marks = new TimerMarks();
    marks.done('t', 'v', 5); // no mark yet: nothing to record, nothing claimed
    expect(marks.marked('t', 'v')).toBe(false);
    marks.claim('t', 'v', 4, 10, () => undefined);
    expect(marks.undone('t', 'v', 3)).toBe(true); // nothing done yet: done is -1
    marks.done('t', 'v', 3);
    expect(marks.open('t', 'v')?.map((r) => r.tick)).toEqual([0, 1, 2, 3, 4]);
    expect(marks.undone('t', 'v', 3)).toBe(false);
    expect(marks.undone('t', 'v', 4)).toBe(true);
    marks.done('t', 'v', 4);
    expect(marks.open('t', 'v')).toBeUndefined();
  });

  it('stores of a scenario only what a plan needs: outcome, step, durations and outputs when given', () => {
    const marks = new TimerMarks();
    const full = { id: 'rule-1', hits: 3, times: 5, outcome: 'fail', step: 'b', durationsMs: { a: 10 }, outputs: { a: { ok: true } } } as PlanChange;
    const bare = { id: 'rule-2', outcome: 'succeed' } as PlanChange;
    expect(marks.claim('t', 'v', 1, 10, (tick) => (tick === 0 ? full : bare))).toEqual([
      { tick: 0, change: { outcome: 'fail', step: 'b', durationsMs: { a: 10 }, outputs: { a: { ok: true } } } },
      { tick: 1, change: { outcome: 'succeed' } },
    ]);
  });

  it('clears every mark', () => {
    const marks = new TimerMarks();
    marks.claim('t', 'v', 0, 10, () => undefined);
    marks.done('t', 'v', 0);
    marks.clear();
    expect([marks.marked('t', 'v'), marks.pending('t', 'v', 0)]).toEqual([false, true]);
  });

  it("forgets one tenant's timers, not another's", () => {
    const marks = new TimerMarks();
    for (const tenant of ['a', 'b']) {
      marks.claim(tenant, 'v', 0, 10, () => undefined);
      marks.done(tenant, 'v', 0);
    }
    marks.forget('a');
    expect([marks.pending('a', 'v', 0), marks.pending('b', 'v', 0)]).toEqual([true, false]);
  });

  it('takes snapshots that a later change in place does not reach', () => {
    const marks = new TimerMarks();
    const before = marks.snapshot();
    marks.claim('t', 'v', 0, 10, () => undefined);
    const claimed = marks.snapshot();
    marks.done('t', 'v', 0);
    marks.load(claimed);
    expect(marks.pending('t', 'v', 0)).toBe(true);
    marks.load(before);
    expect(marks.snapshot()).toEqual({ marks: {} });
  });
});
