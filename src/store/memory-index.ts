// The memory store's sorted index and bounded log. Scores are kept in one sorted array so a count
// up to a score is a binary search; members are appended in time order, so inserts land at the end.
import { flat } from './flat-string.js';

export class SortedIndex {
  private readonly scores = new Map<string, number>();
  private readonly sorted: number[] = [];

  set(member: string, score: number | null): void {
    const old = this.scores.get(member);
    if (old !== undefined) {
      this.sorted.splice(upperBound(this.sorted, old) - 1, 1);
      this.scores.delete(member);
    }
    if (score === null) return;
    this.sorted.splice(upperBound(this.sorted, score), 0, score);
    this.scores.set(flat(member), score);
  }

  countUpTo(max: number): number {
    return upperBound(this.sorted, max);
  }
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
