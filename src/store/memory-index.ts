// The memory store's sorted index and bounded log. An index keeps slot numbers (see MemberTable)
// sorted by (score, member) in a typed array, so a count up to a score is a binary search and a page
// is a slice; members mostly arrive in time order, so single inserts land at the end. Writes wait
// until the next read, or until a batch is large: a backfill's thousands of pages are then merged a
// few times, not once a page, and the waiting changes stay bounded.
import { MemberTable } from './member-table.js';
import type { IndexRange, IndexMember } from './store.js';

/**
 * Batches at least this large are merged in one pass: a backfill arrives newest first,
 * and one move each would be quadratic.
 */
const MERGE_AT = 64;
/** Writes kept waiting for a read: at least this many, so a merge's copy is shared by many writes... */
const PENDING_MIN = 4096;
/** ...and at most this many, so an index written but never read holds a bounded backlog. */
const PENDING_MAX = 1 << 16;

interface Change {
  member: string;
  score: number | null;
}

export class SortedIndex {
  private readonly members = new MemberTable();
  /** slot -> score */
  private scores: Float64Array = new Float64Array(64);
  /** Slots by (score, member), the first `size` of them. */
  private order: Int32Array = new Int32Array(64);
  private size = 0;
  /** Changes not applied yet, as two arrays: the callers' change objects are not kept alive. */
  private pendingMembers: string[] = [];
  private pendingScores: (number | null)[] = [];

  /** Applies changes in order (the last one of a member wins) before the next read. */
  setMany(changes: readonly Change[]): void {
    for (const { member, score } of changes) {
      this.pendingMembers.push(member);
      this.pendingScores.push(score);
    }
    // A quarter of the index between merges keeps the copying per write constant.
    if (this.pendingMembers.length >= Math.max(PENDING_MIN, Math.min(PENDING_MAX, this.size / 4))) this.flush();
  }

  countUpTo(max: number): number {
    this.flush();
    return this.scoreBound(max, true);
  }

  range({ offset, limit, reverse = false, min, max }: IndexRange): IndexMember[] {
    this.flush();
    const lo = min === undefined ? 0 : this.scoreBound(min, false);
    const hi = max === undefined ? this.size : this.scoreBound(max, true);
    const out: IndexMember[] = [];
    for (let n = offset; n < hi - lo && out.length < limit; n++) {
      const slot = this.order[reverse ? hi - 1 - n : lo + n]!;
      out.push({ member: this.members.text(slot), score: this.scores[slot]! });
    }
    return out;
  }

  private flush(): void {
    const members = this.pendingMembers;
    const scores = this.pendingScores;
    if (members.length === 0) return;
    this.pendingMembers = [];
    this.pendingScores = [];
    if (members.length < MERGE_AT) for (let i = 0; i < members.length; i++) this.set(members[i]!, scores[i]!);
    else this.merge(members, scores);
  }

  private set(member: string, score: number | null): void {
    let slot = this.members.find(member);
    if (slot >= 0) {
      if (this.scores[slot] === score) return;
      const at = this.position(slot);
      this.order.copyWithin(at, at + 1, this.size--);
      if (score === null) return this.members.remove(slot);
    } else {
      if (score === null) return;
      slot = this.addMember(member);
    }
    this.scores[slot] = score;
    const at = this.position(slot);
    if (this.size === this.order.length) this.order = grown(this.order, this.size + 1);
    this.order.copyWithin(at + 1, at, this.size++);
    this.order[at] = slot;
  }

  private merge(members: readonly string[], scores: readonly (number | null)[]): void {
    const last = new Map<string, number | null>();
    for (let i = 0; i < members.length; i++) last.set(members[i]!, scores[i]!);
    let dropped: Uint8Array | undefined;
    const added: number[] = [];
    for (const [member, score] of last) {
      let slot = this.members.find(member);
      if (slot >= 0) {
        if (this.scores[slot] === score) continue;
        (dropped ??= new Uint8Array(this.members.capacity))[slot] = 1;
        // A freed slot may be handed to a later member of this batch: that one is not in the order yet,
        // so dropping the old entry by slot number stays right.
        if (score === null) {
          this.members.remove(slot);
          continue;
        }
      } else {
        if (score === null) continue;
        slot = this.addMember(member);
      }
      this.scores[slot] = score;
      added.push(slot);
    }
    if (dropped) {
      let kept = 0;
      for (let i = 0; i < this.size; i++) {
        const slot = this.order[i]!;
        if (slot >= dropped.length || dropped[slot] === 0) this.order[kept++] = slot;
      }
      this.size = kept;
    }
    if (added.length === 0) return;
    const incoming = Int32Array.from(added).sort((a, b) => this.compare(a, b));
    const merged = new Int32Array(Math.max(64, (this.size + incoming.length) * 1.25));
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.size && j < incoming.length)
      merged[k++] = this.compare(this.order[i]!, incoming[j]!) < 0 ? this.order[i++]! : incoming[j++]!;
    while (i < this.size) merged[k++] = this.order[i++]!;
    while (j < incoming.length) merged[k++] = incoming[j++]!;
    this.order = merged;
    this.size = k;
  }

  private addMember(member: string): number {
    const slot = this.members.add(member);
    if (slot >= this.scores.length) {
      const scores = new Float64Array(this.members.capacity);
      scores.set(this.scores);
      this.scores = scores;
    }
    return slot;
  }

  private compare(a: number, b: number): number {
    const x = this.scores[a]!;
    const y = this.scores[b]!;
    if (x !== y) return x < y ? -1 : 1;
    return this.members.compare(a, b);
  }

  /** Where the slot's (score, member) is in the order, or would go. */
  private position(slot: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.order[mid]!, slot) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first position whose score is above `value` (`after`), or not below it. */
  private scoreBound(value: number, after: boolean): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const score = this.scores[this.order[mid]!]!;
      if (score < value || (after && score === value)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function grown(array: Int32Array, atLeast: number): Int32Array {
  const next = new Int32Array(Math.max(atLeast, array.length * 2));
  next.set(array);
  return next;
}

/** One tenant's log; its numbers come from the store's sequence for the log's name. */
export class BoundedLog<T> {
  private keep = Infinity;
  private entries: { seq: number; entry: T }[] = [];

  append(seq: number, entry: T, keep: number): number {
    this.entries.push({ seq, entry });
    // Trimmed in batches: dropping one from the front per append would copy the array every time.
    if (this.entries.length >= keep * 2 + 16) this.entries = this.entries.slice(-keep);
    this.keep = keep;
    return seq;
  }

  read(): { seq: number; entry: T }[] {
    return this.entries.slice(-this.keep);
  }

  /** Entries in memory: those `read` gives and at most `keep + 16` more, awaiting the next trim. */
  get held(): number {
    return this.entries.length;
  }
}
