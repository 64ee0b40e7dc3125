// The request journal: what came in to the vendor APIs and what went out, newest last, bounded,
// with secrets masked, so a test can ask "exactly 2 cancels of instance X?". Entries live in the
// store, numbered by a shared counter, so every replica sees every replica's requests.
import type { Store } from '../store/store.js';

const KIND = 'flowtwin.journal';
/** Entries of every tenant share one log (a global query must not visit every tenant). */
const LOG = '';
const SEQ_TTL_MS = 100 * 365 * 24 * 3600_000;

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

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);

/** A copy with every value under a secret-looking key replaced, at any depth. */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') continue;
    out[k] = SECRET_KEY.test(k) ? MASK : maskSecrets(v, depth + 1);
  }
  return out;
}

export class Journal {
  constructor(
    private readonly store: Store,
    readonly limit = 1000,
  ) {}

  async record(entry: Omit<JournalEntry, 'seq'>): Promise<void> {
    const seq = await this.store.increment(LOG, 'journal-seq', SEQ_TTL_MS);
    const data: JournalEntry = { ...entry, seq, requestBody: maskSecrets(entry.requestBody), responseBody: maskSecrets(entry.responseBody) };
    await this.store.create({ kind: KIND, tenant: LOG, id: entryId(seq), createdAt: seq, version: 1, data });
    // Numbered entries make the bound O(1): the one that falls out has a known id.
    if (seq > this.limit) await this.store.delete(KIND, LOG, entryId(seq - this.limit));
  }

  /** Matching entries, oldest first. */
  async query(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    const records = await this.store.scan<JournalEntry>(KIND, LOG);
    return records
      .map((r) => r.data)
      .filter(
        (e) =>
          (filter.vendor === undefined || e.vendor === filter.vendor) &&
          (filter.operation === undefined || e.operationId === filter.operation) &&
          (filter.tenant === undefined || e.tenant === filter.tenant) &&
          (filter.status === undefined || e.status === filter.status) &&
          (filter.since === undefined || e.at >= filter.since) &&
          Object.entries(filter.params ?? {}).every(([k, v]) => e.params[k] === v),
      )
      .sort((a, b) => a.seq - b.seq);
  }
}

const entryId = (seq: number): string => String(seq).padStart(16, '0');
