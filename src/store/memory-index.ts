// The memory store's sorted index and bounded log. An index keeps its members in two parallel
// arrays sorted by (score, member), so a count up to a score is a binary search and a page is a
// slice; members mostly arrive in time order, so single inserts land at the end. Writes wait until
// the next read: a backfill's thousands of pages are then merged once, not once a page.
import { flat } from './flat-string.js';
import type { IndexRange, IndexMember } from './store.js';

/** Batches at least this large are merged in one pass: a backfill arrives newest first, and one splice each would be quadratic. */
const MERGE_AT = 64;
/** Writes kept waiting for a read, at least; beyond that, half the index. */
const PENDING_MIN = 4096;

export class SortedIndex {
  private readonly scores = new Map<string, number>();
  private keys: number[] = [];
  private members: string[] = [];
  private pending: { member: string; score: number | null }[] = [];

  /** Applies changes in order (the last one of a member wins) before the next read. */
  setMany(changes: readonly { member: string; score: number | null }[]): void {
    for (const change of changes) this.pending.push(change);
    // An index written but never read must not grow a backlog for ever; merging at half its size keeps the work per write constant.
    if (this.pending.length >= Math.max(PENDING_MIN, this.keys.length / 2)) this.flush();
  }

  countUpTo(max: number): number {
    this.flush();
    return upperBound(this.keys, max);
  }

  range({ offset, limit, reverse = false, min, max }: IndexRange): IndexMember[] {
    this.flush();
    const lo = min === undefined ? 0 : lowerBound(this.keys, min);
    const hi = max === undefined ? this.keys.length : upperBound(this.keys, max);
    const out: IndexMember[] = [];
    for (let n = offset; n < hi - lo && out.length < limit; n++) {
      const i = reverse ? hi - 1 - n : lo + n;
      out.push({ member: this.members[i]!, score: this.keys[i]! });
    }
    return out;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const changes = this.pending;
    this.pending = [];
    if (changes.length < MERGE_AT) for (const { member, score } of changes) this.set(member, score);
    else this.merge(changes);
  }

  private set(member: string, score: number | null): void {
    const old = this.scores.get(member);
    if (old !== undefined) {
      const at = this.position(old, member);
      this.keys.splice(at, 1);
      this.members.splice(at, 1);
      this.scores.delete(member);
    }
    if (score === null) return;
    const stored = flat(member);
    const at = this.position(score, stored);
    this.keys.splice(at, 0, score);
    this.members.splice(at, 0, stored);
    this.scores.set(stored, score);
  }

  private merge(changes: readonly { member: string; score: number | null }[]): void {
    const last = new Map<string, number | null>();
    for (const { member, score } of changes) last.set(member, score);
    const moved = [...last.keys()].filter((member) => this.scores.has(member));
    if (moved.length > 0) {
      const gone = new Set(moved);
      const keys: number[] = [];
      const members: string[] = [];
      for (let i = 0; i < this.members.length; i++) {
        if (gone.has(this.members[i]!)) continue;
        keys.push(this.keys[i]!);
        members.push(this.members[i]!);
      }
      this.keys = keys;
      this.members = members;
      for (const member of moved) this.scores.delete(member);
    }
    const added = [...last].filter((e): e is [string, number] => e[1] !== null).map(([member, score]) => ({ member: flat(member), score }));
    if (added.length === 0) return;
    added.sort((a, b) => compare(a.score, a.member, b.score, b.member));
    const keys: number[] = new Array(this.keys.length + added.length);
    const members: string[] = new Array(keys.length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < keys.length; k++) {
      const next = added[j];
      if (next === undefined || (i < this.keys.length && compare(this.keys[i]!, this.members[i]!, next.score, next.member) < 0)) {
        keys[k] = this.keys[i]!;
        members[k] = this.members[i++]!;
      } else {
        keys[k] = next.score;
        members[k] = next.member;
        this.scores.set(next.member, next.score);
        j++;
      }
    }
    this.keys = keys;
    this.members = members;
  }

  /** Where (score, member) is or would go. */
  private position(score: number, member: string): number {
    let lo = lowerBound(this.keys, score);
    let hi = upperBound(this.keys, score);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.members[mid]! < member) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function compare(scoreA: number, memberA: string, scoreB: number, memberB: string): number {
  if (scoreA !== scoreB) return scoreA < scoreB ? -1 : 1;
  return memberA < memberB ? -1 : memberA > memberB ? 1 : 0;
}

/** Index of the first element not less than `value`. */
function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element greater than `value`. */
function upperBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class BoundedLog<T> {
  private seq = 0;
  private keep = Infinity;
  private entries: { seq: number; entry: T }[] = [];

  append(entry: T, keep: number): number {
    this.entries.push({ seq: ++this.seq, entry });
    // Trimmed in batches: dropping one from the front per append would copy the array every time.
    if (this.entries.length >= keep * 2 + 16) this.entries = this.entries.slice(-keep);
    this.keep = keep;
    return this.seq;
  }

  read(): { seq: number; entry: T }[] {
    return this.entries.slice(-this.keep);
  }
}
