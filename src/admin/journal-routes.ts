// GET /__flowtwin/journal and POST /__flowtwin/journal/verify: what the vendor APIs received.
import type { Request, Router } from 'express';
import type { Journal, JournalFilter } from '../http/journal.js';
import { ControlInputError } from '../vendors/vendor.js';

const FILTER_KEYS = ['vendor', 'operation', 'tenant', 'status', 'since', 'params'] as const;

/** A filter from query strings or a JSON body, refusing what it cannot mean. */
export function journalFilter(raw: Record<string, unknown>): JournalFilter {
  const filter: JournalFilter = {};
  for (const key of ['vendor', 'operation', 'tenant'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw new ControlInputError(`${key} must be a non-empty string`);
    filter[key] = v;
  }
  if (raw.status !== undefined) {
    const status = Number(raw.status);
    if (!Number.isInteger(status) || status < 100 || status > 599)
      throw new ControlInputError('status must be an HTTP status code (100-599)');
    filter.status = status;
  }
  if (raw.since !== undefined) {
    if (typeof raw.since !== 'string' || Number.isNaN(Date.parse(raw.since)))
      throw new ControlInputError('since must be an ISO 8601 time');
    filter.since = new Date(raw.since).toISOString();
  }
  if (raw.params !== undefined) {
    const p = raw.params;
    if (
      typeof p !== 'object' ||
      p === null ||
      Array.isArray(p) ||
      !Object.values(p).every((v) => typeof v === 'string')
    ) {
      throw new ControlInputError('params must be an object of strings, e.g. {"instance_id": "..."}');
    }
    filter.params = p as Record<string, string>;
  }
  return filter;
}

/** With a vendor's credentials on the call, only that tenant's requests are seen. */
export function mountJournal(
  router: Router,
  journal: Journal,
  tenantOf: (req: Request) => Promise<string | undefined>,
): void {
  const scoped = async (req: Request, filter: JournalFilter): Promise<JournalFilter> => {
    const tenant = await tenantOf(req);
    return tenant === undefined ? filter : { ...filter, tenant };
  };

  router.get('/journal', async (req, res) => {
    const unknown = Object.keys(req.query).filter((k) => !(FILTER_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0)
      throw new ControlInputError(
        `unknown filter ${unknown.join(', ')}; use ${FILTER_KEYS.filter((k) => k !== 'params').join(', ')}`,
      );
    const entries = await journal.query(await scoped(req, journalFilter(req.query as Record<string, unknown>)));
    res.json({ count: entries.length, entries });
  });

  router.post('/journal/verify', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const count = body.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
      throw new ControlInputError('count must be a non-negative integer: how many requests must match');
    const entries = await journal.query(await scoped(req, journalFilter(body)));
    if (entries.length === count) return void res.json({ verified: true, count });
    res
      .status(409)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: 'Verification failed',
          status: 409,
          detail: `expected ${count} matching request(s), saw ${entries.length}`,
          expected: count,
          seen: entries.length,
          entries: entries.slice(-20),
        }),
      );
  });
}
