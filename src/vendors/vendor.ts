// What every vendor folder provides. The HTTP layer routes by the vendor's spec and calls these;
// a vendor never sees express, and the engine never sees a vendor.
import type { ScenarioSpec } from '../engine/scenarios.js';
import type { InstanceCatalog } from './instance-catalog.js';
import type { OperationSpec } from '../spec/operations.js';
import type { RequestViolation, ValidRequest } from '../spec/validate-request.js';

/** A response as data: the HTTP layer serializes, validates (in tests) and writes it. */
export interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** An error that already knows its vendor-shaped reply. */
export class VendorError extends Error {
  constructor(readonly reply: Reply) {
    super(`vendor error ${reply.status}`);
  }
}

export interface Caller<P> {
  /** Isolation boundary: an org, a project. Opaque (hashed) so it can be logged. */
  tenant: string;
  principal: P;
}

export interface VendorRequest<P> extends ValidRequest {
  operation: OperationSpec;
  caller: Caller<P>;
  headers: Record<string, string | string[] | undefined>;
}

export type Handler<P> = (req: VendorRequest<P>) => Promise<Reply>;

/** The request as it arrived, for auth schemes that sign the whole request (Huawei AK/SK). */
export interface IncomingRequest {
  method: string;
  /** Path as sent on the wire, without the query. */
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
}

/** Bad input to a control-plane call; answered as problem+json with its status (400 unless told). */
export class ControlInputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

/** A vendor's own control-plane call, mounted under /__flowtwin/<vendor>/<path>. */
export interface ControlCall {
  method: 'get' | 'post';
  path: string;
  /**
   * `tenant`: the one the call's credentials name (undefined without credentials: a global call).
   * A call that acts in a tenant named by its body refuses any other (ControlInputError 403).
   */
  run(body: unknown, tenant: string | undefined): Promise<{ status: number; body: unknown }>;
}

export interface Vendor<P = unknown> {
  name: string;
  /** File name under specs/. */
  spec: string;
  /** Path prefixes this vendor owns: unknown routes under them get the vendor's 404/405. */
  prefixes: string[];
  handlers: Record<string, Handler<P>>;
  authenticate(operation: OperationSpec, request: IncomingRequest): Caller<P> | Reply | Promise<Caller<P> | Reply>;
  rejectRequest(operation: OperationSpec, violation: RequestViolation): Reply;
  payloadTooLarge(operation: OperationSpec, limitBytes: number): Reply;
  /** A URL (path and query) over flowtwin's limit, answered as the vendor's gateway would, before auth. */
  uriTooLong(limitBytes: number): Reply;
  routeNotFound(path: string): Reply;
  /** Headers a rate-limited vendor sends on every response (Datadog's X-RateLimit-*). */
  rateLimitHeaders?(state: {
    name: string;
    limit: number;
    period: number;
    remaining: number;
    reset: number;
  }): Record<string, string>;
  /**
   * The vendor's own body (and headers, e.g. rate-limit ones) for an injected error status,
   * or a rate-limit rule's 429.
   */
  faultReply(operation: OperationSpec, status: number, rule?: { limit: number; period: number }): Reply;
  methodNotAllowed(allowed: string[]): Reply;
  /** Engine errors to the vendor's wire shape; anything unknown becomes the vendor's 5xx. */
  mapError(operation: OperationSpec, error: unknown): Reply;
  /**
   * The tenant a control call's credentials name: undefined when the request carries none of this
   * vendor's credentials; throws ControlInputError (401) when it carries some that name no tenant
   * or do not verify, so a mistyped key is refused rather than read as a global call. The whole
   * request, because a Huawei signature covers method, path, query and body.
   */
  tenantOf?(request: IncomingRequest): Promise<string | undefined>;
  /** Loads this vendor's part of a fixtures document. */
  seed(fixtures: unknown): Promise<void>;
  /** Last touch on every reply of this vendor, errors included (e.g. a request-id header). */
  finalize?(reply: Reply): Reply;
  control?: ControlCall[];
  /** The vendor's instances across tenants, for GET /__flowtwin/instances; absent for a vendor that runs none. */
  catalog?: InstanceCatalog;
  /** The vendor's scenario body (POST /__flowtwin/scenarios) as a neutral spec; ControlInputError if bad. */
  parseScenario(raw: Record<string, unknown>): ScenarioSpec;
  /**
   * Applies a scenario with an `instance` to that running instance of the tenant
   * (ControlInputError 404 / 409 when it cannot).
   */
  steer(tenant: string, spec: ScenarioSpec): Promise<void>;
}
