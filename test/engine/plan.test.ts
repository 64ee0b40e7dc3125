// Plans: how a scenario's change shapes one, and when each step of it starts and ends.
import { describe, expect, it } from 'vitest';
import { changePlan, schedulePlan, type Plan } from '../../src/engine/plan.js';

// a (10) -> b (20) and a -> c (5): b and c run side by side after a.
const PLAN: Plan = {
  steps: [
    { name: 'a', durationMs: 10, after: [] },
    { name: 'b', durationMs: 20, after: ['a'] },
    { name: 'c', durationMs: 5, after: ['a'] },
  ],
  outcome: { kind: 'succeed' },
};

describe('changePlan', () => {
  it('fails or hangs the named step, or the last one when the plan has no such step', () => {
    expect(changePlan(PLAN, { outcome: 'fail', step: 'b' }).outcome).toEqual({ kind: 'fail', step: 'b' });
    expect(changePlan(PLAN, { outcome: 'hang', step: 'nope' }).outcome).toEqual({ kind: 'hang', step: 'c' });
    expect(changePlan(PLAN, { outcome: 'fail' }).outcome).toEqual({ kind: 'fail', step: 'c' });
    expect(changePlan(PLAN, { outcome: 'succeed', step: 'b' }).outcome).toEqual({ kind: 'succeed' });
    // A plan without steps cannot fail a step: it succeeds.
    expect(changePlan({ steps: [], outcome: { kind: 'succeed' } }, { outcome: 'fail', step: 'x' })).toEqual({ steps: [], outcome: { kind: 'succeed' } });
  });

  it('sets the durations and outputs it names and keeps the rest', () => {
    const changed = changePlan({ ...PLAN, outputs: { old: 1 } }, { outcome: 'succeed', durationsMs: { b: 1 } });
    expect(changed.steps.map((s) => s.durationMs)).toEqual([10, 1, 5]);
    expect(changed.outputs).toEqual({ old: 1 });
    expect(changePlan(PLAN, { outcome: 'succeed', outputs: { n: 2 } }).outputs).toEqual({ n: 2 });
    expect(changePlan(PLAN, { outcome: 'succeed' })).not.toHaveProperty('outputs');
    expect(changePlan(PLAN, undefined)).toBe(PLAN);
  });
});

describe('schedulePlan', () => {
  it('starts a step when its slowest predecessor ends, and ends the run with the last step', () => {
    const s = schedulePlan({ ...PLAN, steps: [...PLAN.steps, { name: 'd', durationMs: 1, after: ['c', 'b'] }] });
    expect(s.steps.map((x) => [x.name, x.start, x.end, x.result])).toEqual([
      ['a', 0, 10, 'succeeded'],
      ['b', 10, 30, 'succeeded'],
      ['c', 10, 15, 'succeeded'],
      ['d', 30, 31, 'succeeded'],
    ]);
    expect(s).toMatchObject({ end: 31, failed: false });
  });

  it('ends a failing run when its failing step ends, keeping only the steps started before that', () => {
    const s = schedulePlan({ ...PLAN, outcome: { kind: 'fail', step: 'c' } });
    expect(s.steps.map((x) => [x.name, x.result])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
      ['c', 'failed'],
    ]);
    expect(s).toMatchObject({ end: 15, failed: true });
    // Failing the first step: nothing else ever starts.
    const first = schedulePlan({ ...PLAN, outcome: { kind: 'fail', step: 'a' } });
    expect(first.steps.map((x) => x.name)).toEqual(['a']);
    expect(first).toMatchObject({ end: 10, failed: true });
  });

  it('never ends a hanging run, and never starts what follows the hang', () => {
    const s = schedulePlan({ ...PLAN, outcome: { kind: 'hang', step: 'a' } });
    expect(s.end).toBe(Infinity);
    expect(s.steps.find((x) => x.name === 'a')).toMatchObject({ start: 0, end: Infinity });
    expect(s.steps.find((x) => x.name === 'b')!.start).toBe(Infinity);
  });
});
