// SQLite store: one file that survives restarts. WAL with synchronous=NORMAL keeps every committed
// transaction through a crash of the process (only an OS crash may lose the last few).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DecodedCache, recordCacheKey } from './decoded-cache.js';
import { LocalChannels } from './local-channels.js';
import { StoreOpenError } from './open.js';
import { openSchema } from './sqlite-schema.js';
import {
  DuplicateRecordError,
  storedRecord,
  toJson,
  withSeq,
  type IndexChange,
  type IndexMember,
  type IndexRange,
  type ListPage,
  type ListQuery,
  type LogEntry,
  type Store,
  type StoreInfo,
  type StoredRecord,
  type TenantLogEntry,
} from './store.js';

const COLUMNS = 'seq, id, parent_id AS parentId, created_at AS createdAt, version, data';
const BY_KIND = 'tenant = @tenant AND kind = @kind';
const BY_PARENT = `${BY_KIND} AND parent_id = @parentId`;

/** Exported so a test can hold each query to its index plan. */
export const SQL = {
  get: `SELECT ${COLUMNS} FROM records WHERE ${BY_KIND} AND id = @id`,
  insert: `INSERT INTO records (kind, tenant, id, parent_id, created_at, version, data)
           VALUES (@kind, @tenant, @id, @parentId, @createdAt, 1, @data)`,
  update: `UPDATE records SET created_at = @createdAt, data = @data, version = version + 1
           WHERE ${BY_KIND} AND id = @id AND version = @expected`,
  delete: `DELETE FROM records WHERE ${BY_KIND} AND id = @id`,
  pageOfKind: `SELECT ${COLUMNS} FROM records WHERE ${BY_KIND} ORDER BY seq DESC LIMIT @limit OFFSET @offset`,
  pageOfParent: `SELECT ${COLUMNS} FROM records WHERE ${BY_PARENT} ORDER BY seq DESC LIMIT @limit OFFSET @offset`,
  countOfKind: `SELECT COUNT(*) FROM records WHERE ${BY_KIND}`,
  countOfParent: `SELECT COUNT(*) FROM records WHERE ${BY_PARENT}`,
  // One statement, so two processes counting at once cannot both start a new window.
  increment: `INSERT INTO counters (tenant, key, count, expires_at) VALUES (@tenant, @key, 1, @expires)
              ON CONFLICT (tenant, key) DO UPDATE SET
                count = CASE WHEN expires_at > @now THEN count + 1 ELSE 1 END,
                expires_at = CASE WHEN expires_at > @now THEN expires_at ELSE excluded.expires_at END
              RETURNING count`,
  pruneCounters: 'DELETE FROM counters WHERE expires_at <= @now',
  indexSet: `INSERT INTO index_members (tenant, name, member, score) VALUES (@tenant, @name, @member, @score)
             ON CONFLICT (tenant, name, member) DO UPDATE SET score = excluded.score`,
  indexRemove: 'DELETE FROM index_members WHERE tenant = @tenant AND name = @name AND member = @member',
  indexCount: 'SELECT COUNT(*) FROM index_members WHERE tenant = @tenant AND name = @name AND score <= @max',
  // index_members_by_score carries the key's member after the score, so both orders read the index as it lies.
  indexRange:
    'SELECT member, score FROM index_members WHERE tenant = @tenant AND name = @name ' +
    'AND score BETWEEN @min AND @max\n' +
    '               ORDER BY score, member LIMIT @limit OFFSET @offset',
  indexRangeReverse:
    'SELECT member, score FROM index_members WHERE tenant = @tenant AND name = @name ' +
    'AND score BETWEEN @min AND @max\n' +
    '                      ORDER BY score DESC, member DESC LIMIT @limit OFFSET @offset',
  // A log name's sequence lives in meta, so a tenant's reset (which deletes its rows) cannot lower it.
  // Without it (a new file, after a full reset, or a file written before it was kept) the rows say.
  logNext: `SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'log_seq:' || @name),
                            (SELECT COALESCE(MAX(seq), 0) FROM logs WHERE name = @name)) + 1`,
  logSeqSet:
    "INSERT INTO meta (key, value) VALUES ('log_seq:' || @name, @seq) " +
    'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  logInsert: 'INSERT INTO logs (tenant, name, seq, data) VALUES (@tenant, @name, @seq, @data)',
  // By count, not by number: the numbers of one tenant's log have gaps where other tenants appended.
  logTrim:
    'DELETE FROM logs WHERE tenant = @tenant AND name = @name\n' +
    '              AND seq <= (SELECT seq FROM logs WHERE tenant = @tenant AND name = @name ' +
    'ORDER BY seq DESC LIMIT 1 OFFSET @keep)',
  logRead: 'SELECT seq, data FROM logs WHERE tenant = @tenant AND name = @name ORDER BY seq',
  logReadAll: 'SELECT tenant, seq, data FROM logs WHERE name = @name ORDER BY seq',
  resetRecords: 'DELETE FROM records WHERE tenant = @tenant',
  resetCounters: 'DELETE FROM counters WHERE tenant = @tenant',
  resetIndexes: 'DELETE FROM index_members WHERE tenant = @tenant',
  resetLogs: 'DELETE FROM logs WHERE tenant = @tenant',
  resetAllRecords: 'DELETE FROM records',
  resetAllCounters: 'DELETE FROM counters',
  resetAllIndexes: 'DELETE FROM index_members',
  resetAllLogs: 'DELETE FROM logs',
  resetAllLogSeqs: "DELETE FROM meta WHERE key LIKE 'log\\_seq:%' ESCAPE '\\'",
} as const;

/** Expired counters are only garbage (keys carry their window), so they are swept now and then, not on every call. */
const PRUNE_EVERY = 1000;

interface Row {
  seq: number;
  id: string;
  parentId: string | null;
  createdAt: number;
  version: number;
  data: string;
}

type Statements = { [K in keyof typeof SQL]: Database.Statement };

/** An append waiting for its batch's commit. */
interface PendingAppend {
  tenant: string;
  log: string;
  data: string;
  keep: number;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

/** How many of one tenant's log's newest entries a batch leaves, as appending one by one would have. */
interface LogTrim {
  tenant: string;
  name: string;
  keep: number;
}

export interface SqliteStoreOptions {
  wallClock?: () => number;
}

export class SqliteStore implements Store {
  readonly info: StoreInfo;
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly channels = new LocalChannels();
  /** Keyed and checked by the row's text, so a write by another process is never hidden. */
  private readonly decoded = new DecodedCache();
  private readonly wallClock: () => number;
  private increments = 0;
  private closed = false;
  /** One read transaction, so a page and its total come from the same snapshot. */
  private readonly readPage: (byParent: boolean, params: Record<string, unknown>) => { rows: Row[]; total: number };
  private readonly readMany: (kind: string, tenant: string, ids: readonly string[]) => (Row | undefined)[];
  private readonly resetIn: (tenant: string | undefined) => void;
  private readonly writeIndexIn: (tenant: string, changes: readonly IndexChange[]) => void;
  /** A record and its index changes in one transaction: both commit, or neither. */
  private readonly createIn: (params: Record<string, unknown>, tenant: string, index: readonly IndexChange[]) => number;
  private readonly updateIn: Database.Transaction<
    (params: Record<string, unknown>, tenant: string, index: readonly IndexChange[]) => boolean
  >;
  private readonly appendIn: Database.Transaction<(batch: PendingAppend[]) => number[]>;
  /**
   * Appends not yet written, in call order. Every request appends to the journal, and a commit
   * each (a WAL write, BEGIN/COMMIT, a MAX lookup and a trim) cost more than the rest of a GET on
   * this store: appends made in one turn of the event loop are written in one transaction instead.
   */
  private pending: PendingAppend[] = [];
  private flushScheduled = false;

  /** Opens or creates the store at `file` (":memory:" for a throwaway one); throws StoreOpenError. */
  constructor(file: string, options: SqliteStoreOptions = {}) {
    const location = file === ':memory:' ? file : resolve(file);
    let db: Database.Database | undefined;
    try {
      if (location !== ':memory:') refuseNonSqlite(location);
      db = new Database(location);
      db.pragma('busy_timeout = 5000');
      const fresh = openSchema(db, location);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const open = db;
      this.sql = Object.fromEntries(
        Object.entries(SQL).map(([name, text]) => [name, open.prepare(text)]),
      ) as Statements;
      for (const single of [
        this.sql.countOfKind,
        this.sql.countOfParent,
        this.sql.increment,
        this.sql.indexCount,
        this.sql.logNext,
      ])
        single.pluck();
      this.db = db;
      this.readPage = db.transaction((byParent: boolean, params: Record<string, unknown>) => ({
        rows: (byParent ? this.sql.pageOfParent : this.sql.pageOfKind).all(params) as Row[],
        total: (byParent ? this.sql.countOfParent : this.sql.countOfKind).get(params) as number,
      }));
      this.readMany = db.transaction((kind: string, tenant: string, ids: readonly string[]) =>
        ids.map((id) => this.sql.get.get({ kind, tenant, id }) as Row | undefined),
      );
      this.resetIn = db.transaction((tenant: string | undefined) => {
        if (tenant === undefined) {
          for (const all of [
            this.sql.resetAllRecords,
            this.sql.resetAllCounters,
            this.sql.resetAllIndexes,
            this.sql.resetAllLogs,
            this.sql.resetAllLogSeqs,
          ])
            all.run();
        } else {
          for (const one of [this.sql.resetRecords, this.sql.resetCounters, this.sql.resetIndexes, this.sql.resetLogs])
            one.run({ tenant });
        }
      });
      // One transaction each: a request's index changes, or an append and its trim, are one commit.
      const writeIndex = (tenant: string, changes: readonly IndexChange[]) => {
        for (const { index: name, member, score } of changes) {
          if (score === null) this.sql.indexRemove.run({ tenant, name, member });
          else this.sql.indexSet.run({ tenant, name, member, score });
        }
      };
      this.writeIndexIn = db.transaction(writeIndex);
      this.createIn = db.transaction(
        (params: Record<string, unknown>, tenant: string, index: readonly IndexChange[]) => {
          const seq = Number(this.sql.insert.run(params).lastInsertRowid);
          writeIndex(tenant, withSeq(index, seq));
          return seq;
        },
      );
      this.updateIn = db.transaction(
        (params: Record<string, unknown>, tenant: string, index: readonly IndexChange[]) => {
          if (this.sql.update.run(params).changes !== 1) return false;
          // The row's seq is read only when a member needs it: an instance's updates never do.
          const seq = index.some((c) => c.seqPrefix)
            ? (this.sql.get.get({ kind: params.kind, tenant, id: params.id }) as Row).seq
            : 0;
          writeIndex(tenant, withSeq(index, seq));
          return true;
        },
      );
      // A batch numbers its entries in call order; each name's sequence is read and written once,
      // each tenant's log trimmed once. An append with `keep` k leaves the newest k, and each later
      // one adds one more: the batch leaves min(k + appends after it), what one by one would have.
      this.appendIn = db.transaction((batch: PendingAppend[]) => {
        const last = new Map<string, number>();
        const trims = new Map<string, LogTrim>();
        const seqs = batch.map(({ tenant, log: name, data, keep }) => {
          const seq = (last.get(name) ?? (this.sql.logNext.get({ name }) as number) - 1) + 1;
          last.set(name, seq);
          this.sql.logInsert.run({ tenant, name, seq, data });
          const key = `${tenant}\u0000${name}`;
          const trim = trims.get(key);
          if (trim) trim.keep = Math.min(trim.keep + 1, keep);
          else trims.set(key, { tenant, name, keep });
          return seq;
        });
        for (const [name, seq] of last) this.sql.logSeqSet.run({ name, seq });
        for (const trim of trims.values()) this.sql.logTrim.run(trim);
        return seqs;
      });
      this.info = { kind: 'sqlite', location, durable: location !== ':memory:', shared: false, fresh };
    } catch (err) {
      db?.close();
      if (err instanceof StoreOpenError) throw err;
      throw new StoreOpenError(`cannot open ${location} as a flowtwin store: ${(err as Error).message}`);
    }
    this.wallClock = options.wallClock ?? Date.now;
  }

  async get<T>(kind: string, tenant: string, id: string): Promise<StoredRecord<T> | undefined> {
    const row = this.sql.get.get({ kind, tenant, id }) as Row | undefined;
    return row && this.decodedRecord<T>(kind, tenant, row);
  }

  async getMany<T>(kind: string, tenant: string, ids: readonly string[]): Promise<(StoredRecord<T> | undefined)[]> {
    // One transaction: in WAL mode starting a read is most of a lookup's cost, and it is paid once.
    const rows =
      ids.length > 1
        ? this.readMany(kind, tenant, ids)
        : ids.map((id) => this.sql.get.get({ kind, tenant, id }) as Row | undefined);
    return rows.map((row) => row && this.decodedRecord<T>(kind, tenant, row));
  }

  /** A row read singly (get, getMany), its data kept decoded for the next reader. */
  private decodedRecord<T>(kind: string, tenant: string, row: Row): StoredRecord<T> {
    return toRecord<T>(
      kind,
      tenant,
      row,
      this.decoded.decode(recordCacheKey(kind, tenant, row.id), row.data, JSON.parse),
    );
  }

  async create<T>(record: StoredRecord<T>, index: readonly IndexChange[] = []): Promise<number> {
    const params = {
      ...keyOf(record),
      parentId: record.parentId ?? null,
      createdAt: record.createdAt,
      data: toJson(record.data),
    };
    try {
      return index.length > 0
        ? this.createIn(params, record.tenant, index)
        : Number(this.sql.insert.run(params).lastInsertRowid);
    } catch (err) {
      if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new DuplicateRecordError(record.kind, record.id);
      throw err;
    }
  }

  async update<T>(
    record: StoredRecord<T>,
    expectedVersion: number,
    index: readonly IndexChange[] = [],
  ): Promise<boolean> {
    const params = {
      ...keyOf(record),
      createdAt: record.createdAt,
      data: toJson(record.data),
      expected: expectedVersion,
    };
    // IMMEDIATE: the version check and the index changes see no other process's write in between.
    return index.length > 0
      ? this.updateIn.immediate(params, record.tenant, index)
      : this.sql.update.run(params).changes === 1;
  }

  async delete(kind: string, tenant: string, id: string): Promise<boolean> {
    return this.sql.delete.run({ kind, tenant, id }).changes === 1;
  }

  async list<T>(query: ListQuery): Promise<ListPage<T>> {
    const { kind, tenant, parentId, offset, limit } = query;
    const byParent = parentId !== undefined;
    const params = byParent ? { kind, tenant, parentId, offset, limit } : { kind, tenant, offset, limit };
    const { rows, total } = this.readPage(byParent, params);
    return {
      items: rows.map((row) =>
        toRecord<T>(kind, tenant, row, this.decoded.read(recordCacheKey(kind, tenant, row.id), row.data, JSON.parse)),
      ),
      total,
    };
  }

  async scan<T>(kind: string, tenant: string, parentId?: string): Promise<StoredRecord<T>[]> {
    return (await this.list<T>({ kind, tenant, parentId, offset: 0, limit: -1 })).items;
  }

  async increment(tenant: string, key: string, ttlMs: number): Promise<number> {
    const now = this.wallClock();
    if (++this.increments % PRUNE_EVERY === 0) this.sql.pruneCounters.run({ now });
    return this.sql.increment.get({ tenant, key, now, expires: now + ttlMs }) as number;
  }

  async writeIndex(tenant: string, changes: IndexChange[]): Promise<void> {
    if (changes.length > 0) this.writeIndexIn(tenant, changes);
  }

  async countIndex(tenant: string, indexes: string[], max: number): Promise<number[]> {
    return indexes.map((name) => this.sql.indexCount.get({ tenant, name, max }) as number);
  }

  async rangeIndex(tenant: string, index: string, range: IndexRange): Promise<IndexMember[]> {
    if (range.limit <= 0) return [];
    const { offset, limit, min = -Infinity, max = Infinity } = range;
    return (range.reverse ? this.sql.indexRangeReverse : this.sql.indexRange).all({
      tenant,
      name: index,
      min,
      max,
      limit,
      offset,
    }) as IndexMember[];
  }

  /** Resolves with the entry's seq once the batch it joined is committed (see `pending`). */
  async append<T>(tenant: string, log: string, entry: T, keep: number): Promise<number> {
    if (this.closed) throw new Error(`the SQLite store at ${this.info.location} is closed`);
    // Serialized now: what is appended is the entry as it is at the call.
    const data = toJson(entry);
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ tenant, log, data, keep: Math.max(1, keep), resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      // setImmediate, not a microtask: it runs after every request read in this turn has appended.
      setImmediate(() => {
        this.flushScheduled = false;
        this.flushAppends();
      });
    });
  }

  /** Writes every pending append in one transaction; a failure rejects each of its callers, never throws. */
  private flushAppends(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    let seqs: number[];
    try {
      // IMMEDIATE: another process appending to this file cannot slip between the MAX and the INSERT.
      seqs = this.appendIn.immediate(batch);
    } catch (err) {
      for (const append of batch) append.reject(err);
      return;
    }
    batch.forEach((append, i) => append.resolve(seqs[i]!));
  }

  /** Includes appends still pending: they are written first. */
  async readLog<T>(tenant: string, log: string): Promise<LogEntry<T>[]> {
    this.flushAppends();
    const rows = this.sql.logRead.all({ tenant, name: log }) as { seq: number; data: string }[];
    return rows.map((row) => ({ seq: row.seq, entry: JSON.parse(row.data) as T }));
  }

  async readLogs<T>(log: string): Promise<TenantLogEntry<T>[]> {
    this.flushAppends();
    const rows = this.sql.logReadAll.all({ name: log }) as { tenant: string; seq: number; data: string }[];
    return rows.map((row) => ({ tenant: row.tenant, seq: row.seq, entry: JSON.parse(row.data) as T }));
  }

  async publish(channel: string, message: string): Promise<void> {
    this.channels.publish(channel, message);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    return this.channels.subscribe(channel, listener);
  }

  async reset(tenant?: string): Promise<void> {
    // An append called before the reset lands before it, as it would have unbatched.
    this.flushAppends();
    this.resetIn(tenant);
  }

  now(): number {
    return this.wallClock();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flushAppends();
    this.db.close();
  }
}

const keyOf = (record: StoredRecord): { kind: string; tenant: string; id: string } => ({
  kind: record.kind,
  tenant: record.tenant,
  id: record.id,
});

function toRecord<T>(kind: string, tenant: string, row: Row, data: unknown): StoredRecord<T> {
  return storedRecord(kind, tenant, row.id, row.createdAt, row.version, data as T, row.seq, row.parentId);
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** SQLite would only say "file is not a database" on the first query; say what the file is and whose path it is. */
function refuseNonSqlite(location: string): void {
  let size: number;
  try {
    const stat = statSync(location);
    if (stat.isDirectory())
      throw new StoreOpenError(
        `${location} is a directory, not a SQLite file; give a file path such as ${location}/flowtwin.db`,
      );
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (size === 0) return;
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(location, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.equals(SQLITE_HEADER)) {
    throw new StoreOpenError(
      `${location} is not a SQLite database (it is ${size} bytes of something else); ` +
        'flowtwin will not overwrite it: give another path or remove the file',
    );
  }
}
