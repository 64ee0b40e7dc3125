// The one storage contract. Memory is the default; SQLite and Redis implement the same interface
// and the same compare-and-set semantics, and are run through the same conformance suite.

export interface StoredRecord<T = unknown> {
  /** Namespaced by vendor, e.g. "datadog.workflow". */
  kind: string;
  tenant: string;
  id: string;
  /** Groups records under a parent (a workflow's instances); listed newest first. */
  parentId?: string;
  createdAt: number;
  /** Starts at 1; every successful update increments it. */
  version: number;
  data: T;
  /**
   * Set on every record a store returns: its insertion number, increasing in creation order across
   * every process sharing the store (the order lists follow). Ignored when writing.
   */
  seq?: number;
}

export interface ListQuery {
  kind: string;
  tenant: string;
  parentId?: string;
  offset: number;
  limit: number;
}

export interface ListPage<T> {
  items: StoredRecord<T>[];
  total: number;
}

/** One change to a sorted index: a member takes a new score, or leaves (null). */
export interface IndexChange {
  index: string;
  member: string;
  score: number | null;
  /**
   * Written with `create`/`update`: the member is prefixed by the record's seq (SEQ_DIGITS digits),
   * which only the store knows while it creates the record, so members sort in creation order.
   */
  seqPrefix?: boolean;
}

/** Wide enough for any seq (2^53 has 16 digits), so a seq-prefixed member sorts as its seq does. */
export const SEQ_DIGITS = 16;

/** The member a `seqPrefix` change writes. */
export const seqMember = (seq: number, member: string): string => String(seq).padStart(SEQ_DIGITS, '0') + member;

/** The changes as they are written for a record numbered `seq`: seq-prefixed members spelled out. */
export const withSeq = (changes: readonly IndexChange[], seq: number): IndexChange[] =>
  changes.map((c) => (c.seqPrefix ? { index: c.index, member: seqMember(seq, c.member), score: c.score } : c));

export interface IndexRange {
  offset: number;
  limit: number;
  /** Highest score first (ties: the greater member first), as a page of newest first needs. */
  reverse?: boolean;
  /** Only scores at least `min` and at most `max`. */
  min?: number;
  max?: number;
}

export interface IndexMember {
  member: string;
  score: number;
}

export interface LogEntry<T = unknown> {
  /**
   * 1, 2, 3, ... in append order, across every process sharing the store. The logs of one name share
   * the numbering across tenants (so a tenant's own log has gaps), which is what lets `readLogs`
   * merge them in the order the store accepted them. A tenant's reset leaves the numbering as it
   * is; a full reset starts it at 1 again.
   */
  seq: number;
  entry: T;
}

/** An entry of `readLogs`, with the tenant whose log holds it. */
export interface TenantLogEntry<T = unknown> extends LogEntry<T> {
  tenant: string;
}

export class DuplicateRecordError extends Error {
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`${kind} ${id} already exists`);
  }
}

/**
 * The store could not be reached in time (a Redis server down or not answering). The operation may
 * or may not have been applied; callers answer 503 rather than hang or blame the request.
 */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
  constructor(location: string, cause: Error) {
    super(`the store at ${location} is unavailable: ${cause.message}`, { cause });
  }
}

/**
 * A record as every store returns it: seq set, and no parentId key at all without a parent (not
 * null, not undefined), so JSON answers built from it stay as they were.
 */
export function storedRecord<T>(
  kind: string,
  tenant: string,
  id: string,
  createdAt: number,
  version: number,
  data: T,
  seq: number,
  parentId: string | null | undefined,
): StoredRecord<T> {
  const record: StoredRecord<T> = { kind, tenant, id, createdAt, version, data, seq };
  if (parentId !== null && parentId !== undefined) record.parentId = parentId;
  return record;
}

/** A record's data as stored text; `undefined` (which JSON cannot say) is stored as null. */
export const toJson = (data: unknown): string => JSON.stringify(data) ?? 'null';

export interface ConnectionChange {
  state: 'lost' | 'recovered';
  /** What the client library said when the connection went (lost only). */
  cause?: string;
}

export interface Store {
  /**
   * The record as stored. Its `data` (here and from list/scan) is deep-frozen and may be the very
   * object another reader got: build a new one to write (`{ ...record, data: { ... } }`).
   */
  get<T>(kind: string, tenant: string, id: string): Promise<StoredRecord<T> | undefined>;
  /**
   * Several records at once, in the order of `ids` (undefined where there is none), as `get` gives
   * each: a page of a list read from an index. SQLite reads them in one snapshot, Redis in one
   * round trip.
   */
  getMany<T>(kind: string, tenant: string, ids: readonly string[]): Promise<(StoredRecord<T> | undefined)[]>;
  /**
   * Inserts a new record (version 1) and returns its `seq`; throws DuplicateRecordError when the id is
   * taken. `index` (changes to the record's tenant's indexes derived from it) commits in the same
   * step: a crash or a lost race leaves both or neither, never a record its indexes do not count.
   */
  create<T>(record: StoredRecord<T>, index?: readonly IndexChange[]): Promise<number>;
  /**
   * Replaces the record only if its stored version is still `expectedVersion`; false otherwise.
   * `index` is applied in the same step and only when the update is: two replicas racing cannot both
   * move an instance's index entries, whatever order their writes reach the store in.
   */
  update<T>(record: StoredRecord<T>, expectedVersion: number, index?: readonly IndexChange[]): Promise<boolean>;
  delete(kind: string, tenant: string, id: string): Promise<boolean>;
  /** Newest first, one page plus the total. Order is insertion order: records are created in
   *  createdAt order because the clock never goes backwards (fixture loaders sort first). */
  list<T>(query: ListQuery): Promise<ListPage<T>>;
  /** Every record of a kind for a tenant (and parent), newest first. */
  scan<T>(kind: string, tenant: string, parentId?: string): Promise<StoredRecord<T>[]>;
  /**
   * Adds 1 to a tenant's counter and returns the new count. A counter lives `ttlMs` of wall time
   * after its first increment (callers put the window in the key, so expiry is only cleanup).
   */
  increment(tenant: string, key: string, ttlMs: number): Promise<number>;
  /**
   * Sorted indexes of a tenant (member -> score, like Redis sorted sets): what lets a query count
   * by time without reading every record. A member is in an index at most once.
   */
  writeIndex(tenant: string, changes: IndexChange[]): Promise<void>;
  /** For each index, how many of its members score at most `max`. */
  countIndex(tenant: string, indexes: string[], max: number): Promise<number[]>;
  /**
   * One page of an index in score order, ties in member order (as bytes: callers keep members ASCII,
   * where every backend agrees): what lets a list read a page by time without reading every record.
   */
  rangeIndex(tenant: string, index: string, range: IndexRange): Promise<IndexMember[]>;
  /**
   * Appends to a tenant's bounded log in one atomic step: numbers the entry (one sequence per log
   * name, shared by every tenant's log of that name) and drops the oldest of this tenant's log
   * beyond `keep`, so one tenant's appends never push out another's. Returns the entry's number.
   */
  append<T>(tenant: string, log: string, entry: T, keep: number): Promise<number>;
  /** A log's entries, oldest first. */
  readLog<T>(tenant: string, log: string): Promise<LogEntry<T>[]>;
  /** Every tenant's log of that name, merged oldest first (by `seq`). */
  readLogs<T>(log: string): Promise<TenantLogEntry<T>[]>;
  /** Delivers a message to the subscribers of a channel in every process sharing this store, this one included. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once subscribed; the returned function unsubscribes. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Removes everything (records, counters, indexes and logs), or everything of one tenant. */
  reset(tenant?: string): Promise<void>;
  /**
   * The wall time every process sharing this store agrees on, in ms since the epoch: the local
   * clock for a store no other host shares; for Redis, the local clock corrected by its measured
   * offset from the Redis server's clock, so a replica whose clock is off still agrees with the others.
   */
  now(): number;
  /** What this store is, for /health and the logs. */
  readonly info: StoreInfo;
  /**
   * Tells when a networked store's connection drops (once, however many reconnection attempts
   * follow) and when it is back. Stores without a connection never call it.
   */
  onConnection?(listener: (change: ConnectionChange) => void): void;
  close(): Promise<void>;
}

export interface StoreInfo {
  /** "memory", "sqlite" or "redis". */
  kind: string;
  /** Where, with any password removed. */
  location: string;
  /** Survives a restart of the process. */
  durable: boolean;
  /** Several flowtwin processes may use it at once and agree. */
  shared: boolean;
  /** True when this process created the store (empty) rather than opening existing data. */
  fresh: boolean;
}
