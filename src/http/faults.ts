// Fault rules: make the next matching requests slow, fail with the vendor's own error body,
// drop the connection or cut the body short. Matched by vendor, operation and path; limited by
// count and probability (from a seeded generator, so a run can be repeated).
import { seededRandom } from '../engine/random.js';
import { RuleList } from '../engine/rule-list.js';
import { ControlInputError } from '../vendors/vendor.js';

export interface FaultInput {
  vendor?: string;
  operation?: string;
  /** Substring of the request path, e.g. an instance id. */
  path?: string;
  times?: number;
  probability?: number;
  latencyMs?: number;
  /** Extra latency drawn uniformly from [0, jitterMs]. */
  jitterMs?: number;
  status?: number;
  drop?: boolean;
  truncate?: boolean;
}

export interface FaultRule extends FaultInput {
  id: string;
  /** Only this tenant's requests (set when the control call carried its credentials). */
  tenant?: string;
  /** How many times it has fired. */
  hits: number;
}

export interface FaultTarget {
  vendor: string;
  operationId: string;
  path: string;
  /** The caller's tenant, when its credentials were accepted. */
  tenant?: string;
}

const KEYS = [
  'vendor',
  'operation',
  'path',
  'times',
  'probability',
  'latencyMs',
  'jitterMs',
  'status',
  'drop',
  'truncate',
];

export class FaultBook extends RuleList<FaultRule> {
  private random: () => number;

  constructor(
    private readonly known: Map<string, Set<string>>,
    private readonly seed = 1,
  ) {
    super('fault');
    this.random = seededRandom(seed);
  }

  addFault(raw: unknown, tenant?: string): FaultRule {
    return this.add({ ...this.check(raw), ...(tenant !== undefined ? { tenant } : {}) });
  }

  override clear(): void {
    super.clear();
    this.random = seededRandom(this.seed);
  }

  /** The first rule that matches and fires; a rule whose count is spent is removed. */
  async take(target: FaultTarget): Promise<(FaultRule & { delayMs: number }) | undefined> {
    for (const rule of this.entries()) {
      if (rule.vendor !== undefined && rule.vendor !== target.vendor) continue;
      if (rule.tenant !== undefined && rule.tenant !== target.tenant) continue;
      if (rule.operation !== undefined && rule.operation !== target.operationId) continue;
      if (rule.path !== undefined && !target.path.includes(rule.path)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      const fired = await this.fire(rule.id);
      if (!fired) continue;
      const delayMs = (fired.latencyMs ?? 0) + (fired.jitterMs ? Math.round(this.random() * fired.jitterMs) : 0);
      return { ...fired, delayMs };
    }
    return undefined;
  }

  private check(raw: unknown): FaultInput {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new ControlInputError('a fault is a JSON object');
    const r = raw as Record<string, unknown>;
    const unknown = Object.keys(r).filter((k) => !KEYS.includes(k));
    if (unknown.length > 0)
      throw new ControlInputError(`unknown field ${unknown.join(', ')}; a fault has ${KEYS.join(', ')}`);
    const out: FaultInput = {};
    if (r.vendor !== undefined) {
      if (typeof r.vendor !== 'string' || !this.known.has(r.vendor))
        throw new ControlInputError(`vendor must be one of ${[...this.known.keys()].join(', ')}`);
      out.vendor = r.vendor;
    }
    if (r.operation !== undefined) {
      const ops = out.vendor ? this.known.get(out.vendor)! : new Set([...this.known.values()].flatMap((s) => [...s]));
      if (typeof r.operation !== 'string' || !ops.has(r.operation))
        throw new ControlInputError(
          `operation must be an operationId of ${out.vendor ?? 'a vendor'}'s spec, e.g. ${[...ops][0]}`,
        );
      out.operation = r.operation;
    }
    if (r.path !== undefined) {
      if (typeof r.path !== 'string' || r.path === '') throw new ControlInputError('path must be a non-empty string');
      out.path = r.path;
    }
    const int = (key: 'times' | 'latencyMs' | 'jitterMs' | 'status', min: number, max: number) => {
      const v = r[key];
      if (v === undefined) return;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
        throw new ControlInputError(`${key} must be an integer from ${min} to ${max}`);
      out[key] = v;
    };
    int('times', 1, 1_000_000);
    int('latencyMs', 0, 120_000);
    int('jitterMs', 0, 120_000);
    int('status', 400, 599);
    if (r.probability !== undefined) {
      if (typeof r.probability !== 'number' || !(r.probability > 0 && r.probability <= 1))
        throw new ControlInputError('probability must be a number greater than 0 and at most 1');
      out.probability = r.probability;
    }
    for (const key of ['drop', 'truncate'] as const) {
      if (r[key] === undefined) continue;
      if (typeof r[key] !== 'boolean') throw new ControlInputError(`${key} must be a boolean`);
      out[key] = r[key] as boolean;
    }
    if (!out.latencyMs && !out.jitterMs && out.status === undefined && !out.drop && !out.truncate) {
      throw new ControlInputError('a fault needs an effect: latencyMs, jitterMs, status, drop or truncate');
    }
    if ([out.status !== undefined, out.drop, out.truncate].filter(Boolean).length > 1)
      throw new ControlInputError('status, drop and truncate exclude each other');
    return out;
  }
}
