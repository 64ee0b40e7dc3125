// Scenarios say how the next runs of a workflow or playbook will go (outcome, failing or hanging
// step, step durations), for the next N runs or with a probability from a seeded generator. The
// book is vendor-neutral: vendors parse their own control input into a ScenarioSpec and consult
// the book when a run starts; the chosen outcome is then part of the run's plan for good.

import type { PlanChange } from './plan.js';
import { RuleList } from './rule-list.js';

export interface ScenarioSpec extends PlanChange {
  vendor: string;
  /** Workflow or playbook id; every one of the vendor's when absent. */
  target?: string;
  /** One existing, running instance, steered from now on instead of future runs. */
  instance?: string;
  /** Only this tenant's runs (set when the control call carried its credentials); all when absent. */
  tenant?: string;
  times?: number;
  probability?: number;
}

export interface Scenario extends ScenarioSpec {
  id: string;
  hits: number;
}

export class ScenarioBook extends RuleList<Scenario> {
  constructor(private readonly random: () => number) {
    super('scenario');
  }

  /** The first matching scenario that fires for this run; targeted and tenant-scoped ones go first. */
  async take(vendor: string, tenant: string, target: string): Promise<Scenario | undefined> {
    for (const s of this.candidates(vendor, tenant, target)) {
      if (s.probability !== undefined && this.random() >= s.probability) continue;
      const fired = await this.fire(s.id);
      if (fired) return fired;
    }
    return undefined;
  }

  /**
   * `take` for a caller already inside a commit (its hit stored in the same write as what the
   * caller records with it, e.g. a TIMER claim): matches and records the hit on the live rules.
   */
  takeNow(vendor: string, tenant: string, target: string): Scenario | undefined {
    for (const s of this.candidates(vendor, tenant, target)) {
      if (s.probability !== undefined && this.random() >= s.probability) continue;
      return this.fired(s);
    }
    return undefined;
  }

  private candidates(vendor: string, tenant: string, target: string): Scenario[] {
    const candidates = this.entries().filter(
      (s) =>
        s.vendor === vendor &&
        (s.target === undefined || s.target === target) &&
        (s.tenant === undefined || s.tenant === tenant),
    );
    const specificity = (s: Scenario) => Number(s.target !== undefined) * 2 + Number(s.tenant !== undefined);
    return [...candidates].sort((a, b) => specificity(b) - specificity(a));
  }
}
