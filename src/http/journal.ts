// The request journal: what came in to the vendor APIs and what went out, newest last, bounded,
// with secrets masked, so a test can ask "exactly 2 cancels of instance X?".

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
  private entries: JournalEntry[] = [];
  private seq = 0;

  constructor(readonly limit = 1000) {}

  record(entry: Omit<JournalEntry, 'seq'>): void {
    this.entries.push({ ...entry, seq: ++this.seq, requestBody: maskSecrets(entry.requestBody), responseBody: maskSecrets(entry.responseBody) });
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  query(filter: JournalFilter = {}): JournalEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.vendor === undefined || e.vendor === filter.vendor) &&
        (filter.operation === undefined || e.operationId === filter.operation) &&
        (filter.tenant === undefined || e.tenant === filter.tenant) &&
        (filter.status === undefined || e.status === filter.status) &&
        (filter.since === undefined || e.at >= filter.since) &&
        Object.entries(filter.params ?? {}).every(([k, v]) => e.params[k] === v),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
