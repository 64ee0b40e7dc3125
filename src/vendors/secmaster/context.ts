// What the SecMaster handlers share, and the two ways an instance comes to exist: a playbook run
// started for a data object (EVENT, or the control plane's trigger), and TIMER playbooks whose
// runs are materialized, idempotently, for every tick the clock has passed.
import type { Clock } from '../../engine/clock.js';
import { InstanceEngine, type InstanceView } from '../../engine/instances.js';
import { changePlan, type Outcome, type PlanChange } from '../../engine/plan.js';
import type { EventHub } from '../../engine/events.js';
import type { ScenarioBook } from '../../engine/scenarios.js';
import type { TenantIndex } from '../../engine/tenant-index.js';
import type { TimerMarks } from '../../engine/timer-marks.js';
import type { OperationEvent } from '../../engine/project.js';
import { DuplicateRecordError, type Store, type StoredRecord } from '../../store/store.js';
import {
  INSTANCE_KIND,
  PLAYBOOK_KIND,
  uuidFrom,
  VERSION_KIND,
  type Ref,
  type SecMasterInstanceAttrs,
  type StoredPlaybook,
  type StoredVersion,
} from './model.js';
import { secmasterMachine } from './state-machine.js';
import { smTimestamp } from './time.js';

/** A clock advanced by days must not create millions of runs in one read. */
export const MAX_TIMER_RUNS_PER_READ = 1000;

export interface SecMasterContext {
  store: Store;
  clock: Clock;
  /** Real time, for signature dates: the SDK signs with the wall clock, not flowtwin's. */
  wallClock: Clock;
  ids: () => string;
  instances: InstanceEngine<SecMasterInstanceAttrs>;
  scenarios: ScenarioBook;
  timers: TimerMarks;
}

export function createSecMasterContext(deps: {
  store: Store;
  clock: Clock;
  wallClock: Clock;
  ids: () => string;
  scenarios: ScenarioBook;
  timers: TimerMarks;
  events: EventHub;
  tenants?: TenantIndex;
  maxInstancesPerTenant?: number;
}): SecMasterContext {
  const instances = new InstanceEngine<SecMasterInstanceAttrs>({
    ...deps,
    machine: secmasterMachine,
    kind: INSTANCE_KIND,
    // A SecMaster tenant is its project: the id is what a person knows it by.
    labelOf: (tenant) => `project ${tenant}`,
    // ListPlaybookInstances pages by start time and counts by status without reading the workspace.
    indexStates: true,
    indexStarts: true,
    onWrite: (record, change) => deps.events.written('secmaster', record, change),
  });
  // A first event subscriber reads the instances still moving from the store.
  deps.events.register('secmaster', secmasterMachine, instances);
  return { ...deps, instances };
}

export interface StartOptions {
  dataobject?: Ref;
  outcome?: Outcome;
  at?: number;
  /** With an id the record is restored as given (fixtures, timer ticks), operations included. */
  id?: string;
  operations?: OperationEvent[];
  /** What a scenario changes, already decided (a TIMER claim took its hit): no scenario is taken. */
  decided?: { change?: PlanChange };
}

export async function startInstance(
  ctx: SecMasterContext,
  tenant: string,
  playbook: StoredRecord<StoredPlaybook>,
  version: StoredRecord<StoredVersion>,
  options: StartOptions = {},
): Promise<InstanceView<SecMasterInstanceAttrs>> {
  const at = options.at ?? ctx.clock.now(tenant);
  const v = version.data;
  const steps = v.actions.map((a, i) => ({
    name: a.id,
    durationMs: a.durationMs,
    after: i > 0 ? [v.actions[i - 1]!.id] : [],
  }));
  const attrs: SecMasterInstanceAttrs = {
    workspaceId: playbook.data.workspaceId,
    name: `${playbook.data.name}-${smTimestamp(at).replace(/\D/g, '').slice(0, 14)}`,
    playbook: { id: playbook.id, version_id: version.id, name: playbook.data.name, version: v.version },
    dataclass: v.dataclass,
    dataobject: options.dataobject ?? {
      id: uuidFrom(`dataobject/${playbook.id}/${at}`),
      name: `${v.dataclass.name} object`,
    },
    triggerType: v.triggerType,
    actions: v.actions,
  };
  const change = options.decided
    ? options.decided.change
    : options.outcome
      ? undefined
      : await ctx.scenarios.take('secmaster', tenant, playbook.id);
  const plan = options.outcome
    ? { steps, outcome: options.outcome }
    : changePlan({ steps, outcome: { kind: 'succeed' } }, byActionIds(v.actions, change));
  if (options.id) {
    const record = {
      kind: INSTANCE_KIND,
      tenant,
      id: options.id,
      parentId: playbook.data.workspaceId,
      createdAt: at,
      version: 1,
      data: { plan, operations: options.operations ?? [], attrs },
    };
    await ctx.instances.restore(record);
    return ctx.instances.view(record);
  }
  return ctx.instances.start(tenant, playbook.data.workspaceId, plan, attrs, at);
}

/** Scenarios name actions; plans know them by id. */
export function byActionIds<C extends PlanChange>(actions: StoredVersion['actions'], change: C): C;
export function byActionIds<C extends PlanChange>(
  actions: StoredVersion['actions'],
  change: C | undefined,
): C | undefined;
export function byActionIds<C extends PlanChange>(
  actions: StoredVersion['actions'],
  change: C | undefined,
): C | undefined {
  if (!change) return undefined;
  const idOf = (name: string) => actions.find((a) => a.name === name)?.id ?? name;
  const byId = <V>(map: Record<string, V> | undefined) =>
    map && Object.fromEntries(Object.entries(map).map(([name, v]) => [idOf(name), v]));
  const durationsMs = byId(change.durationsMs);
  const outputs = byId(change.outputs);
  return {
    ...change,
    ...(change.step ? { step: idOf(change.step) } : {}),
    ...(durationsMs ? { durationsMs } : {}),
    ...(outputs ? { outputs } : {}),
  };
}

/**
 * Creates the runs of every enabled TIMER playbook of a workspace that are due by now. Run ids are
 * derived from (version, tick), and their scenario hits are claimed (TimerMarks) before any run is
 * created, so replicas or concurrent reads creating the same run take its hit once and collide
 * harmlessly on the create. A read whose clock passed no new tick creates and probes nothing.
 */
export async function materializeTimers(ctx: SecMasterContext, tenant: string, workspaceId: string): Promise<void> {
  const now = ctx.clock.now(tenant);
  const playbooks = await ctx.store.scan<StoredPlaybook>(PLAYBOOK_KIND, tenant, workspaceId);
  let budget = MAX_TIMER_RUNS_PER_READ;
  for (const playbook of playbooks) {
    if (budget <= 0) return;
    if (!playbook.data.enabled) continue;
    const version = await ctx.store.get<StoredVersion>(VERSION_KIND, tenant, playbook.data.activeVersionId);
    const timer = version?.data.timer;
    if (!version || !timer || version.data.triggerType !== 'TIMER') continue;
    const due = Math.floor((now - timer.firstAt) / timer.intervalMs);
    const runId = (tick: number) => uuidFrom(`timer/${version.id}/${tick}`);
    // A timer without a mark may still have runs, made by a flowtwin that kept no marks on this
    // durable store: their ticks take no scenario hit (their create collides). Read once per
    // version, as it has a mark from its first claim on.
    const unmarked = due >= 0 && !ctx.timers.marked(tenant, version.id);
    const existing = unmarked ? await existingTicks(ctx, tenant, due, budget, runId) : undefined;
    // Usually one claim; a second when a crashed read left one open and new ticks came since.
    while (budget > 0 && ctx.timers.pending(tenant, version.id, due)) {
      // Joining a claim already open costs no control write; only a new claim is written.
      const runs =
        ctx.timers.open(tenant, version.id) ??
        (await ctx.timers.commit(() =>
          ctx.timers.claim(tenant, version.id, due, budget, (tick) =>
            existing?.has(tick) ? undefined : ctx.scenarios.takeNow('secmaster', tenant, playbook.id),
          ),
        ));
      if (runs.length === 0) break;
      // Oldest ticks first, so insertion order stays creation order.
      for (const run of runs) {
        const at = timer.firstAt + run.tick * timer.intervalMs;
        const id = runId(run.tick);
        try {
          await startInstance(ctx, tenant, playbook, version, {
            at,
            id,
            decided: run.change ? { change: run.change } : {},
          });
        } catch (err) {
          if (!(err instanceof DuplicateRecordError)) throw err;
        }
      }
      budget -= runs.length;
      const to = runs[runs.length - 1]!.tick;
      if (ctx.timers.undone(tenant, version.id, to))
        await ctx.timers.commit(() => ctx.timers.done(tenant, version.id, to));
    }
  }
}

/** Which of the ticks a first claim could take already have their run. */
async function existingTicks(
  ctx: SecMasterContext,
  tenant: string,
  due: number,
  budget: number,
  runId: (tick: number) => string,
): Promise<Set<number>> {
  const ticks = Array.from({ length: Math.min(budget, due + 1) }, (_, i) => due - i);
  const records = await ctx.store.getMany(INSTANCE_KIND, tenant, ticks.map(runId));
  return new Set(ticks.filter((_, i) => records[i] !== undefined));
}
