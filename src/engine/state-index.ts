// Counts a parent's instances by state at any time without reading them. An instance's timeline is
// a pure function of its record (plan + operations), so every transition it will make is known when
// it is written: each transition enters one state and leaves another, and each goes into a sorted
// index of entries (or exits) of that state, scored by its time. The instances in state S at time t
// are then entries(S, <= t) - exits(S, <= t): two counts, whatever the number of instances.
// With `starts`, a parent's instances are also indexed by start time, so a page newest first is read
// without loading the others, and each visit to a state that never ends (a hang, a failure not
// retried) is kept by its entry time: the instances in S at t are then found among few entries.
import { SEQ_DIGITS, seqMember, type IndexChange, type IndexRange, type Store } from '../store/store.js';
import { project, type InstanceHistory } from './project.js';
import type { StateMachine } from './state-machine.js';

export interface IndexedInstance {
  tenant: string;
  id: string;
  parentId?: string | undefined;
  history: InstanceHistory;
  /** The store's insertion number; orders instances that started in the same millisecond. */
  seq?: number | undefined;
}

/** One index entry that is not what the records imply: `stored` or `expected` null when absent. */
export interface IndexDifference {
  tenant: string;
  parentId: string;
  index: string;
  member: string;
  stored: number | null;
  expected: number | null;
}

/** A parent's instances a page at a time, newest first, and one instance as it is now. */
export interface Backfill {
  page(offset: number, limit: number): Promise<IndexedInstance[]>;
  current(id: string): Promise<IndexedInstance | undefined>;
}

const BACKFILL_PAGE = 1000;

/**
 * Marks a parent whose instances are all indexed: set when the parent is created, or after a backfill
 * of one that has instances from before the index existed (an older flowtwin, fixtures, a benchmark
 * seeding the store directly).
 */
const BUILT = '@built';
/** A parent indexed before starts were has no start entries: its own marker makes it backfill once more. */
const BUILT_WITH_STARTS = '@built+starts';

export class StateIndex {
  /** Backfills under way in this process, so concurrent first reads of a parent share one. */
  private readonly building = new Map<string, Promise<void>>();
  /** Per parent being backfilled: the instances written since its current page was read. */
  private readonly written = new Map<string, Set<string>>();
  private readonly built: string;

  constructor(
    private readonly store: Store,
    private readonly kind: string,
    private readonly machine: StateMachine,
    private readonly starts = false,
  ) {
    this.built = starts ? BUILT_WITH_STARTS : BUILT;
  }

  /**
   * The changes that move an instance's index entries from its previous timeline (none for a new
   * one) to its current one: the caller writes them with the record, in one store step.
   */
  changesFor(current: IndexedInstance, previous?: IndexedInstance): IndexChange[] {
    if (current.parentId !== undefined) this.written.get(buildKey(current.tenant, current.parentId))?.add(current.id);
    return this.changes(current, previous);
  }

  /**
   * Marks a new parent as indexed: it has no instance the index could lack, so its first count
   * need not backfill (a backfill racing a write could put back a timeline the write replaced).
   */
  async markBuilt(tenant: string, parentId: string): Promise<void> {
    await this.store.writeIndex(tenant, [
      { index: this.name(parentId, this.built), member: this.built, score: Number.MIN_SAFE_INTEGER },
    ]);
  }

  /**
   * How many of a parent's instances are in each state at `at`. `backfill` yields the parent's
   * instances when the parent was never indexed (data written by an older flowtwin).
   */
  async count(
    tenant: string,
    parentId: string,
    states: readonly string[],
    at: number,
    backfill: Backfill,
  ): Promise<Record<string, number>> {
    const keys = [
      this.name(parentId, this.built),
      ...states.flatMap((s) => [this.name(parentId, `in:${s}`), this.name(parentId, `out:${s}`)]),
    ];
    let counts = await this.store.countIndex(tenant, keys, at);
    if (counts[0] === 0) {
      await this.build(tenant, parentId, backfill);
      counts = await this.store.countIndex(tenant, keys, at);
    }
    return Object.fromEntries(states.map((s, i) => [s, counts[1 + 2 * i]! - counts[2 + 2 * i]!]));
  }

  /** How many of a parent's instances started within [min, max] (whole milliseconds); needs `starts`. */
  async countStarted(tenant: string, parentId: string, min: number, max: number, backfill: Backfill): Promise<number> {
    const keys = [this.name(parentId, this.built), this.name(parentId, 'start')];
    let [marker, upTo] = await this.store.countIndex(tenant, keys, Math.floor(max));
    if (marker === 0) {
      await this.build(tenant, parentId, backfill);
      [, upTo] = await this.store.countIndex(tenant, keys, Math.floor(max));
    }
    // Scores are whole milliseconds, so "below min" is "at most ceil(min) - 1".
    const below = min === -Infinity ? 0 : (await this.store.countIndex(tenant, [keys[1]!], Math.ceil(min) - 1))[0]!;
    return Math.max(0, upTo! - below);
  }

  /** Backfills a parent never indexed (with `starts`: never indexed by start time); nothing when it was. */
  async ensureBuilt(tenant: string, parentId: string, backfill: Backfill): Promise<void> {
    const [marker] = await this.store.countIndex(tenant, [this.name(parentId, this.built)], 0);
    if (marker === 0) await this.build(tenant, parentId, backfill);
  }

  /**
   * A page of a parent's instances by start time, newest first; ties (one millisecond) the last
   * written first, the order lists have always had. Instance ids; call ensureBuilt first.
   */
  async startedNewestFirst(tenant: string, parentId: string, range: Omit<IndexRange, 'reverse'>): Promise<string[]> {
    const members = await this.store.rangeIndex(tenant, this.name(parentId, 'start'), { ...range, reverse: true });
    return members.map((m) => m.member.slice(SEQ_DIGITS));
  }

  /**
   * How many index entries `candidates` reads for the instances in `state` at `at`: a terminal state's
   * entries by then; else the visits ending after `at` and those never ending that began by then.
   * Needs `starts`; call ensureBuilt first.
   */
  async candidateCount(tenant: string, parentId: string, state: string, at: number): Promise<number> {
    if (this.machine.terminal.includes(state))
      return (await this.store.countIndex(tenant, [this.name(parentId, `in:${state}`)], at))[0]!;
    const [[exits], [exited, open]] = await Promise.all([
      this.store.countIndex(tenant, [this.name(parentId, `out:${state}`)], Infinity),
      this.store.countIndex(tenant, [this.name(parentId, `out:${state}`), this.name(parentId, `open:${state}`)], at),
    ]);
    return exits! - exited! + open!;
  }

  /** Ids of every instance that may be in `state` at `at` (each is, or will be later): a superset to project. */
  async candidates(tenant: string, parentId: string, state: string, at: number): Promise<string[]> {
    const all = { offset: 0, limit: Number.MAX_SAFE_INTEGER };
    const read = (what: string, range: Partial<IndexRange>) =>
      this.store.rangeIndex(tenant, this.name(parentId, what), { ...all, ...range });
    const members = this.machine.terminal.includes(state)
      ? await read(`in:${state}`, { max: at })
      : [
          ...(await read(`out:${state}`, { min: at })).filter((m) => m.score > at),
          ...(await read(`open:${state}`, { max: at })),
        ];
    return [...new Set(members.map((m) => m.member.slice(0, m.member.lastIndexOf('#'))))];
  }

  /**
   * What a parent's indexes hold that its instances do not imply, and what they lack: recomputed
   * from `instances` (every one of the parent's, as stored). With `repair`, the indexes are then made
   * to match. Not atomic with concurrent writes: meant for a store no server is writing to.
   */
  async check(
    tenant: string,
    parentId: string,
    instances: readonly IndexedInstance[],
    repair = false,
  ): Promise<IndexDifference[]> {
    const expected = new Map<string, Map<string, number>>();
    for (const instance of instances) {
      for (const { index, member, score } of this.entries(instance).values()) {
        let members = expected.get(index);
        if (!members) expected.set(index, (members = new Map()));
        members.set(member, score!);
      }
    }
    const differences: IndexDifference[] = [];
    for (const index of this.indexNames(parentId)) {
      const want = expected.get(index) ?? new Map<string, number>();
      const have = new Map(
        (await this.store.rangeIndex(tenant, index, { offset: 0, limit: Number.MAX_SAFE_INTEGER })).map((m) => [
          m.member,
          m.score,
        ]),
      );
      for (const [member, score] of have) {
        if (!want.has(member)) differences.push({ tenant, parentId, index, member, stored: score, expected: null });
      }
      for (const [member, score] of want) {
        if (have.get(member) !== score)
          differences.push({ tenant, parentId, index, member, stored: have.get(member) ?? null, expected: score });
      }
    }
    if (repair) {
      await this.store.writeIndex(
        tenant,
        differences.map((d) => ({ index: d.index, member: d.member, score: d.expected })),
      );
      await this.markBuilt(tenant, parentId);
    }
    return differences;
  }

  /** Every index a parent's instances can have entries in (not the built marker). */
  private indexNames(parentId: string): string[] {
    const kinds = this.starts ? ['in', 'out', 'open'] : ['in', 'out'];
    const names = this.machine.states.flatMap((state) => kinds.map((k) => this.name(parentId, `${k}:${state}`)));
    return this.starts ? [...names, this.name(parentId, 'start')] : names;
  }

  private build(tenant: string, parentId: string, backfill: Backfill): Promise<void> {
    const key = buildKey(tenant, parentId);
    let running = this.building.get(key);
    if (!running) {
      running = this.backfill(tenant, parentId, backfill).finally(() => this.building.delete(key));
      this.building.set(key, running);
    }
    return running;
  }

  private async backfill(tenant: string, parentId: string, backfill: Backfill): Promise<void> {
    const key = buildKey(tenant, parentId);
    try {
      // A page at a time: holding every instance of a large parent at once would take gigabytes.
      for (let offset = 0; ; offset += BACKFILL_PAGE) {
        const written = new Set<string>();
        this.written.set(key, written);
        const page = await backfill.page(offset, BACKFILL_PAGE);
        await this.store.writeIndex(
          tenant,
          page.flatMap((instance) => this.changes(instance)),
        );
        // An operation written between the page's read and this write was just overwritten by the
        // timeline it replaced: move those instances on to what they are now. (Another process's
        // operation goes unseen: that race stays, once per parent.)
        for (const stale of page.filter((instance) => written.has(instance.id))) {
          const now = await backfill.current(stale.id);
          if (now) await this.store.writeIndex(tenant, this.changes(now, stale));
        }
        if (page.length < BACKFILL_PAGE) break;
      }
    } finally {
      this.written.delete(key);
    }
    await this.markBuilt(tenant, parentId);
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

  /**
   * Slot ("<id>#<transition number>:in|out", "start") -> its entry;
   * transitions only ever append, so slots are stable.
   */
  private entries(instance: IndexedInstance): Map<string, IndexChange> {
    const out = new Map<string, IndexChange>();
    const parent = instance.parentId!;
    if (this.starts) {
      // Whole milliseconds: what a start timestamp shows, so runs in one millisecond tie, then go by
      // seq; a record being created has none yet, so the store prefixes it as it assigns one.
      const score = Math.trunc(instance.history.createdAt);
      const index = this.name(parent, 'start');
      out.set(
        'start',
        instance.seq === undefined
          ? { index, member: instance.id, score, seqPrefix: true }
          : { index, member: seqMember(instance.seq, instance.id), score },
      );
    }
    const { transitions } = project(instance.history, this.machine, Infinity);
    transitions.forEach((t, k) => {
      if (!Number.isFinite(t.at)) return;
      const member = `${instance.id}#${k}`;
      out.set(`${member}:in`, { index: this.name(parent, `in:${t.to}`), member, score: t.at });
      if (t.from !== null) out.set(`${member}:out`, { index: this.name(parent, `out:${t.from}`), member, score: t.at });
      // A terminal state's entries are its visits already; only a state that could be left needs these.
      const ends = transitions[k + 1] !== undefined && Number.isFinite(transitions[k + 1]!.at);
      if (this.starts && !ends && !this.machine.terminal.includes(t.to))
        out.set(`${member}:open`, { index: this.name(parent, `open:${t.to}`), member, score: t.at });
    });
    return out;
  }

  private name(parentId: string, what: string): string {
    return `${this.kind}:${encodeURIComponent(parentId)}:${what}`;
  }
}

const buildKey = (tenant: string, parentId: string): string => `${tenant}\u0000${parentId}`;
