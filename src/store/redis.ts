// Redis store: one Redis shared by many flowtwin processes. Every write is a Lua script, so the
// compare-and-set has exactly one winner whichever process or connection the callers use.
import { Redis } from 'ioredis';
import { APPEND, CREATE, DELETE, INCREMENT, PAGE, RESET_BATCH, UPDATE } from './redis-scripts.js';
import { DecodedCache, recordCacheKey } from './decoded-cache.js';
import { StoreOpenError, newerSchemaError, redactUrl } from './open.js';
import {
  DuplicateRecordError,
  StoreUnavailable,
  storedRecord,
  toJson,
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
  type ConnectionChange,
} from './store.js';

export const SCHEMA_VERSION = 1;
export const DEFAULT_PREFIX = 'flowtwin:';
const RESET_BATCH_SIZE = 500;
/** Far above any one command's time (a reset works in batches, a list reads one page). */
const COMMAND_TIMEOUT_MS = 10_000;

export interface RedisStoreOptions {
  /** Put before every key and channel name; defaults to "flowtwin:". */
  prefix?: string;
  connectTimeoutMs?: number;
  /** This host's clock (Date.now); `now()` corrects it by its offset from the Redis server's. */
  wallClock?: () => number;
}

/** How often the offset from the Redis server's clock is measured again (clocks drift, NTP steps them). */
const TIME_SYNC_MS = 10_000;
/** A measurement whose round trip took longer says too little about the offset to be adopted. */
const MAX_SYNC_RTT_MS = 50;

type Arg = string | number;
interface Scripts {
  ftCreate(numKeys: number, ...args: Arg[]): Promise<number>;
  ftUpdate(numKeys: number, ...args: Arg[]): Promise<number>;
  ftDelete(...args: Arg[]): Promise<number>;
  ftPage(key: string, ...args: Arg[]): Promise<(string | number | null)[]>;
  ftIncrement(...args: Arg[]): Promise<number>;
  ftResetBatch(...args: Arg[]): Promise<number>;
  ftAppend(...args: Arg[]): Promise<number>;
}

export class RedisStore implements Store {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  /** Subscribes and unsubscribes one after another, so a channel's SUBSCRIBE and UNSUBSCRIBE never cross. */
  private pubsubQueue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly connectionListeners: ((change: ConnectionChange) => void)[] = [];
  /** Checked against the text Redis returns, so another replica's write is never hidden. */
  private readonly decoded = new DecodedCache();
  /** The Redis server's clock minus this host's, as last measured. */
  private offset = 0;
  /** `now()` never goes back, even when a new measurement lowers the offset. */
  private lastNow = -Infinity;
  private syncTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly redis: Redis & Scripts,
    private readonly prefix: string,
    readonly info: StoreInfo,
    /** Passes a call's result through; a connection failure (not a Redis error reply) becomes StoreUnavailable. */
    private readonly io: <T>(call: Promise<T>) => Promise<T>,
    private readonly wallClock: () => number,
  ) {}

  /**
   * Every replica stamps time from the one clock they share, the Redis server's, read through this
   * host's clock and the offset between them: replicas whose own clocks disagree by minutes still
   * agree on virtual time to within a round trip, without a Redis call per request.
   */
  now(): number {
    this.lastNow = Math.max(this.lastNow, this.wallClock() + this.offset);
    return this.lastNow;
  }

  /** Measures the offset from the Redis server's clock; keeps the last one when the round trip was slow. */
  async syncTime(): Promise<number> {
    const before = this.wallClock();
    const [seconds, micros] = await this.io(this.redis.time());
    const after = this.wallClock();
    if (after - before <= MAX_SYNC_RTT_MS || this.lastNow === -Infinity) {
      this.offset = Number(seconds) * 1000 + Number(micros) / 1000 - (before + after) / 2;
    }
    return this.offset;
  }

  /** Connects, checks or writes the schema marker; throws StoreOpenError instead of retrying forever. */
  static async open(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const location = redisLocation(url);
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    let opened = false;
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? 3000,
      // How long a dropped connection's socket may linger (default 2 s); it holds the process open meanwhile.
      disconnectTimeout: 200,
      // Once open, ride out a Redis restart; before that, an unreachable Redis is the user's mistake to hear about now.
      retryStrategy: (times) => (opened ? Math.min(times * 200, 2000) : null),
      // While Redis is down a command waits for one reconnection attempt, not the default 20 (about
      // 30 s): it fails within two retry delays (at most 4 s), and a blip of one attempt is ridden out.
      maxRetriesPerRequest: 1,
      // A Redis that accepts the connection but never answers (stopped, a half-open link) fails the call too.
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    // Failures reach callers as rejected commands; without a listener ioredis would also print each one.
    // The first one is kept because connect() itself only says "Connection is closed".
    let cause: Error | undefined;
    redis.on('error', (err: Error) => void (cause ??= err));
    const timeoutMs = options.connectTimeoutMs ?? 3000;
    try {
      // connectTimeout only covers the TCP connect: a listener that never answers would hang the ready check.
      await withDeadline(redis.connect(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
    } catch (err) {
      // Once ioredis has given up ("end") its socket is gone; disconnect() would only start a timer
      // waiting for that socket to close, and hold the process open that long.
      if (redis.status !== 'end') redis.disconnect();
      throw new StoreOpenError(`cannot reach Redis at ${location}: ${(cause ?? (err as Error)).message}`);
    }
    try {
      const fresh = await withDeadline(
        checkSchema(redis, `${prefix}schema`, location),
        timeoutMs,
        () => new Error(`no answer within ${timeoutMs} ms`),
      );
      for (const [name, lua] of Object.entries({
        ftCreate: CREATE,
        ftUpdate: UPDATE,
        ftDelete: DELETE,
        ftPage: PAGE,
        ftIncrement: INCREMENT,
        ftResetBatch: RESET_BATCH,
        ftAppend: APPEND,
      })) {
        redis.defineCommand(name, { lua, numberOfKeys: KEY_COUNTS[name] });
      }
      opened = true;
      // After open a drop is ridden out (retryStrategy); the logs say when it starts and ends.
      let down = false;
      let lastError: Error | undefined;
      redis.on('error', (err: Error) => void (lastError = err));
      redis.on('close', () => {
        if (down || store.closed) return;
        down = true;
        for (const l of store.connectionListeners)
          l({ state: 'lost', ...(lastError ? { cause: lastError.message } : {}) });
      });
      redis.on('ready', () => {
        if (!down) return;
        down = false;
        lastError = undefined;
        for (const l of store.connectionListeners) l({ state: 'recovered' });
      });
      const store = new RedisStore(
        redis as Redis & Scripts,
        prefix,
        { kind: 'redis', location, durable: true, shared: true, fresh },
        unavailable(location),
        options.wallClock ?? Date.now,
      );
      // The best of three: a connection still warming up answers its first calls slower.
      for (let i = 0; i < 3; i++)
        await withDeadline(store.syncTime(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
      store.syncTimer = setInterval(() => void store.syncTime().catch(() => undefined), TIME_SYNC_MS).unref();
      return store;
    } catch (err) {
      redis.disconnect();
      if (err instanceof StoreOpenError) throw err;
      throw new StoreOpenError(`cannot open the flowtwin store at ${location}: ${(err as Error).message}`);
    }
  }

  async get<T>(kind: string, tenant: string, id: string): Promise<StoredRecord<T> | undefined> {
    return this.fromFields<T>(
      kind,
      tenant,
      id,
      await this.io(this.redis.hmget(this.recordKey(kind, tenant, id), ...FIELDS)),
    );
  }

  async getMany<T>(kind: string, tenant: string, ids: readonly string[]): Promise<(StoredRecord<T> | undefined)[]> {
    if (ids.length <= 1) return Promise.all(ids.map((id) => this.get<T>(kind, tenant, id)));
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.recordKey(kind, tenant, id), ...FIELDS);
    const replies = await this.io(pipeline.exec().then(firstError));
    return Promise.all(
      replies.map(([, fields], i) => this.fromFields<T>(kind, tenant, ids[i]!, fields as (string | null)[])),
    );
  }

  /** A record from its hash's fields (FIELDS, in order); undefined when there is no such hash. */
  private async fromFields<T>(
    kind: string,
    tenant: string,
    id: string,
    [v, c, d, p, s]: (string | null)[],
  ): Promise<StoredRecord<T> | undefined> {
    if (v === null || v === undefined) return undefined;
    // A record written before the hash kept its seq: the kind index scores ids by it.
    const seq = s ?? (await this.io(this.redis.zscore(this.kindIndex(kind, tenant), id))) ?? '0';
    return toRecord<T>(
      kind,
      tenant,
      id,
      v,
      c!,
      this.decoded.decode(recordCacheKey(kind, tenant, id), d!, JSON.parse),
      p ?? null,
      seq,
    );
  }

  async create<T>(record: StoredRecord<T>, index: readonly IndexChange[] = []): Promise<number> {
    const { kind, tenant, id, parentId } = record;
    const keys = [
      this.recordKey(kind, tenant, id),
      this.kindIndex(kind, tenant),
      this.registry(tenant),
      `${this.prefix}seq`,
      `${this.prefix}tenants`,
    ];
    if (parentId !== undefined) keys.push(this.childIndexPrefix(kind, tenant) + parentId);
    const args: Arg[] = [id, record.createdAt, toJson(record.data), tenant, parentId ?? '', keys.length];
    const changes = this.indexArgs(tenant, index);
    const seq = await this.io(
      this.redis.ftCreate(keys.length + changes.keys.length, ...keys, ...changes.keys, ...args, ...changes.args),
    );
    if (seq === 0) throw new DuplicateRecordError(kind, id);
    return seq;
  }

  async update<T>(
    record: StoredRecord<T>,
    expectedVersion: number,
    index: readonly IndexChange[] = [],
  ): Promise<boolean> {
    const keys = [
      this.recordKey(record.kind, record.tenant, record.id),
      this.registry(record.tenant),
      `${this.prefix}tenants`,
    ];
    const changes = this.indexArgs(record.tenant, index);
    const args: Arg[] = [expectedVersion, record.createdAt, toJson(record.data), record.tenant];
    return (
      (await this.io(
        this.redis.ftUpdate(keys.length + changes.keys.length, ...keys, ...changes.keys, ...args, ...changes.args),
      )) === 1
    );
  }

  /** Index changes as the INDEX snippet of the create and update scripts reads them. */
  private indexArgs(tenant: string, changes: readonly IndexChange[]): { keys: string[]; args: Arg[] } {
    const keys: string[] = [];
    const args: Arg[] = [];
    for (const { index, member, score, seqPrefix } of changes) {
      // Redis does not undo a script's earlier writes when a later command fails: refuse before sending.
      if (score !== null && Number.isNaN(score))
        throw new TypeError(`index ${index}: a score must be a number, not NaN`);
      keys.push(this.indexKey(tenant, index));
      args.push(member, score === null ? '' : bound(score), seqPrefix ? '1' : '0');
    }
    return { keys, args };
  }

  async delete(kind: string, tenant: string, id: string): Promise<boolean> {
    const keys = [this.recordKey(kind, tenant, id), this.kindIndex(kind, tenant), this.registry(tenant)];
    return (await this.io(this.redis.ftDelete(...keys, id, this.childIndexPrefix(kind, tenant)))) === 1;
  }

  async list<T>(query: ListQuery): Promise<ListPage<T>> {
    const { kind, tenant, parentId, offset, limit } = query;
    const index =
      parentId === undefined ? this.kindIndex(kind, tenant) : this.childIndexPrefix(kind, tenant) + parentId;
    if (limit === 0) return { items: [], total: await this.io(this.redis.zcard(index)) };
    // A negative limit means "to the end", which is how scan asks for everything.
    const stop = limit < 0 ? -1 : offset + limit - 1;
    const [total, ...flat] = await this.io(this.redis.ftPage(index, this.recordKeyPrefix(kind, tenant), offset, stop));
    const items: StoredRecord<T>[] = [];
    for (let i = 0; i < flat.length; i += 6) {
      const id = String(flat[i]);
      const data = this.decoded.read(recordCacheKey(kind, tenant, id), String(flat[i + 3]), JSON.parse);
      items.push(
        toRecord<T>(
          kind,
          tenant,
          id,
          String(flat[i + 1]),
          String(flat[i + 2]),
          data,
          (flat[i + 4] as string | null) ?? null,
          String(flat[i + 5]),
        ),
      );
    }
    return { items, total: Number(total) };
  }

  async scan<T>(kind: string, tenant: string, parentId?: string): Promise<StoredRecord<T>[]> {
    return (await this.list<T>({ kind, tenant, parentId, offset: 0, limit: -1 })).items;
  }

  async increment(tenant: string, key: string, ttlMs: number): Promise<number> {
    const counter = `${this.tenantPrefix(tenant)}n:${key}`;
    return this.io(
      this.redis.ftIncrement(
        counter,
        this.registry(tenant),
        `${this.prefix}tenants`,
        Math.max(1, Math.ceil(ttlMs)),
        tenant,
      ),
    );
  }

  async writeIndex(tenant: string, changes: IndexChange[]): Promise<void> {
    if (changes.length === 0) return;
    // MULTI: the request's changes land together, registered so a reset finds the index.
    const multi = this.redis.multi();
    const keys = new Set<string>();
    for (const { index, member, score } of changes) {
      const key = this.indexKey(tenant, index);
      if (score === null) multi.zrem(key, member);
      else multi.zadd(key, score, member);
      keys.add(key);
    }
    multi.zadd(this.registry(tenant), ...[...keys].flatMap((key) => ['inf', key]));
    multi.sadd(`${this.prefix}tenants`, tenant);
    await this.io(multi.exec().then(firstError));
  }

  async countIndex(tenant: string, indexes: string[], max: number): Promise<number[]> {
    if (indexes.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const index of indexes) pipeline.zcount(this.indexKey(tenant, index), '-inf', bound(max));
    const results = await this.io(pipeline.exec().then(firstError));
    return results.map(([, count]) => Number(count));
  }

  async rangeIndex(tenant: string, index: string, range: IndexRange): Promise<IndexMember[]> {
    if (range.limit <= 0) return [];
    const key = this.indexKey(tenant, index);
    const min = bound(range.min ?? -Infinity);
    const max = bound(range.max ?? Infinity);
    const flat = await this.io(
      range.reverse
        ? this.redis.zrevrangebyscore(key, max, min, 'WITHSCORES', 'LIMIT', range.offset, range.limit)
        : this.redis.zrangebyscore(key, min, max, 'WITHSCORES', 'LIMIT', range.offset, range.limit),
    );
    const out: IndexMember[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i]!, score: parseScore(flat[i + 1]!) });
    return out;
  }

  async append<T>(tenant: string, log: string, entry: T, keep: number): Promise<number> {
    const sequence = `${this.tenantPrefix('')}ls:${log}`;
    const list = `${this.tenantPrefix(tenant)}l:${log}`;
    return this.io(
      this.redis.ftAppend(
        sequence,
        list,
        this.registry(tenant),
        `${this.prefix}tenants`,
        this.registry(''),
        toJson(entry),
        Math.max(1, keep),
        tenant,
      ),
    );
  }

  async readLog<T>(tenant: string, log: string): Promise<LogEntry<T>[]> {
    const items = await this.io(this.redis.lrange(`${this.tenantPrefix(tenant)}l:${log}`, 0, -1));
    return items.map((item) => {
      const space = item.indexOf(' ');
      return { seq: Number(item.slice(0, space)), entry: JSON.parse(item.slice(space + 1)) as T };
    });
  }

  /** Each tenant's list in one round trip per 100 tenants (SSCAN, as reset does), merged by number. */
  async readLogs<T>(log: string): Promise<TenantLogEntry<T>[]> {
    const out: TenantLogEntry<T>[] = [];
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, scanned] = await this.io(this.redis.sscan(`${this.prefix}tenants`, cursor, 'COUNT', 100));
      // SSCAN may return a member twice.
      const tenants = scanned.filter((t) => !seen.has(t) && seen.add(t));
      const pipeline = this.redis.pipeline();
      for (const t of tenants) pipeline.lrange(`${this.tenantPrefix(t)}l:${log}`, 0, -1);
      const lists = await this.io(pipeline.exec().then(firstError));
      tenants.forEach((tenant, i) => {
        for (const item of lists[i]![1] as string[]) {
          const space = item.indexOf(' ');
          out.push({ tenant, seq: Number(item.slice(0, space)), entry: JSON.parse(item.slice(space + 1)) as T });
        }
      });
      cursor = next;
    } while (cursor !== '0');
    return out.sort((a, b) => a.seq - b.seq);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.io(this.redis.publish(this.channelName(channel), message));
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const name = this.channelName(channel);
    const own = (message: string) => listener(message);
    await this.serially(async () => {
      const set = this.listeners.get(name);
      if (set) return void set.add(own);
      // Listed before SUBSCRIBE is sent: a message can arrive in the same read as the acknowledgement.
      this.listeners.set(name, new Set([own]));
      try {
        await this.io((await this.subscriberConnection()).subscribe(name));
      } catch (err) {
        this.listeners.delete(name);
        throw err;
      }
    });
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      await this.serially(async () => {
        const set = this.listeners.get(name);
        if (!set?.delete(own) || set.size > 0) return;
        this.listeners.delete(name);
        await this.subscriber?.unsubscribe(name);
      });
    };
  }

  async reset(tenant?: string): Promise<void> {
    if (tenant !== undefined) return this.resetTenant(tenant);
    // SSCAN, not SMEMBERS: the set of tenants is not bounded by anything flowtwin controls.
    let cursor = '0';
    do {
      const [next, tenants] = await this.io(this.redis.sscan(`${this.prefix}tenants`, cursor, 'COUNT', 100));
      for (const t of tenants) await this.resetTenant(t);
      cursor = next;
    } while (cursor !== '0');
  }

  onConnection(listener: (change: ConnectionChange) => void): void {
    this.connectionListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.syncTimer);
    await Promise.all(
      [this.redis, this.subscriber].map((connection) => connection?.quit().catch(() => connection.disconnect())),
    );
  }

  private async resetTenant(tenant: string): Promise<void> {
    while (
      (await this.io(
        this.redis.ftResetBatch(this.registry(tenant), `${this.prefix}tenants`, RESET_BATCH_SIZE, tenant),
      )) > 0
    );
  }

  private async subscriberConnection(): Promise<Redis> {
    if (this.subscriber) return this.subscriber;
    // Its own connection: a connection in subscribe mode can run no other command.
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => {});
    subscriber.on('message', (name: string, message: string) => {
      for (const listener of [...(this.listeners.get(name) ?? [])]) {
        // A throwing listener must not break the connection's reader or starve the others.
        try {
          listener(message);
        } catch (err) {
          process.emitWarning(`a subscriber of ${name} threw: ${(err as Error).message}`);
        }
      }
    });
    this.subscriber = subscriber;
    await subscriber.connect();
    return subscriber;
  }

  private serially<T>(op: () => Promise<T>): Promise<T> {
    const result = this.pubsubQueue.then(op, op);
    this.pubsubQueue = result.catch(() => undefined);
    return result;
  }

  private tenantPrefix(tenant: string): string {
    return `${this.prefix}t:${encode(tenant)}:`;
  }
  private registry(tenant: string): string {
    return `${this.tenantPrefix(tenant)}keys`;
  }
  private recordKeyPrefix(kind: string, tenant: string): string {
    return `${this.tenantPrefix(tenant)}r:${encode(kind)}:`;
  }
  private recordKey(kind: string, tenant: string, id: string): string {
    return this.recordKeyPrefix(kind, tenant) + id;
  }
  private kindIndex(kind: string, tenant: string): string {
    return `${this.tenantPrefix(tenant)}i:${encode(kind)}`;
  }
  private childIndexPrefix(kind: string, tenant: string): string {
    return `${this.tenantPrefix(tenant)}c:${encode(kind)}:`;
  }
  private indexKey(tenant: string, index: string): string {
    return `${this.tenantPrefix(tenant)}x:${index}`;
  }
  private channelName(channel: string): string {
    // Pub/sub ignores the db number, so the prefix is what keeps two stores on one Redis apart.
    return `${this.prefix}ch:${channel}`;
  }
}

/**
 * Keys each script takes; create's and update's counts vary (a child index, the indexes written),
 * so they pass their own.
 */
const KEY_COUNTS: Record<string, number | undefined> = {
  ftDelete: 3,
  ftPage: 1,
  ftIncrement: 3,
  ftResetBatch: 2,
  ftAppend: 5,
};

/**
 * Redis answered with an error (a script's, a wrong type) is a fault of the call;
 * anything else is the connection's.
 */
function unavailable(location: string) {
  return <T>(call: Promise<T>): Promise<T> =>
    call.catch((err: unknown) => {
      throw err instanceof Error && err.name !== 'ReplyError' ? new StoreUnavailable(location, err) : err;
    });
}

/** A record hash's fields: version, createdAt, data, parent, seq. */
const FIELDS = ['v', 'c', 'd', 'p', 's'] as const;

/** A MULTI's or a pipeline's results, or the first of its commands' errors thrown. */
function firstError<R extends [Error | null, unknown][] | null>(results: R): NonNullable<R> {
  for (const [err] of results ?? []) if (err) throw err;
  return (results ?? []) as NonNullable<R>;
}

function withDeadline<T>(work: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(error()), ms)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Redis spells infinite scores "+inf" and "-inf", in a bound and in a reply alike. */
const bound = (score: number): string => (score === Infinity ? '+inf' : score === -Infinity ? '-inf' : String(score));
const parseScore = (text: string): number =>
  text === 'inf' || text === '+inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);

/**
 * base64url has no ":" and no glob characters, so an encoded tenant or kind can neither collide
 * nor match a pattern.
 */
const encode = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');

/** A record from the text Redis answers with: version, createdAt and seq are numbers as strings. */
function toRecord<T>(
  kind: string,
  tenant: string,
  id: string,
  v: string,
  c: string,
  data: unknown,
  p: string | null,
  seq: string,
): StoredRecord<T> {
  return storedRecord(kind, tenant, id, Number(c), Number(v), data as T, Number(seq), p);
}

async function checkSchema(redis: Redis, key: string, location: string): Promise<boolean> {
  if ((await redis.set(key, String(SCHEMA_VERSION), 'NX')) === 'OK') return true;
  const raw = await redis.get(key);
  const version = Number(raw);
  if (!Number.isInteger(version) || version < 1) {
    throw new StoreOpenError(
      `${location}: key ${key} holds ${JSON.stringify(raw)}, not a flowtwin schema version; ` +
        'is another program using the prefix?',
    );
  }
  if (version > SCHEMA_VERSION) throw newerSchemaError(location, version, SCHEMA_VERSION);
  return false;
}

/** The URL as logs and /health show it: no password, and the db number always spelled out. */
export function redisLocation(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreOpenError(`"${redactUrl(url)}" is not a valid Redis URL; use redis://host:port/db`);
  }
  const db = parsed.pathname.replace(/^\//, '') || '0';
  if (!/^\d+$/.test(db))
    throw new StoreOpenError(`${redactUrl(url)}: the database must be a number, as in redis://host:port/0`);
  const user = parsed.username ? `${parsed.username}@` : '';
  return `${parsed.protocol}//${user}${parsed.hostname || 'localhost'}:${parsed.port || 6379}/${db}`;
}
