// Transition events, computed from the same projection the APIs answer with. The hub watches
// nothing while nobody subscribes: the first subscriber (for a tenant, or for all) has the moving
// instances read from the store, and from then on every write. Each watched instance waits in a
// schedule (a heap per tenant, whose clock it follows) until its next transition is due, so a tick
// projects only the instances that moved. A caller (the control plane's event stream) ticks it;
// the engine itself runs no timer.
import type { Store } from '../store/store.js';
import { isoTime, type Clock } from './clock.js';
import { DueHeap } from './due-heap.js';
import { project, projectAhead, type OperationEvent } from './project.js';
import type { Plan } from './plan.js';
import type { StateMachine } from './state-machine.js';

export interface TransitionEvent {
  vendor: string;
  tenant: string;
  instanceId: string;
  parentId?: string;
  from: string | null;
  to: string;
  /** Virtual time of the transition, ISO 8601. */
  at: string;
  /** 'start', 'plan', 'settle', or the operation's name. */
  cause: string;
}

export interface WatchedRecord {
  tenant: string;
  id: string;
  parentId?: string;
  createdAt: number;
  data: { plan: Plan; operations: OperationEvent[] };
}

/** A new instance, one inserted as it is (fixtures), or one an operation was appended to. */
export type WriteKind = 'created' | 'restored' | 'updated';

/** Where a vendor's instances are read from when a first subscriber needs those written before it. */
export interface InstanceSource {
  tenants(): Promise<string[]>;
  records(tenant: string): Promise<WatchedRecord[]>;
}

interface Watch {
  vendor: string;
  machine: StateMachine;
  record: WatchedRecord;
  emitted: number;
  /** When its next transition is due, in its tenant's virtual time; the schedule holds it there. */
  due: number;
}

/** What is watched while anyone subscribes: every tenant (`all`) or these; loads under way. */
interface Scope {
  all?: Promise<void>;
  tenants: Map<string, Promise<void>>;
  loading: number;
  /** Written while a load is under way: the load's copy may be older, so it is left out. */
  touched: Set<string>;
}

export type TransitionListener = (event: TransitionEvent) => void;

/** More instances than this still moving at once, and the oldest stop being watched. */
export const MAX_WATCHED = 100_000;

/** Instance writes (and resets) from every replica sharing a store. */
export const INSTANCES_CHANNEL = 'flowtwin.instances';

type BusMessage = { reset: true } | { forget: string } | { vendor: string; record: WatchedRecord; change: WriteKind };

const ignore: TransitionListener = () => undefined;

export class EventHub {
  private readonly watched = new Map<string, Watch>();
  /** tenant -> watched instances by due time; an entry whose watch was replaced or dropped is stale. */
  private readonly schedule = new Map<string, DueHeap<{ key: string; watch: Watch }>>();
  private scheduled = 0;
  private readonly listeners = new Set<TransitionListener>();
  private readonly vendors = new Map<string, { machine: StateMachine; source: InstanceSource | undefined }>();
  private scope: Scope | undefined;
  /** Subscribers, those still waiting for their load included. */
  private holders = 0;
  /** Moves on every reset, so a load that read before it reads again. */
  private epoch = 0;
  /** Projections made, so tests can check that a tick's work follows what changed. */
  projections = 0;
  /** Set when the store is shared: writes then travel through it, to this replica too. */
  private bus: { store: Store; unsubscribe: () => Promise<void> } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly maxWatched = MAX_WATCHED,
  ) {}

  register(vendor: string, machine: StateMachine, source?: InstanceSource): void {
    this.vendors.set(vendor, { machine, source });
  }

  /** Listens to the other replicas' writes when the store is shared; nothing to do otherwise. */
  async connect(store: Store): Promise<void> {
    if (!store.info.shared) return;
    const unsubscribe = await store.subscribe(INSTANCES_CHANNEL, (text) => this.receive(text));
    this.bus = { store, unsubscribe };
  }

  async disconnect(): Promise<void> {
    await this.bus?.unsubscribe();
    this.bus = undefined;
  }

  /** An instance was written by this replica. */
  written(vendor: string, record: WatchedRecord, change: WriteKind): void {
    if (!this.bus) return this.watch(vendor, record, change);
    // Published even when nobody subscribes here: another replica's subscribers may want it.
    const { tenant, id, parentId, createdAt, data } = record;
    const message: BusMessage = {
      vendor,
      record: {
        tenant,
        id,
        ...(parentId !== undefined ? { parentId } : {}),
        createdAt,
        data: { plan: data.plan, operations: data.operations },
      },
      change,
    };
    void this.bus.store.publish(INSTANCES_CHANNEL, JSON.stringify(message)).catch(() => undefined);
  }

  /** Everything was reset: every replica forgets what it watched. */
  async cleared(): Promise<void> {
    this.clear();
    await this.bus?.store.publish(INSTANCES_CHANNEL, JSON.stringify({ reset: true } satisfies BusMessage));
  }

  /** One tenant was reset: its instances are gone, here and on every replica. */
  async forgotten(tenant: string): Promise<void> {
    this.forget(tenant);
    await this.bus?.store.publish(INSTANCES_CHANNEL, JSON.stringify({ forget: tenant } satisfies BusMessage));
  }

  private receive(text: string): void {
    // Nobody subscribes here: not even worth parsing.
    if (!this.scope) return;
    let message: BusMessage;
    try {
      message = JSON.parse(text) as BusMessage;
    } catch {
      return;
    }
    if ('reset' in message) return this.clear();
    if ('forget' in message) return this.forget(message.forget);
    this.watch(message.vendor, message.record, message.change);
  }

  /**
   * A write, watched if a subscriber's scope covers its tenant. A new instance reports all its
   * transitions; a restored one (fixtures) only those after now; an updated one those from its new
   * operation on (or from where it was, when watched).
   */
  private watch(vendor: string, record: WatchedRecord, change: WriteKind): void {
    const machine = this.vendors.get(vendor)?.machine;
    if (!machine || !this.covers(record.tenant)) return;
    const key = keyOf(vendor, record);
    if (this.scope!.loading > 0) this.scope!.touched.add(key);
    const known = this.watched.get(key);
    const ops = record.data.operations;
    let emitted = known?.emitted ?? 0;
    if (!known && change === 'updated' && ops.length > 0) {
      // What the instance had done when the operation came (the operation is the last appended).
      const last = ops[ops.length - 1]!;
      emitted = project(
        { createdAt: record.createdAt, plan: record.data.plan, operations: ops.slice(0, -1) },
        machine,
        last.at,
      ).transitions.length;
      this.projections++;
    }
    this.track(
      key,
      { vendor, machine, record, emitted, due: -Infinity },
      !known && (change === 'restored' || (change === 'updated' && ops.length === 0)),
    );
  }

  /** Watches (or stops watching) an instance after delivering its transitions up to now. */
  private track(key: string, entry: Watch, passOver: boolean): void {
    this.watched.delete(key);
    this.watched.set(key, entry);
    if (this.watched.size > this.maxWatched) this.watched.delete(this.watched.keys().next().value!);
    this.step(key, entry, passOver ? ignore : this.listeners.size > 0 ? this.broadcast : ignore);
  }

  /**
   * Transitions from now on, of `tenant`'s instances (every tenant's when absent): what happened
   * while nobody listened is passed over, not replayed. Resolves once the instances written before
   * are watched; the returned function unsubscribes.
   */
  async subscribe(listener: TransitionListener, tenant?: string): Promise<() => void> {
    this.holders++;
    try {
      await this.cover(tenant);
    } catch (err) {
      this.release();
      throw err;
    }
    this.listeners.add(listener);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.listeners.delete(listener);
      this.release();
    };
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Instances watched now (none without subscribers). */
  get watching(): number {
    return this.watched.size;
  }

  /** Entries in the schedule, stale ones included: what a tick may have to pop (bounded by `compact`). */
  get queued(): number {
    return this.scheduled;
  }

  /** Emits every transition that is due by now and was not emitted yet; forgets settled instances. */
  tick(): void {
    if (this.listeners.size === 0) return;
    for (const [tenant, heap] of this.schedule) {
      const now = this.clock.now(tenant);
      for (let next = heap.peek(); next !== undefined && next.at <= now; next = heap.peek()) {
        heap.pop();
        this.scheduled--;
        const { key, watch } = next.item;
        if (this.watched.get(key) === watch && watch.due === next.at) this.step(key, watch, this.broadcast);
      }
      if (heap.size === 0) this.schedule.delete(tenant);
    }
  }

  clear(): void {
    this.epoch++;
    this.watched.clear();
    this.schedule.clear();
    this.scheduled = 0;
  }

  private forget(tenant: string): void {
    this.epoch++;
    const heap = this.schedule.get(tenant);
    this.schedule.delete(tenant);
    if (!heap) return;
    this.scheduled -= heap.size;
    for (let e = heap.pop(); e !== undefined; e = heap.pop())
      if (this.watched.get(e.item.key) === e.item.watch) this.watched.delete(e.item.key);
  }

  private readonly broadcast: TransitionListener = (event) => {
    for (const listener of this.listeners) listener(event);
  };

  private covers(tenant: string): boolean {
    return this.scope !== undefined && (this.scope.all !== undefined || this.scope.tenants.has(tenant));
  }

  /** Widens the scope to `tenant` (or every tenant), reading the instances written before. */
  private cover(tenant: string | undefined): Promise<void> {
    if (!this.scope) this.scope = { tenants: new Map(), loading: 0, touched: new Set() };
    const scope = this.scope;
    if (scope.all) return scope.all;
    if (tenant === undefined)
      return (scope.all = this.load(scope, undefined).catch((err: unknown) => this.uncover(scope, undefined, err)));
    let loading = scope.tenants.get(tenant);
    if (!loading)
      scope.tenants.set(
        tenant,
        (loading = this.load(scope, tenant).catch((err: unknown) => this.uncover(scope, tenant, err))),
      );
    return loading;
  }

  /** A failed load covers nothing: the next subscriber tries again. */
  private uncover(scope: Scope, tenant: string | undefined, err: unknown): never {
    if (tenant === undefined) delete scope.all;
    else scope.tenants.delete(tenant);
    throw err;
  }

  private async load(scope: Scope, tenant: string | undefined): Promise<void> {
    scope.loading++;
    try {
      for (const [vendor, { machine, source }] of this.vendors) {
        if (!source) continue;
        for (const t of tenant === undefined ? await source.tenants() : [tenant]) {
          // A reset while reading: what was read may be gone, so read again.
          for (let epoch = -1; epoch !== this.epoch;) {
            epoch = this.epoch;
            const records = await source.records(t);
            if (this.scope !== scope) return;
            if (epoch !== this.epoch) continue;
            for (const record of records) {
              const key = keyOf(vendor, record);
              if (!this.watched.has(key) && !scope.touched.has(key))
                this.track(key, { vendor, machine, record, emitted: 0, due: -Infinity }, true);
            }
          }
        }
      }
    } finally {
      if (--scope.loading === 0) scope.touched.clear();
    }
  }

  /** The last subscriber left: nothing is watched any more. */
  private release(): void {
    if (--this.holders > 0) return;
    this.clear();
    this.scope = undefined;
  }

  /** Delivers one instance's transitions not emitted yet, then schedules it, or forgets it once nothing more is due. */
  private step(key: string, w: Watch, emit: TransitionListener): void {
    const { projection: p, nextAt } = projectAhead(
      { createdAt: w.record.createdAt, ...w.record.data },
      w.machine,
      this.clock.now(w.record.tenant),
    );
    this.projections++;
    if (emit !== ignore) {
      for (const t of p.transitions.slice(w.emitted)) {
        const event: TransitionEvent = {
          vendor: w.vendor,
          tenant: w.record.tenant,
          instanceId: w.record.id,
          from: t.from,
          to: t.to,
          at: isoTime(t.at),
          cause: t.cause,
        };
        if (w.record.parentId !== undefined) event.parentId = w.record.parentId;
        emit(event);
      }
    }
    w.emitted = p.transitions.length;
    // Settled, or hanging: nothing moves without a new operation, whose write will watch it again.
    if (nextAt === Infinity) return void this.watched.delete(key);
    w.due = nextAt;
    this.enqueue(w.record.tenant, key, w);
  }

  private enqueue(tenant: string, key: string, watch: Watch): void {
    let heap = this.schedule.get(tenant);
    if (!heap) this.schedule.set(tenant, (heap = new DueHeap()));
    heap.push(watch.due, { key, watch });
    // Replaced watches leave stale entries behind: sweep them once they outnumber the live ones.
    if (++this.scheduled > 2 * this.watched.size + 1024) this.compact();
  }

  private compact(): void {
    this.scheduled = 0;
    for (const [tenant, heap] of this.schedule) {
      heap.filter((e) => this.watched.get(e.item.key) === e.item.watch && e.item.watch.due === e.at);
      if (heap.size === 0) this.schedule.delete(tenant);
      this.scheduled += heap.size;
    }
  }
}

const keyOf = (vendor: string, record: WatchedRecord): string => `${vendor}\u0000${record.tenant}\u0000${record.id}`;
