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

export class DuplicateRecordError extends Error {
  constructor(readonly kind: string, readonly id: string) {
    super(`${kind} ${id} already exists`);
  }
}

export interface Store {
  get<T>(kind: string, tenant: string, id: string): Promise<StoredRecord<T> | undefined>;
  /** Inserts a new record (version 1); throws DuplicateRecordError when the id is taken. */
  create<T>(record: StoredRecord<T>): Promise<void>;
  /** Replaces the record only if its stored version is still `expectedVersion`; false otherwise. */
  update<T>(record: StoredRecord<T>, expectedVersion: number): Promise<boolean>;
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
  /** Delivers a message to the subscribers of a channel in every process sharing this store, this one included. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once subscribed; the returned function unsubscribes. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Removes everything (records and counters), or everything of one tenant. */
  reset(tenant?: string): Promise<void>;
  /** What this store is, for /health and the logs. */
  readonly info: StoreInfo;
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
