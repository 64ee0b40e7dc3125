// Instance lifecycle for one vendor: start, read (projected at now), list, and operations checked
// against the vendor's table and written with compare-and-set.
import type { Store, StoredRecord } from '../store/store.js';
import type { Clock } from './clock.js';
import type { WriteKind } from './events.js';
import { IllegalOperation, InstanceLimitReached, InstanceNotFound, UnknownOperation, WriteConflict } from './errors.js';
import type { Outcome, Plan, PlanChange } from './plan.js';
import { project, STEER, type OperationEvent, type Projection } from './project.js';
import type { StateMachine } from './state-machine.js';
import { StateIndex, type Backfill, type IndexDifference, type IndexedInstance } from './state-index.js';
import type { TenantIndex } from './tenant-index.js';

export interface InstanceData<A> {
  plan: Plan;
  operations: OperationEvent[];
  attrs: A;
}

export type InstanceRecord<A> = StoredRecord<InstanceData<A>>;

export interface InstanceView<A> {
  record: InstanceRecord<A>;
  projection: Projection;
}

export interface InstanceEngineOptions {
  store: Store;
  clock: Clock;
  ids: () => string;
  machine: StateMachine;
  /** Store kind, e.g. "datadog.instance". */
  kind: string;
  /** Told of every write: a new instance, a restored one (fixtures), or one an operation was appended to. */
  onWrite?: (record: InstanceRecord<unknown>, change: WriteKind) => void;
  /** Keep a state index per parent, so `countByState` needs no scan (costs an index write per instance write). */
  indexStates?: boolean;
  /** With indexStates: also index each parent's instances by start time, for `countStarted` and `newestFirst`. */
  indexStarts?: boolean;
  /** Where the tenants with instances are kept, for listings across tenants; none when absent. */
  tenants?: TenantIndex;
  /** How a person knows a tenant (for the dashboard), kept with its entry in `tenants`. */
  labelOf?: (tenant: string) => string | undefined;
  /** `admit` refuses (InstanceLimitReached) once a tenant has this many, counted since the last reset. */
  maxInstancesPerTenant?: number;
}

const MAX_CAS_ATTEMPTS = 16;
/** The largest page newestFirst reads at once: pages double from the caller's hint up to it. */
const MAX_CHUNK = 2000;
/** A store counter per tenant and kind; only a reset ends it, the TTL (10 years) is a formality. */
const COUNT_TTL_MS = 10 * 365 * 86_400_000;

export class InstanceEngine<A> {
  private readonly index: StateIndex | undefined;

  constructor(private readonly options: InstanceEngineOptions) {
    if (options.indexStates)
      this.index = new StateIndex(options.store, options.kind, options.machine, options.indexStarts);
  }

  get machine(): StateMachine {
    return this.options.machine;
  }

  /**
   * Takes room for one more of the tenant's instances, or throws InstanceLimitReached. Callers admit
   * before their first write (a scenario's hit, a default playbook), then `start`: a refused request
   * changes nothing. Atomic in a shared store, so concurrent starts cannot overshoot; a refusal leaves
   * the count above the limit, which refuses the same way until a reset.
   */
  async admit(tenant: string): Promise<void> {
    const max = this.options.maxInstancesPerTenant;
    if (max !== undefined && (await this.countOne(tenant)) > max) throw new InstanceLimitReached(max);
  }

  async start(tenant: string, parentId: string, plan: Plan, attrs: A, at?: number): Promise<InstanceView<A>> {
    const { store, clock, ids, kind } = this.options;
    const record: InstanceRecord<A> = {
      kind,
      tenant,
      id: ids(),
      parentId,
      createdAt: at ?? clock.now(tenant),
      version: 1,
      data: { plan, operations: [], attrs },
    };
    // The tenant is listed first: a crash in between leaves a tenant with nothing to list,
    // never an instance no listing finds.
    await this.options.tenants?.add(kind, tenant, this.options.labelOf?.(tenant));
    const seq = await store.create(record, this.index?.changesFor(indexed(record)));
    this.options.onWrite?.(record, 'created');
    return this.view({ ...record, seq });
  }

  /** Inserts a record as it is (fixtures): its plan and operations replay like any other. */
  async restore(record: InstanceRecord<A>): Promise<void> {
    await this.options.tenants?.add(this.options.kind, record.tenant, this.options.labelOf?.(record.tenant));
    await this.options.store.create(record, this.index?.changesFor(indexed({ ...record, seq: undefined })));
    // Counted (fixtures and timer runs take room too) but never refused: a read materializes timer runs.
    // Only once created: replicas restoring the same run race on its id, and only the winner gets
    // here, so a run is counted once; a crash just before leaves it uncounted, never counted twice.
    if (this.options.maxInstancesPerTenant !== undefined) await this.countOne(record.tenant);
    this.options.onWrite?.(record, 'restored');
  }

  /** Every tenant that has had instances of this kind (empty without a tenant index). */
  async tenants(): Promise<string[]> {
    return (await this.options.tenants?.tenants(this.options.kind)) ?? [];
  }

  /** A tenant's instances as stored, unprojected: what the event hub's first subscriber reads. */
  async records(tenant: string): Promise<InstanceRecord<A>[]> {
    return this.options.store.scan<InstanceData<A>>(this.options.kind, tenant);
  }

  async get(tenant: string, id: string): Promise<InstanceView<A> | undefined> {
    const record = await this.options.store.get<InstanceData<A>>(this.options.kind, tenant, id);
    return record && this.view(record);
  }

  async list(
    tenant: string,
    parentId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: InstanceView<A>[]; total: number }> {
    const page = await this.options.store.list<InstanceData<A>>({
      kind: this.options.kind,
      tenant,
      parentId,
      offset,
      limit,
    });
    const now = this.options.clock.now(tenant);
    return { items: page.items.map((r) => this.view(r, now)), total: page.total };
  }

  /** A parent that did not exist before has no instance to backfill into the state index. */
  async parentCreated(tenant: string, parentId: string): Promise<void> {
    await this.index?.markBuilt(tenant, parentId);
  }

  /** How many of a parent's instances are in each state at `at` (now); needs `indexStates`. */
  async countByState(
    tenant: string,
    parentId: string,
    states: readonly string[],
    at = this.options.clock.now(tenant),
  ): Promise<Record<string, number>> {
    return this.requireIndex('countByState').count(tenant, parentId, states, at, this.backfill(tenant, parentId));
  }

  /** How many of a parent's instances started within [min, max]; needs `indexStarts`. */
  async countStarted(tenant: string, parentId: string, min = -Infinity, max = Infinity): Promise<number> {
    return this.requireIndex('countStarted').countStarted(tenant, parentId, min, max, this.backfill(tenant, parentId));
  }

  /**
   * A parent's instances that started within [min, max], newest first (ties: the last written first),
   * from the `offset`-th on, projected at `at`: read a chunk at a time, so a caller that stops early
   * reads no further. Needs `indexStarts`.
   */
  async *newestFirst(
    tenant: string,
    parentId: string,
    options: { offset?: number; min?: number; max?: number; at?: number; chunk?: number } = {},
  ): AsyncGenerator<InstanceView<A>> {
    const index = this.requireIndex('newestFirst');
    await index.ensureBuilt(tenant, parentId, this.backfill(tenant, parentId));
    const { store, kind } = this.options;
    const at = options.at ?? this.options.clock.now(tenant);
    // Instances started meanwhile shift the pages by their number: one already given is not given again.
    const given = new Set<string>();
    let offset = options.offset ?? 0;
    for (let chunk = Math.min(MAX_CHUNK, Math.max(1, options.chunk ?? 100)); ; chunk = Math.min(chunk * 2, MAX_CHUNK)) {
      const ids = await index.startedNewestFirst(tenant, parentId, {
        offset,
        limit: chunk,
        min: options.min,
        max: options.max,
      });
      const records = await store.getMany<InstanceData<A>>(kind, tenant, ids);
      for (const record of records) {
        if (!record || given.has(record.id)) continue;
        given.add(record.id);
        yield this.view(record, at);
      }
      if (ids.length < chunk) return;
      offset += ids.length;
    }
  }

  /**
   * How many instances `inState` would read for `state` at `at`: what it costs, to weigh against a walk.
   * Needs `indexStarts`.
   */
  async inStateCost(tenant: string, parentId: string, state: string, at: number): Promise<number> {
    const index = this.requireIndex('inStateCost');
    await index.ensureBuilt(tenant, parentId, this.backfill(tenant, parentId));
    return index.candidateCount(tenant, parentId, state, at);
  }

  /**
   * A parent's instances in `state` at `at`, newest start first (ties: the last written first).
   * Needs `indexStarts`.
   */
  async inState(tenant: string, parentId: string, state: string, at: number): Promise<InstanceView<A>[]> {
    const index = this.requireIndex('inState');
    await index.ensureBuilt(tenant, parentId, this.backfill(tenant, parentId));
    const { store, kind } = this.options;
    const records = await store.getMany<InstanceData<A>>(
      kind,
      tenant,
      await index.candidates(tenant, parentId, state, at),
    );
    const views = records.filter((r) => r !== undefined).map((r) => this.view(r, at));
    return views
      .filter((v) => v.projection.state === state)
      .sort((a, b) => startOrder(b.record) - startOrder(a.record) || (b.record.seq ?? 0) - (a.record.seq ?? 0));
  }

  /** Every instance of a tenant (and parent), newest written first, projected at `at` (now). */
  async all(tenant: string, parentId?: string, at?: number): Promise<InstanceView<A>[]> {
    const records = await this.options.store.scan<InstanceData<A>>(this.options.kind, tenant, parentId);
    const now = at ?? this.options.clock.now(tenant);
    return records.map((r) => this.view(r, now));
  }

  /**
   * Applies an operation if the table allows it from the state at now. Concurrent callers race on
   * the record version: exactly one wins, the others re-read and see the new state. With
   * `delayMs` the operation takes effect that much later (an asynchronous cancel); a later call
   * is judged from the state it will have by then.
   */
  async operate(
    tenant: string,
    id: string,
    operation: string,
    outcome?: Outcome,
    delayMs = 0,
  ): Promise<InstanceView<A>> {
    const rule = this.options.machine.operations[operation];
    if (!rule) throw new UnknownOperation(operation);
    return this.append(
      tenant,
      id,
      operation,
      (state) => rule.from.includes(state),
      (at) => (outcome ? { name: operation, at: at + delayMs, outcome } : { name: operation, at: at + delayMs }),
    );
  }

  /**
   * Changes the rest of a running instance's run (a scenario for one instance);
   * refused once it has stopped running.
   */
  async steer(tenant: string, id: string, change: PlanChange): Promise<InstanceView<A>> {
    const { running } = this.options.machine;
    return this.append(
      tenant,
      id,
      'steer',
      (state) => running.includes(state),
      (at) => ({ name: STEER, at, change }),
    );
  }

  private async append(
    tenant: string,
    id: string,
    name: string,
    allowed: (state: string) => boolean,
    event: (at: number) => OperationEvent,
  ): Promise<InstanceView<A>> {
    const { store, clock, machine, kind } = this.options;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const record = await store.get<InstanceData<A>>(kind, tenant, id);
      if (!record) throw new InstanceNotFound(id);
      // Never before what the record already holds: a replica whose clock lags cannot put an
      // operation before the run's start or before an operation another replica stored.
      const at = Math.max(clock.now(tenant), lastEventAt(record));
      const current = project({ createdAt: record.createdAt, ...record.data }, machine, at);
      if (!allowed(current.state)) throw new IllegalOperation(id, name, current.state);
      const next: InstanceRecord<A> = {
        ...record,
        data: { ...record.data, operations: [...record.data.operations, event(at)] },
      };
      if (await store.update(next, record.version, this.index?.changesFor(indexed(next), indexed(record)))) {
        this.options.onWrite?.(next, 'updated');
        return this.view({ ...next, version: record.version + 1 }, at);
      }
    }
    throw new WriteConflict(`instance ${id}`, MAX_CAS_ATTEMPTS);
  }

  /**
   * Recomputes a tenant's state indexes from its records and returns where they differ; with
   * `repair`, makes them match. Nothing to check for a kind without indexes.
   */
  async checkIndexes(tenant: string, repair = false): Promise<IndexDifference[]> {
    if (!this.index) return [];
    const byParent = new Map<string, IndexedInstance[]>();
    for (const record of await this.options.store.scan<InstanceData<A>>(this.options.kind, tenant)) {
      if (record.parentId === undefined) continue;
      let list = byParent.get(record.parentId);
      if (!list) byParent.set(record.parentId, (list = []));
      list.push(indexed(record));
    }
    const differences: IndexDifference[] = [];
    for (const [parentId, instances] of byParent)
      differences.push(...(await this.index.check(tenant, parentId, instances, repair)));
    return differences;
  }

  private requireIndex(what: string): StateIndex {
    if (!this.index) throw new Error(`${this.options.kind}: ${what} needs indexStates`);
    return this.index;
  }

  /** What a backfill of a parent's indexes reads. */
  private backfill(tenant: string, parentId: string): Backfill {
    const { store, kind } = this.options;
    return {
      page: async (offset, limit) =>
        (await store.list<InstanceData<A>>({ kind, tenant, parentId, offset, limit })).items.map(indexed),
      current: async (id) => {
        const record = await store.get<InstanceData<A>>(kind, tenant, id);
        return record && indexed(record);
      },
    };
  }

  /** One more of the tenant's instances on the store counter the limit reads; returns the new count. */
  private countOne(tenant: string): Promise<number> {
    return this.options.store.increment(tenant, `instances:${this.options.kind}`, COUNT_TTL_MS);
  }

  view(record: InstanceRecord<A>, now = this.options.clock.now(record.tenant)): InstanceView<A> {
    return { record, projection: project({ createdAt: record.createdAt, ...record.data }, this.options.machine, now) };
  }
}

/** When the latest thing stored of an instance happened: its start or its last operation. */
const lastEventAt = (record: InstanceRecord<unknown>): number =>
  record.data.operations.reduce((latest, op) => Math.max(latest, op.at), record.createdAt);

/** The start index's score: the whole millisecond a timestamp shows. */
const startOrder = (record: StoredRecord<unknown>): number => Math.trunc(record.createdAt);

const indexed = <A>(record: InstanceRecord<A>): IndexedInstance => ({
  tenant: record.tenant,
  id: record.id,
  parentId: record.parentId,
  history: { createdAt: record.createdAt, ...record.data },
  seq: record.seq,
});
