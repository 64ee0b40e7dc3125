// Status is a fold: replaying a record's plan and operations up to `now` gives its state, its
// steps and every transition. Pure, so any replica (or a test) computes the same answer.
import {
  changePlan,
  schedulePlan,
  type Outcome,
  type Plan,
  type PlanChange,
  type PlannedStep,
  type Schedule,
} from './plan.js';
import type { StateMachine } from './state-machine.js';

/** Not a vendor operation: a scenario steering a running instance from `at` on. */
export const STEER = '@steer';

export interface OperationEvent {
  name: string;
  at: number;
  /** For a rerun: how the new run ends (decided when the operation was accepted). */
  outcome?: Outcome;
  /** For STEER: the change to the rest of the active run. */
  change?: PlanChange;
}

export interface InstanceHistory {
  createdAt: number;
  plan: Plan;
  operations: readonly OperationEvent[];
}

export type StepPhase = 'running' | 'succeeded' | 'failed' | 'stopped';

export interface StepView {
  name: string;
  phase: StepPhase;
  startedAt: number;
  endedAt?: number;
  /** Which run of this step it is, when a rerun ran it again (2, 3, ...); absent for the first. */
  attempt?: number;
}

export interface Transition {
  from: string | null;
  to: string;
  at: number;
  /** 'start', 'plan' (the run reached its outcome), 'settle', or the operation's name. */
  cause: string;
}

export interface Projection {
  state: string;
  steps: StepView[];
  transitions: Transition[];
  /** When the latest run stopped or finished; absent while a run is active or about to start. */
  endedAt?: number;
  /** Time of the latest transition. */
  updatedAt: number;
  /** The outputs the plan (or a later steer) gave the run. */
  outputs?: Record<string, unknown>;
  /** Earlier attempts of steps a rerun ran again, oldest first; absent when nothing was rerun. */
  superseded?: StepView[];
}

interface Run {
  startAt: number;
  steps: PlannedStep[];
  schedule: Schedule;
  /** Steps already running when the run was steered keep their real start. */
  startedAt?: Map<string, number>;
}

function startRun(startAt: number, steps: PlannedStep[], outcome: Outcome): Run {
  return { startAt, steps, schedule: schedulePlan({ steps, outcome }) };
}

export function project(history: InstanceHistory, machine: StateMachine, now: number): Projection {
  return foldUntil(history, machine, now).fold.result(now);
}

/**
 * The projection at now and when the instance's next transition is due (Infinity: none will come
 * without a new operation), so a watcher can leave it alone until then.
 */
export function projectAhead(
  history: InstanceHistory,
  machine: StateMachine,
  now: number,
): { projection: Projection; nextAt: number } {
  const { fold, nextOpAt } = foldUntil(history, machine, now);
  return { projection: fold.result(now), nextAt: Math.min(nextOpAt, fold.nextTimedAt()) };
}

function foldUntil(history: InstanceHistory, machine: StateMachine, now: number): { fold: Fold; nextOpAt: number } {
  const fold = new Fold(machine, history);
  const ops = [...history.operations].sort((a, b) => a.at - b.at);
  let nextOpAt = Infinity;
  for (const op of ops) {
    if (op.at > now) {
      // Stamped after now (a tenant's clock set back): a transition still to come.
      nextOpAt = op.at;
      break;
    }
    fold.settleUntil(op.at);
    fold.apply(op);
  }
  fold.settleUntil(now);
  return { fold, nextOpAt };
}

class Fold {
  state: string;
  run: Run | null;
  pending: { at: number; to: string; rerun?: Outcome } | null = null;
  steps = new Map<string, StepView>();
  transitions: Transition[] = [];
  endedAt: number | undefined;
  outputs: Record<string, unknown> | undefined;
  superseded: StepView[] = [];
  attempts = new Map<string, number>();

  constructor(
    private readonly machine: StateMachine,
    private readonly history: InstanceHistory,
  ) {
    this.state = machine.initial;
    this.transitions.push({ from: null, to: machine.initial, at: history.createdAt, cause: 'start' });
    this.run = startRun(history.createdAt, history.plan.steps, history.plan.outcome);
    this.outputs = history.plan.outputs;
  }

  /** When the next timed event (run outcome, settle) moves the state; Infinity when none will. */
  nextTimedAt(): number {
    const runEnd =
      this.run && this.machine.running.includes(this.state) ? this.run.startAt + this.run.schedule.end : Infinity;
    return Math.min(runEnd, this.pending ? this.pending.at : Infinity);
  }

  /** Applies every timed event (run outcome, settle) due at or before t, earliest first. */
  settleUntil(t: number): void {
    for (;;) {
      const runEnd =
        this.run && this.machine.running.includes(this.state) ? this.run.startAt + this.run.schedule.end : Infinity;
      const pendingAt = this.pending ? this.pending.at : Infinity;
      const next = Math.min(runEnd, pendingAt);
      if (next > t || next === Infinity) return;
      if (pendingAt <= runEnd && this.pending) this.settlePending();
      else this.finishRun(runEnd);
    }
  }

  apply(op: OperationEvent): void {
    if (op.name === STEER) return this.steer(op.at, op.change);
    const rule = this.machine.operations[op.name];
    // Operations were checked when accepted; one that is illegal here is ignored so the fold stays total.
    if (!rule || !rule.from.includes(this.state)) return;
    if (rule.effect === 'stop' && this.run) this.stopRun(op.at, true);
    this.pending = null;
    this.move(rule.to, op.at, op.name);
    const rerun = rule.effect === 'rerun' ? (op.outcome ?? { kind: 'succeed' }) : undefined;
    if (rule.settle) this.pending = { at: op.at + rule.settle.afterMs, to: rule.settle.to, rerun };
    else if (rerun) this.rerun(op.at, rerun);
  }

  result(now: number): Projection {
    if (this.run) this.materialize(this.run, now, false);
    const last = this.transitions[this.transitions.length - 1];
    const view: Projection = {
      state: this.state,
      steps: [...this.steps.values()],
      transitions: this.transitions,
      updatedAt: last ? last.at : this.history.createdAt,
    };
    if (this.endedAt !== undefined && !this.run && !this.pending) view.endedAt = this.endedAt;
    if (this.outputs !== undefined) view.outputs = this.outputs;
    if (this.superseded.length > 0) view.superseded = [...this.superseded];
    return view;
  }

  private settlePending(): void {
    const pending = this.pending!;
    this.pending = null;
    this.move(pending.to, pending.at, 'settle');
    if (pending.rerun) this.rerun(pending.at, pending.rerun);
  }

  private finishRun(at: number): void {
    const run = this.run!;
    this.stopRun(at, true);
    this.move(run.schedule.failed ? this.machine.onFailure : this.machine.onSuccess, at, 'plan');
  }

  private stopRun(at: number, stopped: boolean): void {
    if (!this.run) return;
    this.materialize(this.run, at, stopped);
    this.run = null;
    this.endedAt = at;
  }

  /**
   * A new run of every step that has not succeeded yet, from the one that failed. The attempts it
   * replaces stay in `superseded`: what happened to them is history, not undone by the rerun.
   */
  private rerun(at: number, outcome: Outcome): void {
    for (const [name, view] of this.steps) {
      if (view.phase === 'succeeded') continue;
      this.superseded.push(view);
      this.steps.delete(name);
      this.attempts.set(name, (this.attempts.get(name) ?? 1) + 1);
    }
    const done = new Set([...this.steps.values()].filter((s) => s.phase === 'succeeded').map((s) => s.name));
    const steps = this.history.plan.steps
      .filter((s) => !done.has(s.name))
      .map((s) => ({ ...s, after: s.after.filter((name) => !done.has(name)) }));
    this.run = startRun(at, steps, outcome);
    this.endedAt = undefined;
  }

  /**
   * The rest of an active run, changed from `at` on: what has happened stays, steps still ahead
   * (and the remainder of a running one) take the change's durations and outcome.
   */
  private steer(at: number, change: PlanChange | undefined): void {
    const run = this.run;
    if (!run || !change || !this.machine.running.includes(this.state)) return;
    this.materialize(run, at, false);
    const ended = new Set<string>();
    const started = new Map<string, number>();
    for (const s of run.schedule.steps) {
      if (run.startAt + s.end <= at) ended.add(s.name);
      else if (run.startAt + s.start <= at) started.set(s.name, run.startAt + s.start);
    }
    const rest = run.steps
      .filter((s) => !ended.has(s.name))
      .map((s) => ({ ...s, after: s.after.filter((n) => !ended.has(n)) }));
    const plan = changePlan({ steps: rest, outcome: { kind: 'succeed' } }, change);
    const steps = plan.steps.map((s) => {
      const since = started.get(s.name);
      return since === undefined ? s : { ...s, durationMs: Math.max(0, s.durationMs - (at - since)) };
    });
    this.run = { ...startRun(at, steps, plan.outcome), startedAt: started };
    if (change.outputs !== undefined) this.outputs = change.outputs;
  }

  private materialize(run: Run, t: number, stopped: boolean): void {
    for (const step of run.schedule.steps) {
      const startedAt = run.startedAt?.get(step.name) ?? run.startAt + step.start;
      if (startedAt > t || (stopped && startedAt === t && step.end > step.start)) continue;
      const endedAt = run.startAt + step.end;
      const attempt = this.attempts.get(step.name);
      const again = attempt === undefined ? {} : { attempt };
      if (endedAt <= t) {
        this.steps.set(step.name, { name: step.name, phase: step.result, startedAt, endedAt, ...again });
      } else if (stopped) {
        this.steps.set(step.name, { name: step.name, phase: 'stopped', startedAt, endedAt: t, ...again });
      } else {
        this.steps.set(step.name, { name: step.name, phase: 'running', startedAt, ...again });
      }
    }
  }

  private move(to: string, at: number, cause: string): void {
    if (to === this.state) return;
    this.transitions.push({ from: this.state, to, at, cause });
    this.state = to;
  }
}
