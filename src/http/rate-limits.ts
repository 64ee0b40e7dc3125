// Vendor-style rate limiting, off until rules are set: per tenant (key pair, project) and per named
// group of operations, in calendar-aligned periods of the tenant's virtual clock (so a test can
// exhaust a limit and advance past the reset instead of sleeping). The counters live in the store,
// so replicas behind one load balancer share one budget.
import type { Store } from '../store/store.js';
import { ControlInputError } from '../vendors/vendor.js';

/**
 * Counters are keyed by their virtual period; their wall-clock lifetime only cleans up. It is long
 * because a frozen virtual clock can keep one period open for as long as a test runs.
 */
const COUNTER_TTL_MS = 24 * 3600_000;

export interface RateLimitRule {
  vendor: string;
  /** The group's name, sent as X-RateLimit-Name. */
  name: string;
  limit: number;
  /** Period in seconds. */
  period: number;
  /** Operations the group covers; all of the vendor's when absent. */
  operations?: string[];
}

export interface RateLimitState {
  name: string;
  limit: number;
  period: number;
  remaining: number;
  /** Seconds until the period ends. */
  reset: number;
  limited: boolean;
}

export interface RateLimitSnapshot {
  /** Bumped whenever the rules change, so new rules count from zero. */
  epoch: number;
  rules: RateLimitRule[];
}

export class RateLimiter {
  private rules: RateLimitRule[] = [];
  private epoch = 0;

  constructor(
    private readonly known: Map<string, Set<string>>,
    private readonly store: Store,
    /** The rules in force from the start and after a reset. */
    private readonly initial: RateLimitRule[] = [],
  ) {
    this.rules = this.parse({ rules: initial });
  }

  /** Replaces every rule (an empty list turns rate limiting off); counting starts again. */
  set(raw: unknown): RateLimitRule[] {
    this.rules = this.parse(raw);
    this.epoch++;
    return this.list();
  }

  list(): RateLimitRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Back to the rules flowtwin started with. */
  restore(): void {
    this.rules = this.parse({ rules: this.initial });
    this.epoch++;
  }

  snapshot(): RateLimitSnapshot {
    return { epoch: this.epoch, rules: this.list() };
  }

  load(s: RateLimitSnapshot | undefined): void {
    this.rules = s ? s.rules.map((r) => ({ ...r })) : this.parse({ rules: this.initial });
    this.epoch = s?.epoch ?? 0;
  }

  /** Counts a request against the first matching group; undefined when no rule covers it. */
  async hit(vendor: string, operationId: string, tenant: string, now: number): Promise<RateLimitState | undefined> {
    const rule = this.rules.find(
      (r) => r.vendor === vendor && (r.operations === undefined || r.operations.includes(operationId)),
    );
    if (!rule) return undefined;
    const periodMs = rule.period * 1000;
    const window = Math.floor(now / periodMs);
    const count = await this.store.increment(
      tenant,
      `rate\u0000${this.epoch}\u0000${vendor}\u0000${rule.name}\u0000${window}`,
      COUNTER_TTL_MS,
    );
    const limited = count > rule.limit;
    return {
      name: rule.name,
      limit: rule.limit,
      period: rule.period,
      remaining: Math.max(0, rule.limit - count),
      reset: Math.max(1, Math.ceil(((window + 1) * periodMs - now) / 1000)),
      limited,
    };
  }

  private parse(raw: unknown): RateLimitRule[] {
    const list = (raw as { rules?: unknown } | undefined)?.rules;
    if (!Array.isArray(list))
      throw new ControlInputError('body must be {"rules": [{"vendor", "name", "limit", "period", "operations"?}]}');
    const rules = list.map((r, i) => this.check(r, i));
    const names = rules.map((r) => `${r.vendor}/${r.name}`);
    if (new Set(names).size !== names.length) throw new ControlInputError('rule names must be unique per vendor');
    return rules;
  }

  private check(raw: unknown, i: number): RateLimitRule {
    const at = `rules[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new ControlInputError(`${at} must be an object`);
    const r = raw as Record<string, unknown>;
    const unknown = Object.keys(r).filter((k) => !['vendor', 'name', 'limit', 'period', 'operations'].includes(k));
    if (unknown.length > 0) throw new ControlInputError(`${at} has unknown field ${unknown.join(', ')}`);
    if (typeof r.vendor !== 'string' || !this.known.has(r.vendor))
      throw new ControlInputError(`${at}.vendor must be one of ${[...this.known.keys()].join(', ')}`);
    if (typeof r.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(r.name))
      throw new ControlInputError(`${at}.name must be 1-64 letters, digits, "_", "." or "-"`);
    if (!Number.isInteger(r.limit) || (r.limit as number) < 0 || (r.limit as number) > 1_000_000)
      throw new ControlInputError(`${at}.limit must be an integer from 0 to 1000000`);
    if (!Number.isInteger(r.period) || (r.period as number) < 1 || (r.period as number) > 86_400)
      throw new ControlInputError(`${at}.period must be an integer number of seconds from 1 to 86400`);
    const rule: RateLimitRule = {
      vendor: r.vendor,
      name: r.name,
      limit: r.limit as number,
      period: r.period as number,
    };
    if (r.operations !== undefined) {
      const ops = this.known.get(r.vendor)!;
      if (
        !Array.isArray(r.operations) ||
        r.operations.length === 0 ||
        !r.operations.every((o) => typeof o === 'string' && ops.has(o))
      ) {
        throw new ControlInputError(`${at}.operations must list operationIds of ${r.vendor}'s spec`);
      }
      rule.operations = r.operations as string[];
    }
    return rule;
  }
}
