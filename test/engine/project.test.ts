import { describe, expect, it } from 'vitest';
import type { Outcome, Plan } from '../../src/engine/plan.js';
import { project, projectAhead, STEER, type OperationEvent } from '../../src/engine/project.js';
import { checkStateMachine, type StateMachine } from '../../src/engine/state-machine.js';

// A lifecycle with every kind of rule: a stop, a stop that settles, and a rerun that settles.
const machine: StateMachine = checkStateMachine({
  name: 'test',
  states: ['RUNNING', 'DONE', 'FAILED', 'CANCELED', 'STOPPING', 'STOPPED', 'RETRYING'],
  initial: 'RUNNING',
  running: ['RUNNING'],
  onSuccess: 'DONE',
  onFailure: 'FAILED',
  terminal: ['DONE', 'CANCELED', 'STOPPED'],
  operations: {
    cancel: { from: ['RUNNING'], to: 'CANCELED', effect: 'stop' },
    terminate: { from: ['RUNNING', 'RETRYING'], to: 'STOPPING', effect: 'stop', settle: { afterMs: 100, to: 'STOPPED' } },
    retry: { from: ['FAILED'], to: 'RETRYING', effect: 'rerun', settle: { afterMs: 50, to: 'RUNNING' } },
  },
});

const chain: Plan = {
  steps: [
    { name: 'a', durationMs: 1000, after: [] },
    { name: 'b', durationMs: 2000, after: ['a'] },
    { name: 'c', durationMs: 500, after: ['b'] },
  ],
  outcome: { kind: 'succeed' },
};

const at = (plan: Plan, now: number, operations: OperationEvent[] = []) => project({ createdAt: 0, plan, operations }, machine, now);

describe('project', () => {
  it('shows a new instance running its first step', () => {
    const p = at(chain, 10);
    expect(p.state).toBe('RUNNING');
    expect(p.steps).toEqual([{ name: 'a', phase: 'running', startedAt: 0 }]);
    expect(p.endedAt).toBeUndefined();
  });

  it('moves through the steps as time passes and succeeds at the end of the last', () => {
    expect(at(chain, 1500).steps.map((s) => `${s.name}:${s.phase}`)).toEqual(['a:succeeded', 'b:running']);
    const done = at(chain, 3500);
    expect(done.state).toBe('DONE');
    expect(done.endedAt).toBe(3500);
    expect(done.transitions).toEqual([
      { from: null, to: 'RUNNING', at: 0, cause: 'start' },
      { from: 'RUNNING', to: 'DONE', at: 3500, cause: 'plan' },
    ]);
  });

  it('fails at the end of the failing step and never starts the steps after it', () => {
    const failing: Plan = { ...chain, outcome: { kind: 'fail', step: 'b' } };
    const p = at(failing, 99_999);
    expect(p.state).toBe('FAILED');
    expect(p.endedAt).toBe(3000);
    expect(p.steps.map((s) => `${s.name}:${s.phase}`)).toEqual(['a:succeeded', 'b:failed']);
  });

  it('stops parallel branches still running when another branch fails', () => {
    const parallel: Plan = {
      steps: [
        { name: 'fast', durationMs: 100, after: [] },
        { name: 'slow', durationMs: 10_000, after: [] },
      ],
      outcome: { kind: 'fail', step: 'fast' },
    };
    expect(at(parallel, 200).steps).toEqual([
      { name: 'fast', phase: 'failed', startedAt: 0, endedAt: 100 },
      { name: 'slow', phase: 'stopped', startedAt: 0, endedAt: 100 },
    ]);
  });

  it('keeps a hanging instance running for ever', () => {
    const hanging: Plan = { ...chain, outcome: { kind: 'hang', step: 'b' } };
    const p = at(hanging, 10 ** 12);
    expect(p.state).toBe('RUNNING');
    expect(p.steps.map((s) => `${s.name}:${s.phase}`)).toEqual(['a:succeeded', 'b:running']);
  });

  it('cancels at the moment of the operation and marks the running step stopped', () => {
    const p = at(chain, 10_000, [{ name: 'cancel', at: 1200 }]);
    expect(p.state).toBe('CANCELED');
    expect(p.endedAt).toBe(1200);
    expect(p.steps.map((s) => `${s.name}:${s.phase}`)).toEqual(['a:succeeded', 'b:stopped']);
  });

  it('ignores an operation that the table does not allow from the state at its time', () => {
    const p = at(chain, 10_000, [{ name: 'cancel', at: 5000 }]);
    expect(p.state).toBe('DONE');
    expect(p.transitions).toHaveLength(2);
  });

  it('settles a transitional state after its delay', () => {
    expect(at(chain, 1250, [{ name: 'terminate', at: 1200 }]).state).toBe('STOPPING');
    const p = at(chain, 1300, [{ name: 'terminate', at: 1200 }]);
    expect(p.state).toBe('STOPPED');
    expect(p.transitions.map((t) => `${t.to}@${t.at}`)).toEqual(['RUNNING@0', 'STOPPING@1200', 'STOPPED@1300']);
  });

  it('reruns a failed instance from the failed step, keeping what already succeeded', () => {
    const failing: Plan = { ...chain, outcome: { kind: 'fail', step: 'b' } };
    const ops = [{ name: 'retry', at: 4000, outcome: { kind: 'succeed' as const } }];
    expect(at(failing, 4020, ops).state).toBe('RETRYING');
    const running = at(failing, 4100, ops);
    expect(running.state).toBe('RUNNING');
    expect(running.steps.map((s) => `${s.name}:${s.phase}@${s.startedAt}`)).toEqual(['a:succeeded@0', 'b:running@4050']);
    const done = at(failing, 4050 + 2500, ops);
    expect(done.state).toBe('DONE');
    expect(done.endedAt).toBe(6550);
  });

  it('keeps each attempt a rerun replaced, and numbers the attempts that replace them', () => {
    const failing: Plan = { ...chain, outcome: { kind: 'fail', step: 'b' } };
    const retry = (at: number, outcome: Outcome) => ({ name: 'retry', at, outcome });
    // b fails at 3000, fails again on the first retry, succeeds on the second.
    const ops = [retry(4000, { kind: 'fail', step: 'b' }), retry(9000, { kind: 'succeed' })];
    expect(at(failing, 3500, ops).superseded).toBeUndefined();
    const second = at(failing, 4100, ops);
    expect(second.superseded).toEqual([{ name: 'b', phase: 'failed', startedAt: 1000, endedAt: 3000 }]);
    expect(second.steps).toEqual([
      { name: 'a', phase: 'succeeded', startedAt: 0, endedAt: 1000 },
      { name: 'b', phase: 'running', startedAt: 4050, attempt: 2 },
    ]);
    const done = at(failing, 20_000, ops);
    expect(done.state).toBe('DONE');
    expect(done.superseded).toEqual([
      { name: 'b', phase: 'failed', startedAt: 1000, endedAt: 3000 },
      { name: 'b', phase: 'failed', startedAt: 4050, endedAt: 6050, attempt: 2 },
    ]);
    expect(done.steps.map((s) => `${s.name}:${s.phase}#${s.attempt ?? 1}`)).toEqual(['a:succeeded#1', 'b:succeeded#3', 'c:succeeded#1']);
  });

  it('stops the running step at a cancel and ends there, whenever it is read afterwards', () => {
    const ops = [{ name: 'cancel', at: 1500 }];
    const canceled = {
      state: 'CANCELED',
      steps: [
        { name: 'a', phase: 'succeeded', startedAt: 0, endedAt: 1000 },
        { name: 'b', phase: 'stopped', startedAt: 1000, endedAt: 1500 },
      ],
      transitions: [
        { from: null, to: 'RUNNING', at: 0, cause: 'start' },
        { from: 'RUNNING', to: 'CANCELED', at: 1500, cause: 'cancel' },
      ],
      updatedAt: 1500,
      endedAt: 1500,
    };
    expect(at(chain, 2000, ops)).toEqual(canceled);
    // Long after, b's 2000 ms and c are long past: the cancel still decides.
    expect(at(chain, 60_000, ops)).toEqual(canceled);
  });
});

describe('checkStateMachine', () => {
  it('refuses a table whose operation leaves a terminal state', () => {
    expect(() => checkStateMachine({ ...machine, operations: { undo: { from: ['DONE'], to: 'RUNNING', effect: 'none' } } })).toThrow(/terminal/);
  });

  it('refuses a table that names an undeclared state', () => {
    expect(() => checkStateMachine({ ...machine, onSuccess: 'FINISHED' })).toThrow(/unknown state FINISHED/);
  });
});

describe('project: steering a running instance', () => {
  const steer = (at: number, change: OperationEvent['change']): OperationEvent => ({ name: STEER, at, change });

  it('keeps the past, lets the running step keep its start, and ends the rest as the change says', () => {
    // At 1500, a is done and b has run 500 ms; b now takes 1000 ms in all and c fails.
    const ops = [steer(1500, { outcome: 'fail', step: 'c', durationsMs: { b: 1000 } })];
    // Before the change: b running since 1000 as planned, nothing else happened.
    expect(at(chain, 1499, ops)).toEqual({
      state: 'RUNNING',
      steps: [
        { name: 'a', phase: 'succeeded', startedAt: 0, endedAt: 1000 },
        { name: 'b', phase: 'running', startedAt: 1000 },
      ],
      transitions: [{ from: null, to: 'RUNNING', at: 0, cause: 'start' }],
      updatedAt: 0,
    });
    const p = at(chain, 5000, ops);
    expect(p.state).toBe('FAILED');
    expect(p.steps).toEqual([
      { name: 'a', phase: 'succeeded', startedAt: 0, endedAt: 1000 },
      { name: 'b', phase: 'succeeded', startedAt: 1000, endedAt: 2000 },
      { name: 'c', phase: 'failed', startedAt: 2000, endedAt: 2500 },
    ]);
    expect(p.transitions.map((t) => `${t.to}@${t.at}`)).toEqual(['RUNNING@0', 'FAILED@2500']);
  });

  it('falls back to the last step still ahead when the named one has already run', () => {
    const p = at(chain, 10_000, [steer(1500, { outcome: 'fail', step: 'a' })]);
    expect(p.steps.map((s) => `${s.name}:${s.phase}`)).toEqual(['a:succeeded', 'b:succeeded', 'c:failed']);
  });

  it('is ignored once the run has ended, and carries the change’s outputs', () => {
    expect(at(chain, 10_000, [steer(4000, { outcome: 'fail' })]).state).toBe('DONE');
    const p = at(chain, 10_000, [steer(100, { outcome: 'succeed', outputs: { n: 1 } })]);
    expect(p).toMatchObject({ state: 'DONE', outputs: { n: 1 } });
    expect(at({ ...chain, outputs: { n: 0 } }, 10_000).outputs).toEqual({ n: 0 });
  });
});

describe('projectAhead: when the next transition is due', () => {
  const next = (plan: Plan, now: number, operations: OperationEvent[] = []) => projectAhead({ createdAt: 0, plan, operations }, machine, now).nextAt;

  it('is the run end while it runs, a settle while one is pending, never once settled or hanging', () => {
    expect(next(chain, 0)).toBe(3500);
    expect(next(chain, 3500)).toBe(Infinity);
    expect(next(chain, 1000, [{ name: 'terminate', at: 1000 }])).toBe(1100);
    expect(next(chain, 1100, [{ name: 'terminate', at: 1000 }])).toBe(Infinity);
    expect(next({ ...chain, outcome: { kind: 'hang', step: 'b' } }, 10_000)).toBe(Infinity);
    // An operation stamped after now (a clock set back) is still to come.
    expect(next(chain, 500, [{ name: 'cancel', at: 800 }])).toBe(800);
  });

  it('projects as project() does', () => {
    const ops: OperationEvent[] = [{ name: 'terminate', at: 1000 }];
    expect(projectAhead({ createdAt: 0, plan: chain, operations: ops }, machine, 1050).projection).toEqual(at(chain, 1050, ops));
  });
});
