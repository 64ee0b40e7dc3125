// A plan says how an instance will run: its steps (with durations and dependencies) and the
// outcome. Vendors build plans from their own workflow definitions; the engine only schedules them.

export interface PlannedStep {
  name: string;
  durationMs: number;
  /** Names of steps that must finish first. Names not listed earlier in the plan are ignored. */
  after: string[];
}

export type Outcome =
  { kind: 'succeed' } | { kind: 'fail'; step: string; reason?: string } | { kind: 'hang'; step: string };

export interface Plan {
  steps: PlannedStep[];
  outcome: Outcome;
  /** What the run reports once it has succeeded; each vendor reads it its own way. */
  outputs?: Record<string, unknown>;
}

/** A scenario's say over a run: how it ends, where, how long steps take, what it outputs. */
export interface PlanChange {
  outcome: 'succeed' | 'fail' | 'hang';
  /** Name of the step that fails or hangs; the last one when absent. */
  step?: string;
  /** Duration per step name, overriding the plan's. */
  durationsMs?: Record<string, number>;
  outputs?: Record<string, unknown>;
}

/**
 * A plan as a change shapes it. A named step the plan does not have falls back to the plan's
 * last step, so a scenario written for another version of a workflow still fails or hangs it.
 */
export function changePlan(plan: Plan, change: PlanChange | undefined): Plan {
  if (!change) return plan;
  const steps = plan.steps.map((s) => {
    const ms = change.durationsMs?.[s.name];
    return ms === undefined ? s : { ...s, durationMs: ms };
  });
  const outputs = change.outputs ?? plan.outputs;
  const named = change.step !== undefined && steps.some((s) => s.name === change.step) ? change.step : undefined;
  const step = named ?? steps[steps.length - 1]?.name;
  const outcome: Outcome =
    change.outcome === 'succeed' || step === undefined ? { kind: 'succeed' } : { kind: change.outcome, step };
  return outputs === undefined ? { steps, outcome } : { steps, outcome, outputs };
}

export interface ScheduledStep {
  name: string;
  /** Offsets from the start of the run; Infinity when the step never starts or never ends. */
  start: number;
  end: number;
  result: 'succeeded' | 'failed';
}

export interface Schedule {
  steps: ScheduledStep[];
  /** Offset at which the run reaches its outcome; Infinity for a hang. */
  end: number;
  failed: boolean;
}

/** Earliest-start schedule of a plan: a step starts when all its known predecessors have ended. */
export function schedulePlan(plan: Plan): Schedule {
  const ends = new Map<string, number>();
  const steps: ScheduledStep[] = [];
  const { outcome } = plan;
  for (const step of plan.steps) {
    let start = 0;
    for (const before of step.after) {
      const end = ends.get(before);
      if (end !== undefined && end > start) start = end;
    }
    const hangs = outcome.kind === 'hang' && outcome.step === step.name;
    const end = hangs ? Infinity : start + step.durationMs;
    const fails = outcome.kind === 'fail' && outcome.step === step.name;
    ends.set(step.name, end);
    steps.push({ name: step.name, start, end, result: fails ? 'failed' : 'succeeded' });
  }
  if (outcome.kind === 'fail') {
    const failing = steps.find((s) => s.name === outcome.step);
    if (failing)
      return { steps: steps.filter((s) => s.start < failing.end || s === failing), end: failing.end, failed: true };
  }
  const end = steps.reduce((max, s) => Math.max(max, s.end), 0);
  return { steps, end, failed: false };
}
