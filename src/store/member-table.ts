// The members of one memory-store index, kept outside the JS heap: each member's UTF-8 bytes in one
// arena, found again by a hash table of slot numbers. A million instances make three or four million
// index entries; as JS strings in a Map they cost ~140 bytes each and every major GC walked them.
// A slot is a small number the index sorts and scores by; it is reused once its member leaves.

const EMPTY = 0;
const DELETED = -1;
/** Members up to this many bytes take one length byte; longer ones a marker and four. */
const SHORT = 255;
/** The arena is rewritten without its dead bytes once they are more than half of it (and this many). */
const COMPACT_AT = 1 << 20;

export class MemberTable {
  private arena = Buffer.allocUnsafeSlow(4096);
  private end = 0;
  private dead = 0;
  /** slot -> offset of its length-prefixed bytes in the arena; -1 while the slot is free. */
  private offsets = new Int32Array(64).fill(-1);
  private slots = 0;
  private readonly free: number[] = [];
  /** Open addressing, linear probing: slot + 1, EMPTY or DELETED. */
  private table = new Int32Array(128);
  private filled = 0;
  private live = 0;
  private scratch = Buffer.allocUnsafeSlow(256);
  private scratchLength = 0;

  /** One more than the highest slot ever handed out: typed arrays indexed by slot need this length. */
  get capacity(): number {
    return this.offsets.length;
  }

  /** The member's slot, or -1. */
  find(member: string): number {
    const hash = this.encode(member);
    const mask = this.table.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = this.table[i]!;
      if (entry === EMPTY) return -1;
      if (entry !== DELETED && this.equalsScratch(entry - 1)) return entry - 1;
    }
  }

  /** A slot for a member not in the table (find it first). */
  add(member: string): number {
    if ((this.filled + 1) * 5 > this.table.length * 3) this.rehash(this.live * 5 > this.table.length * 2 ? this.table.length * 2 : this.table.length);
    const hash = this.encode(member);
    const slot = this.free.pop() ?? this.slots++;
    if (slot >= this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2).fill(-1);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[slot] = this.store(this.scratch, 0, this.scratchLength);
    const mask = this.table.length - 1;
    let i = hash & mask;
    while (this.table[i] !== EMPTY && this.table[i] !== DELETED) i = (i + 1) & mask;
    if (this.table[i] === EMPTY) this.filled++;
    this.table[i] = slot + 1;
    this.live++;
    return slot;
  }

  remove(slot: number): void {
    const { start, length } = this.bytesOf(slot);
    const mask = this.table.length - 1;
    let i = fnv(this.arena, start, length) & mask;
    while (this.table[i] !== slot + 1) i = (i + 1) & mask;
    this.table[i] = DELETED;
    this.live--;
    this.dead += start - this.offsets[slot]! + length;
    this.offsets[slot] = -1;
    this.free.push(slot);
    if (this.dead > COMPACT_AT && this.dead * 2 > this.end) this.compact();
  }

  text(slot: number): string {
    const { start, length } = this.bytesOf(slot);
    return this.arena.toString('utf8', start, start + length);
  }

  /** The members' order: their UTF-8 bytes compared, as Redis and SQLite order equal scores. */
  compare(a: number, b: number): number {
    const x = this.bytesOf(a);
    const xStart = x.start;
    const xLength = x.length;
    const y = this.bytesOf(b);
    const arena = this.arena;
    const n = Math.min(xLength, y.length);
    for (let i = 0; i < n; i++) {
      const d = arena[xStart + i]! - arena[y.start + i]!;
      if (d !== 0) return d;
    }
    return xLength - y.length;
  }

  /** Writes the member into the scratch buffer; returns its hash. */
  private encode(member: string): number {
    if (this.scratch.length < member.length * 3) this.scratch = Buffer.allocUnsafeSlow(member.length * 3);
    this.scratchLength = this.scratch.write(member, 0, 'utf8');
    return fnv(this.scratch, 0, this.scratchLength);
  }

  private equalsScratch(slot: number): boolean {
    const { start, length } = this.bytesOf(slot);
    if (length !== this.scratchLength) return false;
    for (let i = 0; i < length; i++) if (this.arena[start + i] !== this.scratch[i]) return false;
    return true;
  }

  private readonly located = { start: 0, length: 0 };

  /** Where a slot's bytes are; the answer is reused by the next call. */
  private bytesOf(slot: number): { start: number; length: number } {
    const at = this.offsets[slot]!;
    const first = this.arena[at]!;
    if (first < SHORT) {
      this.located.start = at + 1;
      this.located.length = first;
    } else {
      this.located.start = at + 5;
      this.located.length = this.arena.readUInt32LE(at + 1);
    }
    return this.located;
  }

  /** Appends length-prefixed bytes to the arena; returns their offset. */
  private store(from: Buffer, start: number, length: number): number {
    const need = length + (length < SHORT ? 1 : 5);
    if (this.end + need > this.arena.length) this.grow(this.end + need);
    const at = this.end;
    if (length < SHORT) this.arena[at] = length;
    else {
      this.arena[at] = SHORT;
      this.arena.writeUInt32LE(length, at + 1);
    }
    from.copy(this.arena, at + need - length, start, start + length);
    this.end += need;
    return at;
  }

  private grow(atLeast: number): void {
    let size = this.arena.length * 2;
    while (size < atLeast) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.arena.copy(grown, 0, 0, this.end);
    this.arena = grown;
  }

  private compact(): void {
    const old = this.arena;
    this.arena = Buffer.allocUnsafeSlow(Math.max(4096, (this.end - this.dead) * 2));
    this.end = 0;
    this.dead = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const at = this.offsets[slot]!;
      if (at < 0) continue;
      const first = old[at]!;
      const start = first < SHORT ? at + 1 : at + 5;
      const length = first < SHORT ? first : old.readUInt32LE(at + 1);
      this.offsets[slot] = this.store(old, start, length);
    }
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    this.filled = this.live;
    const mask = size - 1;
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.offsets[slot]! < 0) continue;
      const { start, length } = this.bytesOf(slot);
      let i = fnv(this.arena, start, length) & mask;
      while (this.table[i] !== EMPTY) i = (i + 1) & mask;
      this.table[i] = slot + 1;
    }
  }
}

/** FNV-1a, 32 bits. */
function fnv(bytes: Buffer, start: number, length: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < start + length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}
