// In-memory store: the default. Each record's data is kept as JSON text, as SQLite and Redis keep it,
// with long values shared between records (SharedJson): a million instances as objects took about
// 2 KB each; as shared text they take what their own values do. Readers get frozen data, the
// recently read records' decoded once (DecodedCache), so no caller can change what is stored.
import { LocalChannels } from './local-channels.js';
import { BoundedLog, SortedIndex } from './memory-index.js';
import { SharedJson } from './shared-json.js';
import { DecodedCache, recordCacheKey } from './decoded-cache.js';
import { flat } from './flat-string.js';
import {
  DuplicateRecordError,
  storedRecord,
  withSeq,
  type IndexChange,
  type IndexMember,
  type IndexRange,
  type ListPage,
  type ListQuery,
  type LogEntry,
  type Store,
  type TenantLogEntry,
  type StoreInfo,
  type StoredRecord,
} from './store.js';

interface Row {
  id: string;
  seq: number;
  parentId: string | undefined;
  createdAt: number;
  version: number;
  json: string | string[];
}

type Bucket = Map<string, Row>;

export class MemoryStore implements Store {
  /** kind|tenant -> id -> record, in insertion order. */
  private readonly buckets = new Map<string, Bucket>();
  /** kind|tenant|parent -> ids in insertion order, so a parent's page needs no scan of the others. */
  private readonly children = new Map<string, string[]>();
  /** tenant|key -> count and the wall time it expires. */
  private readonly counters = new Map<string, { count: number; expires: number }>();
  /** index|tenant|name -> sorted index. */
  private readonly indexes = new Map<string, SortedIndex>();
  /** log|tenant|name -> bounded log. */
  private readonly logs = new Map<string, BoundedLog<unknown>>();
  /** Log name -> its last number, shared by every tenant's log of that name (kept by a tenant's reset). */
  private readonly logSeqs = new Map<string, number>();
  private readonly channels = new LocalChannels();
  private readonly json = new SharedJson();
  private readonly decoded = new DecodedCache<string | string[]>();
  private seq = 0;
  readonly info: StoreInfo = { kind: 'memory', location: 'in-process', durable: false, shared: false, fresh: true };

  constructor(private readonly wallClock: () => number = Date.now) {}

  async get<T>(kind: string, tenant: string, id: string): Promise<StoredRecord<T> | undefined> {
    const row = this.buckets.get(bucketKey(kind, tenant))?.get(id);
    return row && this.toRecord<T>(kind, tenant, row, true);
  }

  async getMany<T>(kind: string, tenant: string, ids: readonly string[]): Promise<(StoredRecord<T> | undefined)[]> {
    const bucket = this.buckets.get(bucketKey(kind, tenant));
    return ids.map((id) => {
      const row = bucket?.get(id);
      return row && this.toRecord<T>(kind, tenant, row, true);
    });
  }

  // Nothing awaits between a record and its index changes: one step, as the store contract asks.
  async create<T>(record: StoredRecord<T>, index: readonly IndexChange[] = []): Promise<number> {
    const key = bucketKey(record.kind, record.tenant);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Map()));
    if (bucket.has(record.id)) throw new DuplicateRecordError(record.kind, record.id);
    const id = flat(record.id);
    const seq = ++this.seq;
    bucket.set(id, {
      id,
      seq,
      parentId: record.parentId,
      createdAt: record.createdAt,
      version: 1,
      json: this.json.encode(record.data, record.tenant),
    });
    if (record.parentId !== undefined) {
      const ckey = childKey(record.kind, record.tenant, record.parentId);
      const ids = this.children.get(ckey);
      if (ids) ids.push(id);
      else this.children.set(ckey, [id]);
    }
    this.applyIndex(record.tenant, withSeq(index, seq));
    return seq;
  }

  async update<T>(
    record: StoredRecord<T>,
    expectedVersion: number,
    index: readonly IndexChange[] = [],
  ): Promise<boolean> {
    const bucket = this.buckets.get(bucketKey(record.kind, record.tenant));
    const current = bucket?.get(record.id);
    if (!bucket || !current || current.version !== expectedVersion) return false;
    bucket.set(record.id, {
      id: record.id,
      seq: current.seq,
      parentId: current.parentId,
      createdAt: record.createdAt,
      version: expectedVersion + 1,
      json: this.json.encode(record.data, record.tenant),
    });
    this.applyIndex(record.tenant, withSeq(index, current.seq));
    return true;
  }

  async delete(kind: string, tenant: string, id: string): Promise<boolean> {
    const bucket = this.buckets.get(bucketKey(kind, tenant));
    const current = bucket?.get(id);
    if (!bucket || !current) return false;
    bucket.delete(id);
    if (current.parentId !== undefined) {
      const ckey = childKey(kind, tenant, current.parentId);
      const ids = this.children.get(ckey);
      if (ids)
        this.children.set(
          ckey,
          ids.filter((x) => x !== id),
        );
    }
    return true;
  }

  async list<T>(query: ListQuery): Promise<ListPage<T>> {
    const ids = this.orderedIds(query.kind, query.tenant, query.parentId);
    const bucket = this.buckets.get(bucketKey(query.kind, query.tenant));
    const total = ids.length;
    const items: StoredRecord<T>[] = [];
    // Newest first: walk the insertion-ordered ids from the end.
    for (let i = total - 1 - query.offset; i >= 0 && items.length < query.limit; i--) {
      const row = bucket?.get(ids[i]!);
      if (row) items.push(this.toRecord<T>(query.kind, query.tenant, row));
    }
    return { items, total };
  }

  async scan<T>(kind: string, tenant: string, parentId?: string): Promise<StoredRecord<T>[]> {
    const bucket = this.buckets.get(bucketKey(kind, tenant));
    if (!bucket) return [];
    const ids = this.orderedIds(kind, tenant, parentId);
    const out: StoredRecord<T>[] = [];
    for (let i = ids.length - 1; i >= 0; i--) out.push(this.toRecord<T>(kind, tenant, bucket.get(ids[i]!)!));
    return out;
  }

  async increment(tenant: string, key: string, ttlMs: number): Promise<number> {
    const now = this.wallClock();
    const k = `counter\u0000${tenant}\u0000${key}`;
    const current = this.counters.get(k);
    if (current && current.expires > now) return ++current.count;
    if (this.counters.size > 10_000)
      for (const [ck, c] of this.counters) if (c.expires <= now) this.counters.delete(ck);
    this.counters.set(k, { count: 1, expires: now + ttlMs });
    return 1;
  }

  async writeIndex(tenant: string, changes: IndexChange[]): Promise<void> {
    this.applyIndex(tenant, changes);
  }

  private applyIndex(tenant: string, changes: readonly IndexChange[]): void {
    if (changes.length === 0) return;
    const byIndex = new Map<string, IndexChange[]>();
    for (const change of changes) {
      const batch = byIndex.get(change.index);
      if (batch) batch.push(change);
      else byIndex.set(change.index, [change]);
    }
    for (const [index, batch] of byIndex) {
      const key = indexKey(tenant, index);
      let sorted = this.indexes.get(key);
      if (!sorted) {
        if (batch.every((c) => c.score === null)) continue;
        this.indexes.set(key, (sorted = new SortedIndex()));
      }
      sorted.setMany(batch);
    }
  }

  async countIndex(tenant: string, indexes: string[], max: number): Promise<number[]> {
    return indexes.map((index) => this.indexes.get(indexKey(tenant, index))?.countUpTo(max) ?? 0);
  }

  async rangeIndex(tenant: string, index: string, range: IndexRange): Promise<IndexMember[]> {
    return this.indexes.get(indexKey(tenant, index))?.range(range) ?? [];
  }

  async append<T>(tenant: string, log: string, entry: T, keep: number): Promise<number> {
    const key = `log\u0000${tenant}\u0000${log}`;
    let bounded = this.logs.get(key);
    if (!bounded) this.logs.set(key, (bounded = new BoundedLog()));
    const seq = (this.logSeqs.get(log) ?? 0) + 1;
    this.logSeqs.set(log, seq);
    return bounded.append(seq, entry, Math.max(1, keep));
  }

  async readLog<T>(tenant: string, log: string): Promise<LogEntry<T>[]> {
    return (this.logs.get(`log\u0000${tenant}\u0000${log}`)?.read() ?? []) as LogEntry<T>[];
  }

  async readLogs<T>(log: string): Promise<TenantLogEntry<T>[]> {
    const out: TenantLogEntry<T>[] = [];
    const suffix = `\u0000${log}`;
    for (const [key, bounded] of this.logs) {
      if (!key.endsWith(suffix)) continue;
      const tenant = key.slice('log\u0000'.length, -suffix.length);
      for (const { seq, entry } of bounded.read()) out.push({ seq, entry: entry as T, tenant });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  async publish(channel: string, message: string): Promise<void> {
    this.channels.publish(channel, message);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    return this.channels.subscribe(channel, listener);
  }

  async reset(tenant?: string): Promise<void> {
    if (tenant === undefined) {
      this.buckets.clear();
      this.children.clear();
      this.counters.clear();
      this.indexes.clear();
      this.logs.clear();
      this.logSeqs.clear();
      this.json.clear();
      this.decoded.clear();
      return;
    }
    for (const map of [this.buckets, this.children, this.counters, this.indexes, this.logs] as Map<string, unknown>[]) {
      for (const key of [...map.keys()]) if (key.split('\u0000')[1] === tenant) map.delete(key);
    }
    // The texts only this tenant's records shared, and its decoded records, which hold them too.
    this.json.clear(tenant);
    this.decoded.clearTenant(tenant);
  }

  /** Texts the records share, all tenants together: what a reset must give back (tests read it). */
  get sharedTexts(): number {
    return this.json.size;
  }

  async close(): Promise<void> {}

  now(): number {
    return this.wallClock();
  }

  /** `hot`: a single read, worth keeping decoded; a page or scan would push the hot records out. */
  private toRecord<T>(kind: string, tenant: string, row: Row, hot = false): StoredRecord<T> {
    const key = recordCacheKey(kind, tenant, row.id);
    const data = (
      hot ? this.decoded.decode(key, row.json, this.parse) : this.decoded.read(key, row.json, this.parse)
    ) as T;
    return storedRecord(kind, tenant, row.id, row.createdAt, row.version, data, row.seq, row.parentId);
  }

  private readonly parse = (json: string | string[]): unknown => this.json.decode(json);

  private orderedIds(kind: string, tenant: string, parentId: string | undefined): string[] {
    if (parentId !== undefined) return this.children.get(childKey(kind, tenant, parentId)) ?? [];
    return [...(this.buckets.get(bucketKey(kind, tenant))?.keys() ?? [])];
  }
}

const bucketKey = (kind: string, tenant: string): string => `${kind}\u0000${tenant}`;
const indexKey = (tenant: string, index: string): string => `index\u0000${tenant}\u0000${index}`;
const childKey = (kind: string, tenant: string, parentId: string): string => `${kind}\u0000${tenant}\u0000${parentId}`;
