// Checks a request against its compiled operation, in the order a vendor reports problems:
// path parameters (in template order), then query, then headers, then the body.
import type { ErrorObject } from 'ajv';
import type { OperationSpec } from './operations.js';

export interface RawRequest {
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
}

export interface RequestViolation {
  location: 'path' | 'query' | 'header' | 'body';
  /** Parameter name, or the JSON pointer inside the body ('' for the body itself). */
  name: string;
  problem: 'missing' | 'invalid' | 'not-json' | 'media-type';
  /** What is wrong with it, without naming it: "must be <= 100". */
  reason: string;
  /** The whole sentence for people: "query parameter page[size] must be <= 100". */
  message: string;
}

export interface ValidRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

export type RequestCheck = { ok: true; value: ValidRequest } | { ok: false; violation: RequestViolation };

export function validateRequest(op: OperationSpec, req: RawRequest): RequestCheck {
  const out: ValidRequest = { params: {}, query: {}, body: undefined };
  const ordered = [...op.parameters].sort((a, b) => rank(op, a.in, a.name) - rank(op, b.in, b.name));
  for (const p of ordered) {
    if (p.in === 'cookie') continue;
    const raw =
      p.in === 'path' ? req.params[p.name] : p.in === 'query' ? req.query[p.name] : req.headers[p.name.toLowerCase()];
    const location = p.in;
    if (raw === undefined || raw === '') {
      if (p.required)
        return fail(location, p.name, 'missing', 'is required', `${location} parameter ${p.name} is required`);
      continue;
    }
    const holder: { value: unknown } = { value: raw };
    if (!p.validate(holder)) {
      const reason = describe(p.validate.errors);
      return fail(location, p.name, 'invalid', reason, `${location} parameter ${p.name} ${reason}`);
    }
    (p.in === 'path' ? out.params : out.query)[p.name] = holder.value;
  }
  return checkBody(op, req, out);
}

function checkBody(op: OperationSpec, req: RawRequest, out: ValidRequest): RequestCheck {
  const spec = op.requestBody;
  if (!spec) return { ok: true, value: out };
  const hasBody = req.body !== undefined && req.body.length > 0;
  if (!hasBody) {
    if (spec.required) return fail('body', '', 'missing', 'is required', 'a request body is required');
    return { ok: true, value: out };
  }
  const contentType = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (!spec.mediaTypes.some((m) => m.toLowerCase() === contentType)) {
    const expected = spec.mediaTypes.join(' or ');
    const message = contentType
      ? `content type "${contentType}" is not supported; send ${expected}`
      : `the content type is missing; send ${expected}`;
    return fail('body', '', 'media-type', 'has an unsupported content type', message);
  }
  let body: unknown;
  try {
    body = JSON.parse(req.body!.toString('utf8'));
  } catch (err) {
    return fail(
      'body',
      '',
      'not-json',
      'is not valid JSON',
      `the request body is not valid JSON (${(err as Error).message})`,
    );
  }
  if (depthOf(body) > MAX_BODY_DEPTH) {
    return fail(
      'body',
      '',
      'invalid',
      `is nested deeper than ${MAX_BODY_DEPTH} levels`,
      `the request body is nested deeper than ${MAX_BODY_DEPTH} levels`,
    );
  }
  if (!spec.validate(body)) {
    const first = spec.validate.errors?.[0];
    const where = first ? pointerOf(first) : '';
    const reason = describe(spec.validate.errors);
    return fail('body', where, 'invalid', reason, `${where ? `field ${where}` : 'the body'} ${reason}`);
  }
  out.body = body;
  return { ok: true, value: out };
}

/** Deeper bodies would overflow the stack of the recursive code that validates and serializes them. */
export const MAX_BODY_DEPTH = 256;

/** Nesting depth without recursion: a 5,000-level body must not blow the stack here either. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) max = depth;
    if (max > MAX_BODY_DEPTH) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

function rank(op: OperationSpec, location: string, name: string): number {
  const order = { path: 0, query: 1000, header: 2000, cookie: 3000 }[location] ?? 4000;
  return order + (location === 'path' ? op.pathParams.indexOf(name) : 0);
}

function fail(
  location: RequestViolation['location'],
  name: string,
  problem: RequestViolation['problem'],
  reason: string,
  message: string,
): RequestCheck {
  return { ok: false, violation: { location, name, problem, reason, message } };
}

function pointerOf(error: ErrorObject): string {
  const missing =
    error.keyword === 'required' ? `/${(error.params as { missingProperty: string }).missingProperty}` : '';
  return `${error.instancePath}${missing}`;
}

/** The first error as words: "must be integer", "must be <= 100", "is missing". */
export function describe(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'is invalid';
  if (first.keyword === 'required') return 'is required';
  if (first.keyword === 'enum')
    return (
      'must be one of ' +
      `${(first.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
    );
  if (first.keyword === 'const')
    return `must be ${JSON.stringify((first.params as { allowedValue: unknown }).allowedValue)}`;
  return first.message ?? 'is invalid';
}
