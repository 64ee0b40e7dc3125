// One vendor's routes: a dispatcher that finds the spec operation for a request (RouteTable) and
// runs the same pipeline for each (auth -> read body -> validate against the spec -> handler ->
// reply), or answers the vendor's own 404/405 for anything else under its path prefixes. It works on
// node's own request and response (express's are those too), so a server can call it before express.
import type { IncomingMessage as Request, ServerResponse as Response } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { CompiledSpec, OperationSpec } from '../spec/operations.js';
import { validateRequest } from '../spec/validate-request.js';
import type { Caller, Reply, Vendor } from '../vendors/vendor.js';
import { bodyReader, PayloadTooLarge, UnreadableBody } from './body.js';
import { isTemporary, logContention, RETRY_AFTER_SECONDS } from './unavailable.js';
import { isoTime, type Clock } from '../engine/clock.js';
import type { ControlState } from '../engine/control-state.js';
import type { Journal } from './journal.js';
import type { FaultBook } from './faults.js';
import type { OverrideBook } from './overrides.js';
import type { RateLimiter } from './rate-limits.js';
import { RouteTable } from './route-table.js';
import { checkReply, writeReply, writeTruncated, type ViolationListener } from './reply.js';
import type { Logger } from '../log/logger.js';

export interface VendorRouteOptions {
  bodyLimitBytes: number;
  onResponseViolation?: ViolationListener;
  journal: Journal;
  faults: FaultBook;
  overrides: OverrideBook;
  rateLimits: RateLimiter;
  control: ControlState;
  clock: Clock;
  /** A line per request (info), and every failure the client saw as a 5xx with its stack (error). */
  log: Logger;
}

/** What the pipeline learned about a request, for the journal. */
interface Trace {
  path: string;
  query: Record<string, string | string[]>;
  params: Record<string, string>;
  tenant?: string;
  body?: Buffer;
  /** A rate-limited vendor's headers for this request, on whatever reply it gets. */
  rateHeaders?: Record<string, string> | undefined;
}

const isReply = (x: object): x is Reply => typeof (x as Reply).status === 'number';

/** Answers a request under one of the vendor's path prefixes (true), or leaves it alone (false). */
export type VendorDispatch = (req: Request, res: Response) => boolean;

export function vendorRoutes(vendor: Vendor, spec: CompiledSpec, options: VendorRouteOptions): VendorDispatch {
  const missing = spec.operations.filter((op) => !vendor.handlers[op.operationId]).map((op) => op.operationId);
  if (missing.length > 0) throw new Error(`${vendor.name}: no handler for ${missing.join(', ')}`);
  const readBody = bodyReader(options.bodyLimitBytes);
  const finalize = (reply: Reply): Reply => (vendor.finalize ? vendor.finalize(reply) : reply);

  /** Reads the body (before auth: Huawei signs it) and admits the caller, or answers for the vendor. */
  async function admit(op: OperationSpec, req: Request, res: Response, trace: Trace): Promise<Caller<unknown> | Reply> {
    // Every body is read, also on a GET: Huawei's SDKs send and sign `{}` with every call, so a
    // signature can only be checked over the bytes that came.
    const body = await readBody(req, res);
    trace.body = body;
    const caller = await vendor.authenticate(op, {
      method: req.method!,
      path: trace.path,
      query: trace.query,
      headers: req.headers,
      body,
    });
    if (isReply(caller)) return caller;
    trace.tenant = caller.tenant;
    const rate = await options.rateLimits.hit(
      vendor.name,
      op.operationId,
      caller.tenant,
      options.clock.now(caller.tenant),
    );
    if (rate) {
      trace.rateHeaders = vendor.rateLimitHeaders?.(rate);
      if (rate.limited) return vendor.faultReply(op, 429, rate);
    }
    return caller;
  }

  async function serve(op: OperationSpec, req: Request, caller: Caller<unknown>, trace: Trace): Promise<Reply> {
    const check = validateRequest(op, {
      params: trace.params,
      query: trace.query,
      headers: req.headers,
      body: trace.body,
    });
    if (!check.ok) return vendor.rejectRequest(op, check.violation);
    return vendor.handlers[op.operationId]!({ ...check.value, operation: op, caller, headers: req.headers });
  }

  function failure(op: OperationSpec, err: unknown): Reply {
    if (err instanceof PayloadTooLarge) return vendor.payloadTooLarge(op, options.bodyLimitBytes);
    // The vendor's own 503, as when its backend is down or busy: a client's retry policy knows what to do.
    if (isTemporary(err)) {
      logContention(options.log, `${vendor.name} ${op.operationId}`, err);
      const reply = vendor.faultReply(op, 503);
      return { ...reply, headers: { ...reply.headers, 'Retry-After': String(RETRY_AFTER_SECONDS) } };
    }
    if (err instanceof UnreadableBody) {
      return vendor.rejectRequest(op, {
        location: 'body',
        name: '',
        problem: 'not-json',
        reason: 'cannot be read',
        message: `the request body cannot be read (${err.message})`,
      });
    }
    const reply = vendor.mapError(op, err);
    // A vendor's own 4xx (a missing instance, a conflict) is an answer; anything else is flowtwin failing.
    if (reply.status >= 500)
      options.log.error(
        { err, vendor: vendor.name, operation: op.operationId },
        `${vendor.name} ${op.operationId} failed`,
      );
    return reply;
  }

  /** The request's log line: info, or warn for a 5xx or a connection a fault dropped (status 0). */
  function logRequest(
    method: string,
    path: string,
    status: number,
    durationMs: number,
    operation?: string,
    tenant?: string,
  ) {
    const level = status >= 500 || status === 0 ? 'warn' : 'info';
    // On the request path: an embedded flowtwin logs at warn, so most lines are not even built.
    if (!options.log.isLevelEnabled(level)) return;
    options.log[level](
      {
        vendor: vendor.name,
        ...(operation !== undefined ? { operation } : {}),
        ...(tenant !== undefined ? { tenant } : {}),
        method,
        path,
        status,
        durationMs,
      },
      `${method} ${path} ${status === 0 ? 'dropped' : status}`,
    );
  }

  /** Recorded before the reply goes out, so a client that has its answer finds it in the journal. */
  async function journal(
    op: OperationSpec,
    req: Request,
    trace: Trace,
    startedAt: number,
    started: number,
    reply: Reply | undefined,
    override?: string,
  ): Promise<void> {
    const status = reply?.status ?? 0;
    const durationMs = Math.round(performance.now() - started);
    logRequest(req.method!, trace.path, status, durationMs, op.operationId, trace.tenant);
    await options.journal
      .record({
        at: isoTime(startedAt),
        vendor: vendor.name,
        operationId: op.operationId,
        ...(trace.tenant !== undefined ? { tenant: trace.tenant } : {}),
        method: req.method!,
        path: trace.path,
        params: trace.params,
        query: trace.query,
        // 0: the connection was dropped by a fault.
        status,
        durationMs,
        requestBody: parseJson(trace.body),
        responseBody: reply?.body,
        ...(override !== undefined ? { override } : {}),
      })
      .catch((err: unknown) => options.log.error({ err }, `journal write failed: ${(err as Error).message}`));
  }

  async function handle(op: OperationSpec, req: Request, res: Response, trace: Trace): Promise<void> {
    // Clocks and rules may have been changed by another replica sharing the store.
    await options.control.refresh();
    const startedAt = options.clock.now();
    const started = performance.now();
    const admitted = await admit(op, req, res, trace).catch((err: unknown) => failure(op, err));
    // Faults act after auth, so a rule scoped to one tenant can tell whose request this is.
    const fault = await options.faults.take({
      vendor: vendor.name,
      operationId: op.operationId,
      path: trace.path,
      ...(trace.tenant !== undefined ? { tenant: trace.tenant } : {}),
    });
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.drop) {
      await journal(op, req, trace, startedAt, started, undefined);
      return void req.socket.destroy();
    }
    // An injected error is the vendor's shape but deliberately outside the spec: not validated.
    if (fault?.status !== undefined) {
      const reply = finalize(vendor.faultReply(op, fault.status));
      await journal(op, req, trace, startedAt, started, reply);
      return writeReply(res, reply);
    }
    // An override answers in place of validation and the handler, so the state does not change;
    // a refused caller (401, 429) is refused still. No override in force costs no await.
    const override =
      isReply(admitted) || options.overrides.entries().length === 0 ? undefined : await takeOverride(op, trace);
    const raw =
      override?.reply ??
      (isReply(admitted) ? admitted : await serve(op, req, admitted, trace).catch((err: unknown) => failure(op, err)));
    const finalized = finalize(trace.rateHeaders ? { ...raw, headers: { ...raw.headers, ...trace.rateHeaders } } : raw);
    // The override's own headers have the last word, over the vendor's request id too.
    const reply = override ? { ...finalized, headers: { ...finalized.headers, ...override.reply.headers } } : finalized;
    // An override was checked against the spec when added, or is off spec on purpose.
    if (options.onResponseViolation && !override)
      checkReply(op, reply, options.onResponseViolation, req.method!, req.url!);
    await journal(op, req, trace, startedAt, started, reply, override?.id);
    if (!res.headersSent) (fault?.truncate ? writeTruncated : writeReply)(res, reply);
  }

  function takeOverride(op: OperationSpec, trace: Trace) {
    return options.overrides.take({
      vendor: vendor.name,
      operationId: op.operationId,
      params: trace.params,
      query: trace.query,
      body: () => parseJson(trace.body),
      ...(trace.tenant !== undefined ? { tenant: trace.tenant } : {}),
    });
  }

  /** A path parameter that does not decode (a malformed %-escape) is a bad parameter, in the vendor's words. */
  async function malformed(op: OperationSpec, req: Request, res: Response, trace: Trace, name: string): Promise<void> {
    // Credentials are still checked first, as on every other request.
    const caller = await Promise.resolve(
      vendor.authenticate(op, { method: req.method!, path: trace.path, query: trace.query, headers: req.headers }),
    ).catch((e: unknown) => vendor.mapError(op, e));
    const raw = isReply(caller)
      ? caller
      : vendor.rejectRequest(op, {
          location: 'path',
          name,
          problem: 'invalid',
          reason: 'is not a valid percent-encoded value',
          message: `path parameter ${name} is not a valid percent-encoded value`,
        });
    const reply = finalize(raw);
    if (options.onResponseViolation) checkReply(op, reply, options.onResponseViolation, req.method!, req.url!);
    logRequest(req.method!, trace.path, reply.status, 0, op.operationId);
    writeReply(res, reply);
  }

  // The vendor's own literal paths (ShowPlaybookStatistics' "statistics") are never a served template's ids.
  const table = new RouteTable(spec.operations, spec.unserved);
  const owns = (path: string): boolean => vendor.prefixes.some((p) => path.startsWith(p));
  // Any other method (OPTIONS included: express would answer it with a text/plain list) gets the
  // vendor's 405 with Allow, any other path under its prefixes the vendor's 404.
  // No operation: the line has none either, so a client calling a path the vendor lacks shows in the log.
  const fallback = (method: string, path: string, res: Response): void => {
    const allowed = table.allowed(path);
    const reply = finalize(allowed.length > 0 ? vendor.methodNotAllowed(allowed) : vendor.routeNotFound(path));
    logRequest(method, path, reply.status, 0);
    writeReply(res, reply);
  };
  const answer = (op: OperationSpec, res: Response) => (err: unknown) => {
    // A store that cannot be reached (control state, faults), a failing listener or socket lands
    // here; the client still gets an answer.
    if (!res.headersSent) writeReply(res, finalize(failure(op, err)));
  };
  return (req, res) => {
    const { path, search } = splitTarget(req.url ?? '/');
    if (!owns(path)) return false;
    const found = table.match(req.method!, path);
    if (!found) {
      fallback(req.method!, path, res);
      return true;
    }
    // As express's "simple" query parser reads it (express 5 parses again on every read of req.query).
    const trace: Trace = {
      path,
      query: search === undefined ? {} : (parseQuery(search) as Record<string, string | string[]>),
      params: found.params ?? {},
    };
    const work = found.params
      ? handle(found.op, req, res, trace)
      : malformed(found.op, req, res, trace, found.badParam);
    work.catch(answer(found.op, res));
    return true;
  };
}

/**
 * A request target's path and query, as express's req.path reads them
 * (a fragment, which no client should send, is cut).
 */
export function splitTarget(target: string): { path: string; search: string | undefined } {
  // The absolute form ("http://host/path") that a client configured with flowtwin as its HTTP proxy sends.
  if (!target.startsWith('/') && URL.canParse(target)) {
    const url = new URL(target);
    return { path: url.pathname, search: url.search === '' ? undefined : url.search.slice(1) };
  }
  const hash = target.indexOf('#');
  const url = hash < 0 ? target : target.slice(0, hash);
  const q = url.indexOf('?');
  return q < 0 ? { path: url, search: undefined } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

function parseJson(body: Buffer | undefined): unknown {
  if (!body || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return `<${body.length} bytes, not JSON>`;
  }
}
