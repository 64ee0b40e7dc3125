// The members of one memory-store index, kept outside the JS heap: each member's bytes in chunks of
// an arena, found again by a hash table of slot numbers. A million instances make three or four
// million index entries; as JS strings in a Map they cost ~140 bytes each and every major GC walked
// them. A slot is a small number the index sorts and scores by; it is reused once its member leaves.
// Members are mostly an instance id with a short prefix or suffix, so a lowercase UUID in one is kept
// as its 16 bytes rather than 36 characters (MemberCodec).
import { MemberCodec } from './member-codec.js';

const EMPTY = 0;
const DELETED = -1;
/** An offset is chunk << CHUNK_BITS | position, so a member must start in a chunk's first MB. */
const CHUNK_BITS = 20;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** Chunks double from this size up to 1 MB: small indexes stay small, large ones waste under 1 MB. */
const FIRST_CHUNK = 1024;
/** The arena is rewritten without its dead bytes once they are more than half of it (and this many). */
const COMPACT_AT = 1 << 20;

export class MemberTable {
  private chunks: Buffer[] = [Buffer.allocUnsafeSlow(FIRST_CHUNK)];
  /** Bytes used in the last chunk. */
  private fill = 0;
  private used = 0;
  private dead = 0;
  /** slot -> offset of its encoded member; -1 while the slot is free. */
  private offsets = new Int32Array(16).fill(-1);
  private slots = 0;
  private readonly free: number[] = [];
  /** Open addressing, linear probing: slot + 1, EMPTY or DELETED. */
  private table = new Int32Array(32);
  private filled = 0;
  private live = 0;
  private readonly codec = new MemberCodec();

  /** At least one more than any slot handed out: typed arrays indexed by slot need this length. */
  get capacity(): number {
    return this.offsets.length;
  }

  /** What the table holds in memory: arena bytes allocated, those of removed members, hash table entries. */
  get footprint(): { arenaBytes: number; deadBytes: number; tableEntries: number } {
    return {
      arenaBytes: this.chunks.reduce((n, c) => n + c.length, 0),
      deadBytes: this.dead,
      tableEntries: this.table.length,
    };
  }

  /** The member's slot, or -1. */
  find(member: string): number {
    const { bytes, length } = this.codec.encode(member);
    const mask = this.table.length - 1;
    for (let i = fnv(bytes, 0, length) & mask; ; i = (i + 1) & mask) {
      const entry = this.table[i]!;
      if (entry === EMPTY) return -1;
      if (entry !== DELETED && this.equals(entry - 1, bytes, length)) return entry - 1;
    }
  }

  /** A slot for a member not in the table (find it first). */
  add(member: string): number {
    if ((this.filled + 1) * 4 > this.table.length * 3)
      this.rehash(this.live * 2 > this.table.length ? this.table.length * 2 : this.table.length);
    const { bytes, length } = this.codec.encode(member);
    const slot = this.free.pop() ?? this.slots++;
    if (slot >= this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2).fill(-1);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[slot] = this.store(bytes, 0, length);
    const mask = this.table.length - 1;
    let i = fnv(bytes, 0, length) & mask;
    while (this.table[i] !== EMPTY && this.table[i] !== DELETED) i = (i + 1) & mask;
    if (this.table[i] === EMPTY) this.filled++;
    this.table[i] = slot + 1;
    this.live++;
    return slot;
  }

  remove(slot: number): void {
    const chunk = this.chunkOf(slot);
    const at = this.offsets[slot]! & CHUNK_MASK;
    const length = MemberCodec.size(chunk, at);
    const mask = this.table.length - 1;
    let i = fnv(chunk, at, length) & mask;
    while (this.table[i] !== slot + 1) i = (i + 1) & mask;
    this.table[i] = DELETED;
    this.live--;
    this.dead += length;
    this.offsets[slot] = -1;
    this.free.push(slot);
    if (this.dead > COMPACT_AT && this.dead * 2 > this.used) this.compact();
  }

  text(slot: number): string {
    return this.codec.text(this.chunkOf(slot), this.offsets[slot]! & CHUNK_MASK);
  }

  /** The members' order: their UTF-8 bytes compared, as Redis and SQLite order equal scores. */
  compare(a: number, b: number): number {
    return this.codec.compare(
      this.chunkOf(a),
      this.offsets[a]! & CHUNK_MASK,
      this.chunkOf(b),
      this.offsets[b]! & CHUNK_MASK,
    );
  }

  private chunkOf(slot: number): Buffer {
    return this.chunks[this.offsets[slot]! >>> CHUNK_BITS]!;
  }

  private equals(slot: number, bytes: Buffer, length: number): boolean {
    const chunk = this.chunkOf(slot);
    const at = this.offsets[slot]! & CHUNK_MASK;
    if (MemberCodec.size(chunk, at) !== length) return false;
    for (let i = 0; i < length; i++) if (chunk[at + i] !== bytes[i]) return false;
    return true;
  }

  /** Appends an encoded member to the arena; returns its offset. */
  private store(from: Buffer, start: number, length: number): number {
    let chunk = this.chunks[this.chunks.length - 1]!;
    if (this.fill + length > chunk.length || this.fill > CHUNK_MASK) {
      if (this.chunks.length >= 1 << (31 - CHUNK_BITS))
        throw new RangeError('a memory index holds at most 2 GB of members');
      chunk = Buffer.allocUnsafeSlow(Math.max(length, Math.min(1 << CHUNK_BITS, chunk.length * 2)));
      this.chunks.push(chunk);
      this.fill = 0;
    }
    from.copy(chunk, this.fill, start, start + length);
    const offset = ((this.chunks.length - 1) << CHUNK_BITS) | this.fill;
    this.fill += length;
    this.used += length;
    return offset;
  }

  private compact(): void {
    const old = this.chunks;
    this.chunks = [Buffer.allocUnsafeSlow(FIRST_CHUNK)];
    this.fill = 0;
    this.used = 0;
    this.dead = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const offset = this.offsets[slot]!;
      if (offset < 0) continue;
      const chunk = old[offset >>> CHUNK_BITS]!;
      const at = offset & CHUNK_MASK;
      this.offsets[slot] = this.store(chunk, at, MemberCodec.size(chunk, at));
    }
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    this.filled = this.live;
    const mask = size - 1;
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.offsets[slot]! < 0) continue;
      const chunk = this.chunkOf(slot);
      const at = this.offsets[slot]! & CHUNK_MASK;
      let i = fnv(chunk, at, MemberCodec.size(chunk, at)) & mask;
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
