// Counts a parent's instances by state at any time without reading them. An instance's timeline is
// a pure function of its record (plan + operations), so every transition it will make is known when
// it is written: each transition enters one state and leaves another, and each goes into a sorted
// index of entries (or exits) of that state, scored by its time. The instances in state S at time t
// are then entries(S, <= t) - exits(S, <= t): two counts, whatever the number of instances.
import type { IndexChange, Store } from '../store/store.js';
import { project, type InstanceHistory } from './project.js';
import type { StateMachine } from './state-machine.js';

export interface IndexedInstance {
  tenant: string;
  id: string;
  parentId?: string | undefined;
  history: InstanceHistory;
}

/** Yields a parent's instances a page at a time, newest first. */
export type Backfill = (offset: number, limit: number) => Promise<IndexedInstance[]>;

const BACKFILL_PAGE = 1000;

/**
 * Marks a parent whose instances are all indexed: set when the parent is created, or after a backfill
 * of one that has instances from before the index existed (an older flowtwin, fixtures, a benchmark
 * seeding the store directly).
 */
const BUILT = '@built';

export class StateIndex {
  constructor(
    private readonly store: Store,
    private readonly kind: string,
    private readonly machine: StateMachine,
  ) {}

  /** Moves an instance's index entries from its previous timeline (none for a new one) to its current one. */
  async write(current: IndexedInstance, previous?: IndexedInstance): Promise<void> {
    await this.store.writeIndex(current.tenant, this.changes(current, previous));
  }

  /**
   * Marks a new parent as indexed: it has no instance the index could lack, so its first count
   * need not backfill (a backfill racing a write could put back a timeline the write replaced).
   */
  async markBuilt(tenant: string, parentId: string): Promise<void> {
    await this.store.writeIndex(tenant, [{ index: this.name(parentId, BUILT), member: BUILT, score: Number.MIN_SAFE_INTEGER }]);
  }

  /**
   * How many of a parent's instances are in each state at `at`. `backfill` yields the parent's
   * instances when the parent was never indexed (data written by an older flowtwin).
   */
  async count(tenant: string, parentId: string, states: readonly string[], at: number, backfill: Backfill): Promise<Record<string, number>> {
    const keys = [this.name(parentId, BUILT), ...states.flatMap((s) => [this.name(parentId, `in:${s}`), this.name(parentId, `out:${s}`)])];
    let counts = await this.store.countIndex(tenant, keys, at);
    if (counts[0] === 0) {
      // A page at a time: holding every instance of a large parent at once would take gigabytes.
      for (let offset = 0; ; offset += BACKFILL_PAGE) {
        const page = await backfill(offset, BACKFILL_PAGE);
        await this.store.writeIndex(tenant, page.flatMap((instance) => this.changes(instance)));
        if (page.length < BACKFILL_PAGE) break;
      }
      await this.markBuilt(tenant, parentId);
      counts = await this.store.countIndex(tenant, keys, at);
    }
    return Object.fromEntries(states.map((s, i) => [s, counts[1 + 2 * i]! - counts[2 + 2 * i]!]));
  }

  private changes(current: IndexedInstance, previous?: IndexedInstance): IndexChange[] {
    if (current.parentId === undefined) return [];
    const next = this.entries(current);
    const before = previous ? this.entries(previous) : new Map<string, IndexChange>();
    const changes: IndexChange[] = [];
    for (const [slot, old] of before) {
      if (next.get(slot)?.index !== old.index) changes.push({ ...old, score: null });
    }
    for (const [slot, entry] of next) {
      const old = before.get(slot);
      if (old?.index !== entry.index || old.score !== entry.score) changes.push(entry);
    }
    return changes;
  }

  /** Slot ("<id>#<transition number>:in|out") -> its entry; transitions only ever append, so slots are stable. */
  private entries(instance: IndexedInstance): Map<string, IndexChange> {
    const out = new Map<string, IndexChange>();
    const parent = instance.parentId!;
    const { transitions } = project(instance.history, this.machine, Infinity);
    transitions.forEach((t, k) => {
      if (!Number.isFinite(t.at)) return;
      const member = `${instance.id}#${k}`;
      out.set(`${member}:in`, { index: this.name(parent, `in:${t.to}`), member, score: t.at });
      if (t.from !== null) out.set(`${member}:out`, { index: this.name(parent, `out:${t.from}`), member, score: t.at });
    });
    return out;
  }

  private name(parentId: string, what: string): string {
    return `${this.kind}:${encodeURIComponent(parentId)}:${what}`;
  }
}
