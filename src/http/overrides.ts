// Response overrides: the next requests to an operation that match answer exactly what a test gave
// (WireMock's stubs, msw's server.use). Checked against the operation's declared responses when
// added, unless the caller says the answer is off spec on purpose.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { RuleList } from '../engine/rule-list.js';
import type { CompiledSpec, OperationSpec } from '../spec/operations.js';
import { validateResponse } from '../spec/validate-response.js';
import { ControlInputError, type Reply } from '../vendors/vendor.js';

export interface OverrideMatch {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

export interface OverrideInput {
  vendor: string;
  operation: string;
  match?: OverrideMatch;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times?: number;
  offSpec?: boolean;
}

export interface OverrideRule extends OverrideInput {
  id: string;
  tenant?: string;
  hits: number;
}

export interface OverrideTarget {
  vendor: string;
  operationId: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  /** The request body as parsed JSON (undefined when there was none); read only for a rule that looks at it. */
  body: () => unknown;
  tenant?: string;
}

const KEYS = ['vendor', 'operation', 'match', 'status', 'headers', 'body', 'times', 'offSpec'];
const MATCH_KEYS = ['params', 'query', 'body'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const OFF_SPEC_HINT = '; send "offSpec": true to answer it anyway';
/** The whole control state is one stored record that replicas read: a bound keeps that read small. */
export const MAX_OVERRIDES = 200;
/** Set by flowtwin from the body it sends; one given here would frame the answer wrongly. */
const FRAMING = ['content-length', 'transfer-encoding', 'connection'];

/** Every field of `pattern` is in `value` with the same value; nested objects likewise, anything else equal. */
export function contains(value: unknown, pattern: unknown): boolean {
  if (!isObject(pattern) || !isObject(value)) return isDeepStrictEqual(value, pattern);
  return Object.entries(pattern).every(([k, p]) => Object.hasOwn(value, k) && contains(value[k], p));
}

export class OverrideBook extends RuleList<OverrideRule> {
  constructor(private readonly specs: Map<string, CompiledSpec>) {
    super('override');
  }

  addOverride(raw: unknown, tenant?: string): OverrideRule {
    const checked = this.check(raw);
    if (this.entries().length >= MAX_OVERRIDES)
      throw new ControlInputError(
        `at most ${MAX_OVERRIDES} overrides at a time; remove some (DELETE /__flowtwin/overrides/{id}) or reset`,
      );
    return this.add({ ...checked, ...(tenant !== undefined ? { tenant } : {}) });
  }

  /** Newest first: a test's latest word on an operation wins, as in WireMock and msw. */
  override list(tenant?: string): OverrideRule[] {
    return super.list(tenant).reverse();
  }

  /** The newest override that matches, its hit counted (a spent one removed), as the vendor's reply. */
  async take(target: OverrideTarget): Promise<{ id: string; reply: Reply } | undefined> {
    const rules = this.entries();
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]!;
      if (rule.vendor !== target.vendor || rule.operation !== target.operationId) continue;
      if (rule.tenant !== undefined && rule.tenant !== target.tenant) continue;
      if (!matches(rule.match, target)) continue;
      const fired = await this.fire(rule.id);
      if (fired) return { id: fired.id, reply: toReply(fired, this.operation(fired)) };
    }
    return undefined;
  }

  private operation(rule: OverrideInput): OperationSpec {
    return this.specs.get(rule.vendor)!.byId.get(rule.operation)!;
  }

  private check(raw: unknown): OverrideInput {
    if (!isObject(raw)) throw new ControlInputError('an override is a JSON object');
    const unknown = Object.keys(raw).filter((k) => !KEYS.includes(k));
    if (unknown.length > 0)
      throw new ControlInputError(`unknown field ${unknown.join(', ')}; an override has ${KEYS.join(', ')}`);
    const op = this.findOperation(raw.vendor, raw.operation);
    const out: OverrideInput = { vendor: op.vendor, operation: op.spec.operationId, status: 0 };
    if (raw.match !== undefined) out.match = checkMatch(raw.match, op.spec);
    // 1xx are interim answers node sends on its own terms, never a reply to stand in for the vendor's.
    if (typeof raw.status !== 'number' || !Number.isInteger(raw.status) || raw.status < 200 || raw.status > 599)
      throw new ControlInputError('status must be an integer from 200 to 599');
    out.status = raw.status;
    if (raw.headers !== undefined) {
      if (!isObject(raw.headers) || !Object.values(raw.headers).every((v) => typeof v === 'string'))
        throw new ControlInputError('headers must be an object of strings, e.g. {"Retry-After": "2"}');
      for (const [name, value] of Object.entries(raw.headers as Record<string, string>)) checkHeader(name, value);
      out.headers = raw.headers as Record<string, string>;
    }
    if (raw.body !== undefined) out.body = raw.body;
    if (raw.times !== undefined) {
      if (typeof raw.times !== 'number' || !Number.isInteger(raw.times) || raw.times < 1 || raw.times > 1_000_000)
        throw new ControlInputError('times must be an integer from 1 to 1000000');
      out.times = raw.times;
    }
    if (raw.offSpec !== undefined) {
      if (typeof raw.offSpec !== 'boolean') throw new ControlInputError('offSpec must be a boolean');
      out.offSpec = raw.offSpec;
    }
    if (!out.offSpec) {
      const reply = toReply(out, op.spec);
      const [violation] = validateResponse(
        op.spec,
        reply.status,
        reply.body === undefined ? undefined : reply.contentType,
        reply.body,
      );
      if (violation) throw new ControlInputError(`${violation.message}${OFF_SPEC_HINT}`);
    }
    return out;
  }

  private findOperation(vendor: unknown, operation: unknown): { vendor: string; spec: OperationSpec } {
    if (vendor !== undefined && (typeof vendor !== 'string' || !this.specs.has(vendor)))
      throw new ControlInputError(`vendor must be one of ${[...this.specs.keys()].join(', ')}`);
    const candidates = [...this.specs]
      .filter(([name]) => vendor === undefined || name === vendor)
      .flatMap(([name, spec]) => {
        const found = typeof operation === 'string' ? spec.byId.get(operation) : undefined;
        return found ? [{ vendor: name, spec: found }] : [];
      });
    if (candidates.length === 0) {
      const example = [...this.specs.values()][0]?.operations[0]?.operationId;
      throw new ControlInputError(
        `operation must be an operationId of ${typeof vendor === 'string' ? `${vendor}'s` : 'a vendor’s'} spec, ` +
          `e.g. ${example}`,
      );
    }
    if (candidates.length > 1)
      throw new ControlInputError(
        `operation ${String(operation)} is served by ${candidates.map((c) => c.vendor).join(' and ')}; give vendor`,
      );
    return candidates[0]!;
  }
}

/** node's own checks, so a header that passes here can be sent (a CR or LF in a value would throw there). */
function checkHeader(name: string, value: string): void {
  try {
    validateHeaderName(name);
  } catch {
    throw new ControlInputError(`header name ${JSON.stringify(name)} is not a valid HTTP header name`);
  }
  try {
    validateHeaderValue(name, value);
  } catch {
    throw new ControlInputError(`header ${name}: its value has characters HTTP does not allow (a line break?)`);
  }
  if (FRAMING.includes(name.toLowerCase()))
    throw new ControlInputError(`header ${name} is set by flowtwin from the body it sends; leave it out`);
}

function checkMatch(raw: unknown, op: OperationSpec): OverrideMatch {
  if (!isObject(raw)) throw new ControlInputError('match must be an object with params, query or body');
  const unknown = Object.keys(raw).filter((k) => !MATCH_KEYS.includes(k));
  if (unknown.length > 0)
    throw new ControlInputError(`unknown field match.${unknown.join(', match.')}; match has params, query, body`);
  const out: OverrideMatch = {};
  for (const part of ['params', 'query'] as const) {
    const given = raw[part];
    if (given === undefined) continue;
    if (!isObject(given) || !Object.values(given).every((v) => typeof v === 'string'))
      throw new ControlInputError(`match.${part} must be an object of strings`);
    const names = part === 'params' ? op.pathParams : op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    const strange = Object.keys(given).filter((name) => !names.includes(name));
    if (strange.length > 0)
      throw new ControlInputError(
        `match.${part}: ${op.operationId} has no ${part === 'params' ? 'path parameter' : 'query parameter'} ` +
          `${strange.join(', ')}${names.length > 0 ? ` (it has ${names.join(', ')})` : ' (it has none)'}`,
      );
    out[part] = given as Record<string, string>;
  }
  if (raw.body !== undefined) {
    if (!isObject(raw.body)) throw new ControlInputError('match.body must be an object of the fields to look for');
    if (!op.requestBody) throw new ControlInputError(`match.body: ${op.operationId} takes no request body`);
    out.body = raw.body;
  }
  return out;
}

function matches(match: OverrideMatch | undefined, target: OverrideTarget): boolean {
  if (!match) return true;
  for (const [name, value] of Object.entries(match.params ?? {})) if (target.params[name] !== value) return false;
  for (const [name, value] of Object.entries(match.query ?? {})) {
    const sent = target.query[name];
    if (Array.isArray(sent) ? !sent.includes(value) : sent !== value) return false;
  }
  return match.body === undefined || contains(target.body(), match.body);
}

/** The content type: the override's own header, else the first the operation declares for the status. */
function toReply(rule: OverrideInput, op: OperationSpec): Reply {
  const headers = { ...rule.headers };
  const named = Object.keys(headers).find((h) => h.toLowerCase() === 'content-type');
  let contentType: string | undefined;
  if (named !== undefined) {
    contentType = headers[named];
    delete headers[named];
  } else {
    const declared =
      op.responses.get(String(rule.status)) ??
      op.responses.get(`${String(rule.status)[0]}XX`) ??
      op.responses.get('default');
    contentType = declared?.mediaTypes[0] ?? 'application/json';
  }
  return {
    status: rule.status,
    headers,
    ...(rule.body !== undefined ? { body: rule.body, contentType } : {}),
  };
}
