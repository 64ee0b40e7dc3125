// The control plane under /__flowtwin: health, reset and the virtual clock. Documented by
// specs/flowtwin-control.yaml.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { ClockError, MAX_ADVANCE_MS, MAX_SPEED, isoTime, type ClockBook, type VirtualClock } from '../engine/clock.js';
import { ControlInputError, type IncomingRequest, type Vendor } from '../vendors/vendor.js';
import { splitTarget } from '../http/vendor-routes.js';
import type { EventHub } from '../engine/events.js';
import type { ControlState } from '../engine/control-state.js';
import type { Store } from '../store/store.js';
import type { RuleList, Rule } from '../engine/rule-list.js';
import type { ScenarioBook } from '../engine/scenarios.js';
import { mountEvents, type EventStreamOptions } from './events-routes.js';
import type { FaultBook } from '../http/faults.js';
import type { OverrideBook } from '../http/overrides.js';
import type { TenantIndex } from '../engine/tenant-index.js';
import type { RateLimiter } from '../http/rate-limits.js';
import type { Journal } from '../http/journal.js';
import { mountJournal } from './journal-routes.js';
import { mountInstances } from './instances-routes.js';
import { mountDashboard } from './dashboard-routes.js';
import { sendProblem } from './problem.js';
import { isTemporary, logContention, RETRY_AFTER_SECONDS } from '../http/unavailable.js';
import type { Logger } from '../log/logger.js';

export const CONTROL_PREFIX = '/__flowtwin';

const PROBLEM_TITLES = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
} as const;

export interface ControlDeps {
  clocks: ClockBook;
  /** Every change below is written through it, so replicas sharing the store agree. */
  control: ControlState;
  store: Store;
  journal: Journal;
  faults: FaultBook;
  overrides: OverrideBook;
  /** Tenants' labels, for the instance listing. */
  tenants?: TenantIndex;
  rateLimits: RateLimiter;
  scenarios: ScenarioBook;
  events: EventHub;
  vendors: Vendor[];
  version: string;
  /** Empties the store, resets the clock and reloads the fixtures unless told not to. */
  reset(options: { seed: boolean }): Promise<void>;
  /** Empties one tenant's data and drops its own clock. */
  resetTenant(tenant: string): Promise<void>;
  /** Bounds of each event stream's backlog; defaults when absent. */
  eventStream?: EventStreamOptions;
  /** Control calls at debug; a failure answered 500 at error, with its stack. */
  log: Logger;
}

export function controlRouter(deps: ControlDeps): Router {
  const router = express.Router({ caseSensitive: true });
  // The body's bytes are kept: a Huawei signature on a control call covers them.
  const rawBodies = new WeakMap<IncomingMessage, Buffer>();
  router.use(
    express.json({ limit: '1mb', type: () => true, verify: (req, _res, buf) => void rawBodies.set(req, buf) }),
  );
  // Another replica may have moved a clock or changed a rule since this one last looked.
  router.use((_req, _res, next) => void deps.control.refresh().then(() => next(), next));
  /** The call as it came on the wire (path with the prefix, query as the vendor dispatchers parse it). */
  const incoming = (req: Request): IncomingRequest => {
    const { path, search } = splitTarget(req.originalUrl);
    const body = rawBodies.get(req);
    return {
      method: req.method,
      path,
      query: search === undefined ? {} : (parseQuery(search) as IncomingRequest['query']),
      headers: req.headers,
      ...(body ? { body } : {}),
    };
  };
  /** A control call carrying a vendor's credentials acts on that tenant only. */
  const tenantOf = async (req: Request): Promise<string | undefined> => {
    const request = incoming(req);
    for (const vendor of deps.vendors) {
      const tenant = await vendor.tenantOf?.(request);
      if (tenant !== undefined) return tenant;
    }
    return undefined;
  };
  const clockState = (tenant?: string) => {
    const own = tenant !== undefined && deps.clocks.has(tenant);
    const state = deps.clocks.of(own ? tenant : undefined).state();
    return { ...state, iso: isoTime(state.now), ...(tenant !== undefined ? { tenant, own } : {}) };
  };
  /**
   * Runs a clock change on the caller's clock (its own, created on first use) or the global one.
   * The clock is fetched only once the input is valid, so bad input creates nothing.
   */
  const onClock =
    (change: (clock: () => VirtualClock, body: Record<string, unknown>) => void) =>
    async (req: Request, res: Response) => {
      const tenant = await tenantOf(req);
      await deps.control.change(() =>
        change(() => deps.clocks.of(tenant), (req.body ?? {}) as Record<string, unknown>),
      );
      // A moved clock may have finished runs: tell event subscribers now rather than at the next tick.
      deps.events.tick();
      res.json(clockState(tenant));
    };

  router.get('/health', (_req, res) => {
    const { kind, location, durable, shared } = deps.store.info;
    res.json({
      status: 'ok',
      version: deps.version,
      vendors: deps.vendors.map((v) => v.name),
      clock: clockState(),
      store: { kind, location, durable, shared },
    });
  });

  router.post('/reset', async (req, res) => {
    const seed = (req.body as { seed?: unknown } | undefined)?.seed;
    if (seed !== undefined && typeof seed !== 'boolean')
      return sendProblem(res, 400, 'Bad Request', 'seed must be a boolean');
    const tenant = await tenantOf(req);
    if (tenant !== undefined) {
      // One tenant: its data and its clock go; the fixtures (shared by all) are not reloaded.
      await deps.resetTenant(tenant);
      return void res.json({ status: 'reset', seeded: false, clock: clockState(tenant) });
    }
    await deps.reset({ seed: seed !== false });
    res.json({ status: 'reset', seeded: seed !== false, clock: clockState() });
  });

  /** GET lists the rules (with credentials, those that can touch that tenant); DELETE removes one. */
  function mountRuleList(into: Router, name: 'scenarios' | 'faults' | 'overrides', rules: RuleList<Rule>): void {
    into.get(`/${name}`, async (req, res) => void res.json({ [name]: rules.list(await tenantOf(req)) }));
    into.delete(`/${name}/:id`, async (req, res) => {
      const { id } = req.params;
      // With credentials, only that tenant's rules and the global ones: another tenant's is unknown (404).
      // An unknown id writes nothing: a refused call must not touch the shared control state.
      const tenant = await tenantOf(req);
      const known = () => rules.list(tenant).some((r) => r.id === id);
      if (!known() || !(await deps.control.change(() => known() && rules.remove(id))))
        return sendProblem(res, 404, 'Not Found', `no ${name.slice(0, -1)} ${id}`);
      res.status(204).end();
    });
  }

  router.get('/clock', async (req, res) => void res.json(clockState(await tenantOf(req))));
  router.post(
    '/clock/freeze',
    onClock((clock) => clock().freeze()),
  );
  router.post(
    '/clock/resume',
    onClock((clock) => clock().resume()),
  );
  // The bounds are the spec's maxima (a test holds them equal); the clock also refuses a jump past
  // the latest time it can show, which depends on where it stands.
  router.post(
    '/clock/advance',
    onClock((clock, { ms }) => {
      if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 || ms > MAX_ADVANCE_MS) {
        throw new ControlInputError(`body must be {"ms": <integer from 0 to ${MAX_ADVANCE_MS} (100 years)>}`);
      }
      clock().advance(ms);
    }),
  );
  router.post(
    '/clock/speed',
    onClock((clock, { speed }) => {
      if (typeof speed !== 'number' || !(speed > 0 && speed <= MAX_SPEED))
        throw new ControlInputError(`body must be {"speed": <number greater than 0, at most ${MAX_SPEED}>}`);
      clock().setSpeed(speed);
    }),
  );

  mountJournal(router, deps.journal, tenantOf);
  mountEvents(router, deps.events, tenantOf, { log: (line) => deps.log.warn(line), ...deps.eventStream });
  mountInstances(router, deps.vendors, tenantOf, deps.tenants);
  mountDashboard(router);
  router.post('/scenarios', async (req, res) => {
    const raw = req.body as Record<string, unknown> | undefined;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new ControlInputError('a scenario is a JSON object');
    const vendor = deps.vendors.find((v) => v.name === raw.vendor);
    if (!vendor) throw new ControlInputError(`vendor must be one of ${deps.vendors.map((v) => v.name).join(', ')}`);
    const spec = vendor.parseScenario(raw);
    const tenant = await tenantOf(req);
    if (spec.instance !== undefined) {
      // Whose instance it is comes from the credentials only: a control call cannot reach into another tenant.
      if (tenant === undefined)
        throw new ControlInputError(
          'a scenario for one instance needs the credentials of its owner on the call ' +
            `(the ${vendor.name} API's own headers)`,
        );
      await vendor.steer(tenant, spec);
      return void res
        .status(201)
        .json({ ...spec, tenant, id: await deps.control.change(() => deps.scenarios.nextId()), hits: 1 });
    }
    res
      .status(201)
      .json(await deps.control.change(() => deps.scenarios.add(tenant === undefined ? spec : { ...spec, tenant })));
  });
  mountRuleList(router, 'scenarios', deps.scenarios);
  router.put(
    '/rate-limits',
    async (req, res) => void res.json({ rules: await deps.control.change(() => deps.rateLimits.set(req.body)) }),
  );
  router.get('/rate-limits', (_req, res) => void res.json({ rules: deps.rateLimits.list() }));
  router.post('/faults', async (req, res) => {
    const tenant = await tenantOf(req);
    res.status(201).json(await deps.control.change(() => deps.faults.addFault(req.body, tenant)));
  });
  mountRuleList(router, 'faults', deps.faults);
  router.post('/overrides', async (req, res) => {
    const tenant = await tenantOf(req);
    res.status(201).json(await deps.control.change(() => deps.overrides.addOverride(req.body, tenant)));
  });
  mountRuleList(router, 'overrides', deps.overrides);

  // Each vendor's own calls, e.g. POST /__flowtwin/secmaster/trigger, with the caller's tenant as every control call.
  for (const vendor of deps.vendors) {
    for (const call of vendor.control ?? []) {
      router[call.method](`/${vendor.name}${call.path}`, async (req, res) => {
        const out = await call.run(req.body, await tenantOf(req));
        res.status(out.status).json(out.body);
      });
    }
  }

  router.use((req, res) =>
    sendProblem(res, 404, 'Not Found', `no control endpoint ${req.method} ${CONTROL_PREFIX}${req.path}`),
  );
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ControlInputError) return sendProblem(res, err.status, PROBLEM_TITLES[err.status], err.message);
    if (err instanceof ClockError) return sendProblem(res, 400, 'Bad Request', err.message);
    if (isTemporary(err)) {
      logContention(deps.log, `the control plane (${req.method} ${req.originalUrl.split('?')[0]})`, err);
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      return sendProblem(res, 503, 'Service Unavailable', `${err.message}; retry later`);
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed')
      return sendProblem(res, 400, 'Bad Request', 'the request body is not valid JSON');
    // 400 rather than 413: the spec declares 400 (problem+json) on every call, and no other 4xx for a body.
    if (e.type === 'entity.too.large') return sendProblem(res, 400, 'Bad Request', 'the request body is over 1 MB');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
      return sendProblem(res, e.status, 'Bad Request', e.message ?? 'bad request');
    deps.log.error(
      { err, method: req.method, path: req.originalUrl.split('?')[0] },
      `control call ${req.method} ${req.originalUrl.split('?')[0]} failed`,
    );
    sendProblem(res, 500, 'Internal Server Error', e.message ?? 'unexpected error');
  });
  return router;
}
