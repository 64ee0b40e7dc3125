// Instances as the control plane shows them across vendors and tenants (GET /__flowtwin/instances,
// the dashboard): a vendor-neutral summary and detail made from the same projection the vendor
// APIs answer with, so the two can never disagree.
import { isoTime, type Clock } from '../engine/clock.js';
import type { InstanceEngine, InstanceView } from '../engine/instances.js';
import type { IndexDifference } from '../engine/state-index.js';
import type { components } from '../generated/control.js';

export type InstanceSummary = components['schemas']['InstanceSummary'];
export type InstanceDetail = components['schemas']['InstanceDetail'];
export type InstanceOperation = InstanceDetail['operations'][number];
type StepDetail = InstanceDetail['steps'][number];

export interface InstanceCatalog {
  /** Every instance of every tenant (or of one), projected at its tenant's clock. */
  list(tenant?: string): Promise<InstanceSummary[]>;
  /** One instance, or undefined when the tenant has none with this id. */
  detail(tenant: string, id: string): Promise<InstanceDetail | undefined>;
  /** Every tenant's state indexes recomputed from the records: where they differ (made to match with `repair`). */
  checkIndexes(repair?: boolean): Promise<IndexDifference[]>;
}

/** What a vendor says about its own instances; the rest is the same for every vendor. */
export interface CatalogShape<A> {
  vendor: string;
  engine: InstanceEngine<A>;
  clock: Clock;
  name(view: InstanceView<A>): string;
  /** How a planned step is called on screen (SecMaster plans know actions by id). */
  stepName?(view: InstanceView<A>, step: string): string;
  /** The vendor API call that applies an operation of the state machine to this instance. */
  call(view: InstanceView<A>, operation: string): Omit<InstanceOperation, 'name'>;
  /** Runs before a tenant's instances are read (SecMaster creates its due TIMER runs). */
  prepare?(tenant: string): Promise<void>;
}

const iso = isoTime;

export function instanceCatalog<A>(shape: CatalogShape<A>): InstanceCatalog {
  return {
    async list(tenant) {
      const tenants = tenant === undefined ? await shape.engine.tenants() : [tenant];
      const out: InstanceSummary[] = [];
      for (const t of tenants) {
        await shape.prepare?.(t);
        for (const view of await shape.engine.all(t)) out.push(summary(shape, view));
      }
      return out;
    },
    async checkIndexes(repair = false) {
      const out: IndexDifference[] = [];
      for (const t of await shape.engine.tenants()) out.push(...(await shape.engine.checkIndexes(t, repair)));
      return out;
    },
    async detail(tenant, id) {
      await shape.prepare?.(tenant);
      const found = await shape.engine.get(tenant, id);
      if (!found) return undefined;
      const now = shape.clock.now(tenant);
      return detail(shape, shape.engine.view(found.record, now), now);
    },
  };
}

function summary<A>(shape: CatalogShape<A>, view: InstanceView<A>): InstanceSummary {
  const { record, projection } = view;
  return {
    vendor: shape.vendor,
    tenant: record.tenant,
    id: record.id,
    parentId: record.parentId ?? '',
    name: shape.name(view),
    status: projection.state,
    active: projection.endedAt === undefined,
    startedAt: iso(record.createdAt),
    updatedAt: iso(projection.updatedAt),
    ...(projection.endedAt !== undefined ? { endedAt: iso(projection.endedAt) } : {}),
  };
}

function detail<A>(shape: CatalogShape<A>, view: InstanceView<A>, now: number): InstanceDetail {
  const { projection } = view;
  const machine = shape.engine.machine;
  const label = (step: string) => shape.stepName?.(view, step) ?? step;
  const seen = new Map(projection.steps.map((s) => [s.name, s]));
  const steps: StepDetail[] = view.record.data.plan.steps.map((planned) => {
    const s = seen.get(planned.name);
    const plannedMs = Math.max(0, Math.round(planned.durationMs));
    if (!s) return { name: label(planned.name), phase: 'pending', plannedMs };
    return {
      name: label(s.name),
      phase: s.phase,
      startedAt: iso(s.startedAt),
      ...(s.endedAt !== undefined ? { endedAt: iso(s.endedAt) } : {}),
      plannedMs,
    };
  });
  const operations = Object.entries(machine.operations)
    .filter(([, rule]) => rule.from.includes(projection.state))
    .map(([name]) => ({ name, ...shape.call(view, name) }));
  return {
    ...summary(shape, view),
    now: iso(now),
    steps,
    transitions: projection.transitions.map((t) => ({ from: t.from, to: t.to, at: iso(t.at), cause: t.cause })),
    operations,
  };
}
