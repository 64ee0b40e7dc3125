// Turns a workflow spec into an engine plan: from the trigger's startStepNames along outboundEdges.
// com.datadoghq.core.sleep takes its durationSeconds; other steps take a configurable default.
import type { Outcome, Plan, PlannedStep } from '../../engine/plan.js';
import type { WorkflowSpec, WorkflowStep } from './workflow-model.js';

export const SLEEP_ACTION = 'com.datadoghq.core.sleep';

export interface PlanOptions {
  defaultStepMs: number;
  outcome?: Outcome;
}

/** The trigger an API execution starts from: the apiTrigger's, else the first with start steps. */
function startStepNames(spec: WorkflowSpec): string[] {
  const triggers = spec.triggers ?? [];
  const api = triggers.find((t) => t.apiTrigger !== undefined && t.startStepNames?.length);
  return (api ?? triggers.find((t) => t.startStepNames?.length))?.startStepNames ?? [];
}

export function buildPlan(spec: WorkflowSpec, options: PlanOptions): Plan {
  const byName = new Map((spec.steps ?? []).map((s) => [s.name, s]));
  const preds = new Map<string, string[]>();
  const order: WorkflowStep[] = [];
  const queue = startStepNames(spec).filter((n) => byName.has(n));
  const seen = new Set(queue);
  while (queue.length > 0) {
    const step = byName.get(queue.shift()!)!;
    order.push(step);
    for (const next of followedEdges(step)) {
      if (!byName.has(next)) continue;
      preds.set(next, [...(preds.get(next) ?? []), step.name]);
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  const steps: PlannedStep[] = order.map((s) => ({
    name: s.name,
    durationMs: stepDuration(s, options.defaultStepMs),
    after: preds.get(s.name) ?? [],
  }));
  return { steps, outcome: options.outcome ?? { kind: 'succeed' } };
}

/** A branching step (if/else) takes its first branch only: one path runs, as in Datadog. */
function followedEdges(step: WorkflowStep): string[] {
  const edges = step.outboundEdges ?? [];
  const first = edges[0]?.branchName;
  return edges.filter((e) => e.branchName === first).map((e) => e.nextStepName);
}

function stepDuration(step: WorkflowStep, defaultMs: number): number {
  if (step.actionId !== SLEEP_ACTION) return defaultMs;
  const raw = step.parameters?.find((p) => p.name === 'durationSeconds')?.value;
  const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : defaultMs;
}
