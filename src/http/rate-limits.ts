// Vendor-style rate limiting, off until rules are set: per tenant (key pair, project) and per named
// group of operations, in calendar-aligned periods of the tenant's virtual clock (so a test can
// exhaust a limit and advance past the reset instead of sleeping).
import { ControlInputError } from '../vendors/vendor.js';

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

export class RateLimiter {
  private rules: RateLimitRule[] = [];
  private readonly counters = new Map<string, { window: number; count: number }>();

  constructor(private readonly known: Map<string, Set<string>>) {}

  /** Replaces every rule (an empty list turns rate limiting off). */
  set(raw: unknown): RateLimitRule[] {
    const list = (raw as { rules?: unknown } | undefined)?.rules;
    if (!Array.isArray(list)) throw new ControlInputError('body must be {"rules": [{"vendor", "name", "limit", "period", "operations"?}]}');
    const rules = list.map((r, i) => this.check(r, i));
    const names = rules.map((r) => `${r.vendor}/${r.name}`);
    if (new Set(names).size !== names.length) throw new ControlInputError('rule names must be unique per vendor');
    this.rules = rules;
    this.counters.clear();
    return this.list();
  }

  list(): RateLimitRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
    this.counters.clear();
  }

  /** Counts a request against the first matching group; undefined when no rule covers it. */
  hit(vendor: string, operationId: string, tenant: string, now: number): RateLimitState | undefined {
    const rule = this.rules.find((r) => r.vendor === vendor && (r.operations === undefined || r.operations.includes(operationId)));
    if (!rule) return undefined;
    const periodMs = rule.period * 1000;
    const window = Math.floor(now / periodMs);
    const key = `${vendor}\u0000${rule.name}\u0000${tenant}`;
    const counter = this.counters.get(key);
    const current = counter && counter.window === window ? counter : { window, count: 0 };
    const limited = current.count >= rule.limit;
    if (!limited) current.count++;
    this.counters.set(key, current);
    return {
      name: rule.name,
      limit: rule.limit,
      period: rule.period,
      remaining: Math.max(0, rule.limit - current.count),
      reset: Math.max(1, Math.ceil(((window + 1) * periodMs - now) / 1000)),
      limited,
    };
  }

  private check(raw: unknown, i: number): RateLimitRule {
    const at = `rules[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ControlInputError(`${at} must be an object`);
    const r = raw as Record<string, unknown>;
    const unknown = Object.keys(r).filter((k) => !['vendor', 'name', 'limit', 'period', 'operations'].includes(k));
    if (unknown.length > 0) throw new ControlInputError(`${at} has unknown field ${unknown.join(', ')}`);
    if (typeof r.vendor !== 'string' || !this.known.has(r.vendor)) throw new ControlInputError(`${at}.vendor must be one of ${[...this.known.keys()].join(', ')}`);
    if (typeof r.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(r.name)) throw new ControlInputError(`${at}.name must be 1-64 letters, digits, "_", "." or "-"`);
    if (!Number.isInteger(r.limit) || (r.limit as number) < 0 || (r.limit as number) > 1_000_000) throw new ControlInputError(`${at}.limit must be an integer from 0 to 1000000`);
    if (!Number.isInteger(r.period) || (r.period as number) < 1 || (r.period as number) > 86_400) throw new ControlInputError(`${at}.period must be an integer number of seconds from 1 to 86400`);
    const rule: RateLimitRule = { vendor: r.vendor, name: r.name, limit: r.limit as number, period: r.period as number };
    if (r.operations !== undefined) {
      const ops = this.known.get(r.vendor)!;
      if (!Array.isArray(r.operations) || r.operations.length === 0 || !r.operations.every((o) => typeof o === 'string' && ops.has(o))) {
        throw new ControlInputError(`${at}.operations must list operationIds of ${r.vendor}'s spec`);
      }
      rule.operations = r.operations as string[];
    }
    return rule;
  }
}
