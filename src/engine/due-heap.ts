// A binary min-heap of items by the time they are due: the event hub's schedule, so a tick looks
// only at what is due instead of at every instance it watches.

export interface Due<T> {
  at: number;
  item: T;
}

export class DueHeap<T> {
  private readonly entries: Due<T>[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** The earliest entry, left in place; undefined when empty. */
  peek(): Due<T> | undefined {
    return this.entries[0];
  }

  push(at: number, item: T): void {
    const e = this.entries;
    e.push({ at, item });
    let i = e.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (e[parent]!.at <= at) break;
      [e[parent], e[i]] = [e[i]!, e[parent]!];
      i = parent;
    }
  }

  pop(): Due<T> | undefined {
    const e = this.entries;
    const top = e[0];
    const last = e.pop();
    if (top === undefined || e.length === 0) return top;
    e[0] = last!;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < e.length && e[l]!.at < e[min]!.at) min = l;
      if (r < e.length && e[r]!.at < e[min]!.at) min = r;
      if (min === i) return top;
      [e[min], e[i]] = [e[i]!, e[min]!];
      i = min;
    }
  }

  /** Keeps only the entries `keep` accepts (drops the stale ones), in heap order again. */
  filter(keep: (entry: Due<T>) => boolean): void {
    const kept = this.entries.filter(keep);
    this.entries.length = 0;
    for (const entry of kept.sort((a, b) => a.at - b.at)) this.entries.push(entry);
  }
}
