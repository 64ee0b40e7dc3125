// A plan says how an instance will run: its steps (with durations and dependencies) and the
// outcome. Vendors build plans from their own workflow definitions; the engine only schedules them.

export interface PlannedStep {
  name: string;
  durationMs: number;
  /** Names of steps that must finish first. Names not listed earlier in the plan are ignored. */
  after: string[];
}

export type Outcome =
  | { kind: 'succeed' }
  | { kind: 'fail'; step: string; reason?: string }
  | { kind: 'hang'; step: string };

export interface Plan {
  steps: PlannedStep[];
  outcome: Outcome;
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
    if (failing) return { steps: steps.filter((s) => s.start < failing.end || s === failing), end: failing.end, failed: true };
  }
  const end = steps.reduce((max, s) => Math.max(max, s.end), 0);
  return { steps, end, failed: false };
}
