// The fuzz suites' shared rig: a flowtwin on a loopback port whose store can be dumped whole, a raw
// HTTP client (any path, duplicated query keys and headers, a per-request timeout), and the checks
// every generated request must pass: no 5xx, the spec kept, the vendor's error shape, and a refused
// request that changed nothing.
import http from 'node:http';
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import { createFlowtwin, type Flowtwin, type FlowtwinOptions } from '../../src/http/app.js';
import { DEFAULT_MAX_URL_LENGTH } from '../../src/http/limits.js';
import { loadSpec } from '../../src/spec/load.js';
import { compileSpec, type CompiledSpec, type OperationSpec } from '../../src/spec/operations.js';
import { validateResponse } from '../../src/spec/validate-response.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { StoredRecord } from '../../src/store/store.js';

export const T0 = Date.parse('2026-01-15T10:00:00.000Z');
/** Fixed in CI; FLOWTWIN_FUZZ_SEED and FLOWTWIN_FUZZ_RUNS replay or lengthen a run locally. */
export const DEFAULT_SEED = 20260115;
export const REQUEST_TIMEOUT_MS = 5000;

export interface FuzzParameters {
  seed: number;
  numRuns: number;
}

/** The seed and run count of one property, printed so a failure can be replayed. */
export function fuzzParameters(name: string, defaultRuns: number): FuzzParameters {
  const seed = process.env.FLOWTWIN_FUZZ_SEED ? Number(process.env.FLOWTWIN_FUZZ_SEED) : DEFAULT_SEED;
  const numRuns = process.env.FLOWTWIN_FUZZ_RUNS ? Number(process.env.FLOWTWIN_FUZZ_RUNS) : defaultRuns;
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(numRuns) || numRuns < 1) throw new Error('FLOWTWIN_FUZZ_SEED and FLOWTWIN_FUZZ_RUNS must be integers');
  console.log(`[fuzz] ${name}: seed ${seed}, ${numRuns} runs (FLOWTWIN_FUZZ_SEED=${seed} FLOWTWIN_FUZZ_RUNS=${numRuns} to repeat)`);
  return { seed, numRuns };
}

/** A memory store that remembers every (kind, tenant) it was given, so its whole content can be listed. */
export class InspectableStore extends MemoryStore {
  private readonly seen = new Set<string>();

  override async create<T>(record: StoredRecord<T>): Promise<number> {
    this.seen.add(`${record.kind}\u0000${record.tenant}`);
    return super.create(record);
  }

  /** Every record of every tenant (or those `only` keeps) except the request journal (counters are not records), in a stable order. */
  async dump(only: (kind: string, tenant: string) => boolean = () => true): Promise<string> {
    const out: unknown[] = [];
    for (const key of [...this.seen].sort()) {
      const [kind, tenant] = key.split('\u0000') as [string, string];
      if (kind === 'flowtwin.journal' || !only(kind, tenant)) continue;
      const records = await this.scan(kind, tenant);
      for (const r of records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) out.push([r.kind, r.tenant, r.id, r.parentId ?? null, r.version, r.data]);
    }
    return JSON.stringify(out);
  }
}

export interface RawRequest {
  method: string;
  /** Sent as is: the generator encodes (or deliberately mis-encodes) it. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body; undefined when empty or not JSON. */
  json: unknown;
}

export interface FuzzServer {
  flowtwin: Flowtwin;
  store: InspectableStore;
  /** host:port, as a Host header (and a Huawei signature) names it. */
  host: string;
  /** Spec violations the response hook saw since the last `takeViolations`. */
  takeViolations(): string[];
  /** How many answers of each operation and status the fuzzing saw. */
  tally: Map<string, number>;
  /** Prints the tally (operation, status, count), for the run's log. */
  report(name: string): void;
  send(req: RawRequest, options?: { stream?: boolean }): Promise<RawResponse>;
  close(): Promise<void>;
}

export async function startFuzzServer(options: FlowtwinOptions = {}): Promise<FuzzServer> {
  const store = new InspectableStore(() => T0);
  const violations: string[] = [];
  let n = 0;
  const flowtwin = await createFlowtwin({
    store,
    now: () => T0,
    ids: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    onResponseViolation: (v) => violations.push(`${v.method} ${v.path}: ${v.message}`),
    ...options,
  });
  flowtwin.clock.freeze();
  const server = http.createServer(flowtwin.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const tally = new Map<string, number>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  function send(req: RawRequest, { stream = false }: { stream?: boolean } = {}): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        request.destroy();
        reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms to ${req.method} ${req.path.slice(0, 200)}`));
      }, REQUEST_TIMEOUT_MS);
      // Node's client frames a GET, DELETE or OPTIONS body by neither length nor chunks unless told.
      const length = req.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(req.body)) };
      const request = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, agent, headers: { ...req.headers, ...length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          // A stream never ends: its status, headers and first line are the answer.
          if (stream) res.destroy();
        });
        const done = () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', () => undefined);
      });
      request.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      request.end(req.body);
    });
  }

  return {
    flowtwin,
    store,
    host: `127.0.0.1:${port}`,
    takeViolations: () => violations.splice(0),
    tally,
    report(name) {
      const rows = [...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k}: ${n}`);
      console.log(`[fuzz] ${name} answers (operation status: count)\n  ${rows.join('\n  ')}`);
    },
    send,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await flowtwin.close();
    },
  };
}

const specs = new Map<string, CompiledSpec>();
export function specOf(file: string): CompiledSpec {
  let spec = specs.get(file);
  if (!spec) specs.set(file, (spec = compileSpec(loadSpec(file))));
  return spec;
}

/** The operation a method and raw path route to, if any. */
export function operationFor(spec: CompiledSpec, method: string, path: string): OperationSpec | undefined {
  const bare = path.split('?')[0]!;
  return spec.operations.find((op) => op.method === method.toLowerCase() && op.pathPattern.test(bare));
}

/** What the wire response breaks of its operation's spec (the response hook checks the reply before it is written). */
export function wireViolations(op: OperationSpec, res: RawResponse): string[] {
  const body = res.text === '' ? undefined : res.json;
  if (res.text !== '' && body === undefined && String(res.headers['content-type']).includes('json')) return [`${op.operationId} ${res.status}: the body is not JSON: ${res.text.slice(0, 200)}`];
  return validateResponse(op, res.status, res.headers['content-type'], body).map((v) => v.message);
}

/** Datadog's three error dialects (VENDOR-FACTS A7): every error has a non-empty `errors` array. */
export function datadogErrorShape(res: RawResponse): string[] {
  const body = res.json as { errors?: unknown } | undefined;
  const errors = body?.errors;
  const ok =
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => typeof e === 'string' || (typeof e === 'object' && e !== null && typeof (e as { detail?: unknown }).detail === 'string'));
  return ok ? [] : [`${res.status}: not a Datadog error body: ${res.text.slice(0, 300)}`];
}

/** SecMaster's {code, message} or the API gateway's {error_msg, error_code, request_id}; X-request-id always. */
export function secmasterErrorShape(res: RawResponse): string[] {
  const b = res.json as Record<string, unknown> | undefined;
  const own = typeof b?.code === 'string' && /^SecMaster\.\d{8}$/.test(b.code) && typeof b.message === 'string';
  const gateway = typeof b?.error_code === 'string' && /^APIGW\.\d{4}$/.test(b.error_code) && typeof b.error_msg === 'string' && b.request_id === res.headers['x-request-id'];
  const problems = own || gateway ? [] : [`${res.status}: not a SecMaster or gateway error body: ${res.text.slice(0, 300)}`];
  if (typeof res.headers['x-request-id'] !== 'string') problems.push(`${res.status}: no X-request-id header`);
  return problems;
}

/** Keystone's {"error": {code, message, title}}. */
export function iamErrorShape(res: RawResponse): string[] {
  const e = (res.json as { error?: Record<string, unknown> } | undefined)?.error;
  const ok = e !== undefined && e.code === res.status && typeof e.message === 'string' && typeof e.title === 'string';
  return ok ? [] : [`${res.status}: not a Keystone error body: ${res.text.slice(0, 300)}`];
}

/** The control plane's RFC 7807 problem+json. */
export function problemShape(res: RawResponse): string[] {
  const b = res.json as Record<string, unknown> | undefined;
  const ok = String(res.headers['content-type']).startsWith('application/problem+json') && b?.status === res.status && typeof b.title === 'string' && typeof b.detail === 'string';
  return ok ? [] : [`${res.status}: not a problem+json body: ${res.text.slice(0, 300)}`];
}

export interface ExchangeRules {
  spec: CompiledSpec;
  /** The vendor's (or the control plane's) error shape, checked on every 4xx and 5xx. */
  errorShape(res: RawResponse): string[];
  /** What else counts as state for "a refused request changed nothing" (e.g. control-plane views). */
  extraState?: () => Promise<string>;
  /** A fault was injected: 5xx is then expected. */
  faultsInjected?: boolean;
}

/**
 * Sends one generated request and returns every broken promise: a 5xx, a timeout, a response
 * outside the spec or the vendor's error shape, a refused request that changed the store, or a
 * polluted Object.prototype. Empty when all is well.
 */
export async function exchange(server: FuzzServer, req: RawRequest, rules: ExchangeRules): Promise<string[]> {
  const state = async () => (await server.store.dump()) + (rules.extraState ? await rules.extraState() : '');
  const before = await state();
  const op = operationFor(rules.spec, req.method, req.path);
  const stream = op?.operationId === 'StreamEvents';
  let res: RawResponse;
  try {
    res = await server.send(req, { stream });
  } catch (err) {
    return [`no answer: ${(err as Error).message} (previous request: ${previous})`];
  } finally {
    previous = describeRequest(req);
  }
  const problems = [...server.takeViolations()];
  const key = `${op?.operationId ?? 'unrouted'} ${res.status}`;
  server.tally.set(key, (server.tally.get(key) ?? 0) + 1);
  // Node's HTTP server refuses a request head over 16 KiB with a bare 431 before flowtwin sees it.
  if (res.status === 431 && headSize(req) > NODE_MAX_HEADER_SIZE - 1024) return problems;
  if (res.status >= 500 && !rules.faultsInjected) problems.push(`5xx: ${res.status} ${res.text.slice(0, 300)}`);
  // A URL over the limit gets 414 before routing; the control spec does not declare it per operation (yet).
  const undeclared414 = res.status === 414 && Buffer.byteLength(req.path) > DEFAULT_MAX_URL_LENGTH && !op?.responses.has('414');
  if (op && req.method !== 'HEAD' && !stream && !undeclared414) problems.push(...wireViolations(op, res));
  if (res.status >= 400 && req.method !== 'HEAD') problems.push(...rules.errorShape(res));
  if (res.status >= 400 && res.status < 500) {
    const after = await state();
    if (after !== before) problems.push(`a refused request (${res.status}) changed the state:\n${firstDifference(before, after)}`);
  }
  const polluted = Object.getOwnPropertyNames(Object.prototype).filter((k) => !PROTOTYPE_KEYS.has(k));
  if (polluted.length > 0) problems.push(`Object.prototype was polluted: ${polluted.join(', ')}`);
  return problems;
}

let previous = '';
const NODE_MAX_HEADER_SIZE = 16 * 1024;
const headSize = (req: RawRequest): number =>
  req.method.length + req.path.length + Object.entries(req.headers ?? {}).reduce((n, [k, v]) => n + [v].flat().reduce((m, x) => m + k.length + x.length + 4, 0), 0);
const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `before: …${a.slice(Math.max(0, i - 150), i + 150)}…\nafter:  …${b.slice(Math.max(0, i - 150), i + 150)}…`;
}

/** A request line for a failure message, cut short. */
export function describeRequest(req: RawRequest): string {
  const body = req.body === undefined ? '' : ` body=${String(req.body).slice(0, 300)}`;
  return `${req.method} ${req.path.slice(0, 300)} headers=${JSON.stringify(req.headers ?? {}).slice(0, 300)}${body}`;
}

/** Gives a generated request a short form for fast-check's counterexample report. */
export function printable(req: RawRequest): RawRequest {
  return Object.defineProperty(req, fc.toStringMethod, { value: () => describeRequest(req), enumerable: false });
}
