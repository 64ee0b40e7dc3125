// The request journal: what came in to the vendor APIs and what went out, newest last, bounded,
// with secrets masked, so a test can ask "exactly 2 cancels of instance X?". Entries live in
// bounded logs in the store, numbered by it, so every replica sees every replica's requests.
//
// One log per tenant, each keeping the last `limit` entries: in a flowtwin shared by several CI
// suites, one suite's traffic must not push another's requests out before it verifies them.
// Requests that name no tenant (refused by auth, say) have a log of their own, so a flood of them
// cannot either. The store numbers the logs of one name in one sequence, so `seq` orders entries
// across tenants and a global query merges every log in the order the requests were journaled.
import type { Store } from '../store/store.js';

const LOG = 'flowtwin.journal';
/** The log of requests without a tenant: the global tenant's, which no credentials name. */
const NO_TENANT = '';

export interface JournalEntry {
  seq: number;
  /** Virtual time of the request, ISO 8601. */
  at: string;
  vendor: string;
  operationId: string;
  tenant?: string;
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  status: number;
  durationMs: number;
  requestBody?: unknown;
  responseBody?: unknown;
  /** The response override that answered, by id. */
  override?: string;
}

export interface JournalFilter {
  vendor?: string;
  operation?: string;
  tenant?: string;
  status?: number;
  /** Only entries at or after this virtual time (ISO 8601). */
  since?: string;
  /** Path parameters that must match, e.g. {"instance_id": "..."}. */
  params?: Record<string, string>;
}

const SECRET_KEY = /pass(word)?|secret|token|^sk$|api_?key|app_?key|authorization/i;
const MASK = '***';

/** Keys seen so far and whether each is secret: bodies repeat the same few dozen keys on every request. */
const knownKeys = new Map<string, boolean>();
const MAX_KNOWN_KEYS = 4096;

export function isSecretKey(key: string): boolean {
  let secret = knownKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    // Keys come from clients too: past the bound they are tested each time instead of remembered.
    if (knownKeys.size < MAX_KNOWN_KEYS) knownKeys.set(key, secret);
  }
  return secret;
}

/**
 * The value with every value under a secret-looking key replaced, at any depth. Copies only what
 * holds a secret: most bodies hold none and come back as they are (this runs on every request).
 */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const masked = maskSecrets(value[i], depth + 1);
      if (masked !== value[i]) (out ??= value.slice())[i] = masked;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const object = value as Record<string, unknown>;
  for (const k in object) {
    if (!Object.hasOwn(object, k)) continue;
    const v = object[k];
    const masked = isSecretKey(k) ? MASK : maskSecrets(v, depth + 1);
    if (masked !== v) (out ??= copyOf(object))[k] = masked;
  }
  return out ?? value;
}

/** A plain copy that keeps a `__proto__` key as data, never as the prototype. */
function copyOf(object: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(object))
    Object.defineProperty(copy, k, { value: object[k], enumerable: true, writable: true, configurable: true });
  return copy;
}

export class Journal {
  constructor(
    private readonly store: Store,
    readonly limit = 1000,
  ) {}

  /**
   * The bodies must not change afterwards: the memory store keeps them by reference.
   * One append, to the tenant's log.
   */
  async record(entry: Omit<JournalEntry, 'seq'>): Promise<void> {
    const masked = {
      ...entry,
      requestBody: maskSecrets(entry.requestBody),
      responseBody: maskSecrets(entry.responseBody),
    };
    await this.store.append(entry.tenant ?? NO_TENANT, LOG, masked, this.limit);
  }

  /**
   * Matching entries, oldest first. With a tenant in the filter only that tenant's log is read;
   * without one, every tenant's and the one of requests without a tenant, merged by `seq`.
   */
  async query(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    const log =
      filter.tenant !== undefined
        ? await this.store.readLog<Omit<JournalEntry, 'seq'>>(filter.tenant, LOG)
        : await this.store.readLogs<Omit<JournalEntry, 'seq'>>(LOG);
    return log
      .map(({ seq, entry }) => ({ seq, ...entry }))
      .filter(
        (e) =>
          (filter.vendor === undefined || e.vendor === filter.vendor) &&
          (filter.operation === undefined || e.operationId === filter.operation) &&
          (filter.tenant === undefined || e.tenant === filter.tenant) &&
          (filter.status === undefined || e.status === filter.status) &&
          (filter.since === undefined || e.at >= filter.since) &&
          Object.entries(filter.params ?? {}).every(([k, v]) => e.params[k] === v),
      );
  }
}
