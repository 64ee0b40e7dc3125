// The contract suite's HTTP client: builds requests from the spec's operations, adds the vendor's
// auth, waits (bounded) on 429 as the vendor's rate-limit headers say, and checks every response
// against the spec as it arrives.
import type { CompiledSpec, OperationSpec } from '../spec/operations.js';
import { validateResponse } from '../spec/validate-response.js';
import type { Finding } from './types.js';
import { undocumentedFields } from './undocumented.js';

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Adds credentials to a request (headers, or a signature over the whole request). */
export type Authenticator = (request: OutgoingRequest) => Record<string, string>;

export interface Exchange {
  operationId: string;
  request: string;
  status: number;
  contentType: string | undefined;
  headers: Headers;
  body: unknown;
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: unknown;
  /** Send without credentials, or with these instead. */
  auth?: 'none' | Authenticator;
}

export interface ContractHttpOptions {
  baseUrl: string;
  spec: CompiledSpec;
  authenticate: Authenticator;
  /** Undocumented response fields fail instead of warn. */
  strictFields?: boolean;
  maxRateLimitWaitMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_RATE_LIMIT_RETRIES = 3;

export class ContractHttp {
  readonly findings: Finding[] = [];
  currentCase = '';

  constructor(private readonly options: ContractHttpOptions) {}

  operation(operationId: string): OperationSpec {
    const op = this.options.spec.byId.get(operationId);
    if (!op) throw new Error(`the spec has no operation ${operationId}`);
    return op;
  }

  async call(operationId: string, options: CallOptions = {}): Promise<Exchange> {
    const op = this.operation(operationId);
    const url = new URL(
      this.options.baseUrl.replace(/\/$/, '') +
        op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? '')),
    );
    for (const [key, value] of Object.entries(options.query ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
    }
    const request: OutgoingRequest = { method: op.method.toUpperCase(), url, headers: { accept: 'application/json' } };
    if (options.body !== undefined) {
      request.body = JSON.stringify(options.body);
      request.headers['content-type'] = 'application/json';
    }
    const auth = options.auth === 'none' ? undefined : (options.auth ?? this.options.authenticate);
    const exchange = await this.send(op, request, auth);
    this.conform(op, exchange);
    return exchange;
  }

  private async send(op: OperationSpec, request: OutgoingRequest, auth: Authenticator | undefined): Promise<Exchange> {
    const doFetch = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const label = `${request.method} ${request.url.pathname}${request.url.search}`;
    for (let attempt = 0; ; attempt++) {
      const headers = { ...request.headers, ...(auth ? auth(request) : {}) };
      const res = await doFetch(request.url, {
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      const wait = Number(res.headers.get('x-ratelimit-reset') ?? '1') * 1000;
      if (
        res.status === 429 &&
        attempt < MAX_RATE_LIMIT_RETRIES &&
        wait <= (this.options.maxRateLimitWaitMs ?? 60_000)
      ) {
        await res.arrayBuffer();
        await sleep(wait);
        continue;
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      return {
        operationId: op.operationId,
        request: label,
        status: res.status,
        contentType: res.headers.get('content-type') ?? undefined,
        headers: res.headers,
        body,
      };
    }
  }

  /** Every response: declared status, declared media type, schema, and no undocumented fields. */
  private conform(op: OperationSpec, x: Exchange): void {
    const violations = validateResponse(op, x.status, x.contentType, x.body);
    const where = `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method}/responses`;
    for (const kind of ['status', 'media-type', 'schema'] as const) {
      const v = violations.find((violation) => violation.kind === kind);
      const check =
        kind === 'status'
          ? 'conformance.status-declared'
          : kind === 'media-type'
            ? 'conformance.content-type'
            : 'conformance.schema';
      const blocked = kind !== 'status' && violations.some((violation) => violation.kind === 'status');
      if (blocked) continue;
      this.record({
        check,
        outcome: v ? 'fail' : 'pass',
        message: v ? v.message : `${op.operationId} ${x.status}: ${kind} as declared`,
        request: x.request,
        where,
        ...(v ? { seen: v.message } : {}),
      });
    }
    const declared = op.responses.get(String(x.status));
    const pointer = declared?.schemas.get((x.contentType ?? '').split(';')[0]!.trim().toLowerCase());
    if (!pointer || violations.length > 0) return;
    const extra = undocumentedFields(this.options.spec.document, pointer, x.body);
    if (extra.length > 0) {
      this.record({
        check: 'conformance.undocumented-fields',
        outcome: this.options.strictFields ? 'fail' : 'warn',
        message: `${op.operationId} ${x.status} carries fields the spec does not describe`,
        request: x.request,
        seen: extra.slice(0, 10).join(', '),
        where: pointer,
      });
    }
  }

  record(finding: Omit<Finding, 'case'>): void {
    this.findings.push({ case: this.currentCase, ...finding });
  }
}
