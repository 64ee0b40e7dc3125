// Transition events, computed from the same projection the APIs answer with. The hub watches
// instances that can still move; a caller (the control plane's event stream) ticks it, and each
// tick emits the transitions that happened since the last one. The engine itself runs no timer.
import type { Store } from '../store/store.js';
import { isoTime, type Clock } from './clock.js';
import { project, type OperationEvent } from './project.js';
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

interface Watch {
  vendor: string;
  machine: StateMachine;
  record: WatchedRecord;
  emitted: number;
}

export type TransitionListener = (event: TransitionEvent) => void;

/** More instances than this still moving at once, and the oldest stop being watched. */
export const MAX_WATCHED = 100_000;

/** Instance writes (and resets) from every replica sharing a store. */
export const INSTANCES_CHANNEL = 'flowtwin.instances';

type BusMessage = { reset: true } | { vendor: string; record: WatchedRecord; fresh: boolean };

export class EventHub {
  private readonly watched = new Map<string, Watch>();
  private readonly listeners = new Set<TransitionListener>();
  private readonly machines = new Map<string, StateMachine>();
  /** Set when the store is shared: writes then travel through it, to this replica too. */
  private bus: { store: Store; unsubscribe: () => Promise<void> } | undefined;

  constructor(private readonly clock: Clock) {}

  register(vendor: string, machine: StateMachine): void {
    this.machines.set(vendor, machine);
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
  written(vendor: string, record: WatchedRecord, fresh: boolean): void {
    if (!this.bus) return this.watch(vendor, this.machines.get(vendor)!, record, fresh);
    const { tenant, id, parentId, createdAt, data } = record;
    const message: BusMessage = { vendor, record: { tenant, id, ...(parentId !== undefined ? { parentId } : {}), createdAt, data: { plan: data.plan, operations: data.operations } }, fresh };
    void this.bus.store.publish(INSTANCES_CHANNEL, JSON.stringify(message)).catch(() => undefined);
  }

  /** Everything was reset: every replica forgets what it watched. */
  async cleared(): Promise<void> {
    this.clear();
    await this.bus?.store.publish(INSTANCES_CHANNEL, JSON.stringify({ reset: true } satisfies BusMessage));
  }

  private receive(text: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(text) as BusMessage;
    } catch {
      return;
    }
    if ('reset' in message) return this.clear();
    const machine = this.machines.get(message.vendor);
    if (machine) this.watch(message.vendor, machine, message.record, message.fresh);
  }

  /**
   * Called on every write of an instance. A new instance (`fresh`) reports all its transitions; a
   * restored one (fixtures) only those after now; an updated one continues where it was.
   */
  watch(vendor: string, machine: StateMachine, record: WatchedRecord, fresh: boolean): void {
    const key = `${vendor}\u0000${record.tenant}\u0000${record.id}`;
    const known = this.watched.get(key);
    const emitted = known ? known.emitted : fresh ? 0 : project({ createdAt: record.createdAt, ...record.data }, machine, this.clock.now(record.tenant)).transitions.length;
    const entry = { vendor, machine, record, emitted };
    this.watched.delete(key);
    this.watched.set(key, entry);
    if (this.watched.size > MAX_WATCHED) this.watched.delete(this.watched.keys().next().value!);
    // Only this instance changed: deliver its transitions now, without projecting every other one.
    if (this.listeners.size > 0) this.step(key, entry, this.broadcast);
  }

  /** Transitions from now on: what happened while nobody listened is passed over, not replayed. */
  subscribe(listener: TransitionListener): () => void {
    if (this.listeners.size === 0) this.advance(() => undefined);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Emits every transition that happened by now and was not emitted yet; forgets settled instances. */
  tick(): void {
    if (this.listeners.size > 0) this.advance(this.broadcast);
  }

  private readonly broadcast: TransitionListener = (event) => {
    for (const listener of this.listeners) listener(event);
  };

  private advance(emit: TransitionListener): void {
    for (const [key, w] of this.watched) this.step(key, w, emit);
  }

  /** Emits one instance's transitions not emitted yet; forgets it once settled. */
  private step(key: string, w: Watch, emit: TransitionListener): void {
    const p = project({ createdAt: w.record.createdAt, ...w.record.data }, w.machine, this.clock.now(w.record.tenant));
    for (const t of p.transitions.slice(w.emitted)) {
      const event: TransitionEvent = { vendor: w.vendor, tenant: w.record.tenant, instanceId: w.record.id, from: t.from, to: t.to, at: isoTime(t.at), cause: t.cause };
      if (w.record.parentId !== undefined) event.parentId = w.record.parentId;
      emit(event);
    }
    w.emitted = p.transitions.length;
    // Settled: nothing moves without a new operation, which will watch it again.
    if (p.endedAt !== undefined) this.watched.delete(key);
  }

  clear(): void {
    this.watched.clear();
  }
}
