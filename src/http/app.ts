// Composition root: builds the store, clock, vendors and control plane into one express app.
// This is the one place that reads the wall clock and the system's random ids.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import cors from 'cors';
import { CONTROL_PREFIX, controlRouter } from '../admin/routes.js';
import type { EventStreamOptions } from '../admin/events-routes.js';
import { sendProblem } from '../admin/problem.js';
import { controlAuth } from '../admin/control-auth.js';
import { ClockBook, type TimeSource, type VirtualClock } from '../engine/clock.js';
import { checkFixtures } from '../spec/fixtures.js';
import type { IndexDifference } from '../engine/state-index.js';
import { loadSpec } from '../spec/load.js';
import { compileSpec, type CompiledSpec } from '../spec/operations.js';
import { MemoryStore } from '../store/memory.js';
import type { Store } from '../store/store.js';
import { createVendors, type VendorsConfig } from '../vendors/registry.js';
import { checkConfig } from '../spec/config.js';
import { EventHub } from '../engine/events.js';
import { ControlState } from '../engine/control-state.js';
import { ScenarioBook } from '../engine/scenarios.js';
import { TimerMarks } from '../engine/timer-marks.js';
import { seededRandom } from '../engine/random.js';
import { TenantIndex } from '../engine/tenant-index.js';
import { FaultBook } from './faults.js';
import { OverrideBook } from './overrides.js';
import { RateLimiter, type RateLimitRule } from './rate-limits.js';
import { DEFAULT_MAX_INSTANCES_PER_TENANT, DEFAULT_MAX_URL_LENGTH, urlLimit } from './limits.js';
import { Journal } from './journal.js';
import type { ViolationListener } from './reply.js';
import { vendorRoutes } from './vendor-routes.js';
import { VERSION } from '../version.js';
import { createLogger, type Logger } from '../log/logger.js';

export interface FlowtwinOptions {
  store?: Store;
  /** Real-time source behind the virtual clock. */
  now?: TimeSource;
  ids?: () => string;
  /** A fixtures document loaded at start and on every reset; none when absent. */
  fixtures?: Record<string, unknown>;
  bodyLimitBytes?: number;
  /** Longest URL (path and query, bytes) answered; longer ones get the vendor's 414. */
  maxUrlLength?: number;
  /** Instances one tenant may have (since the last reset); the next start is refused in the vendor's shape. */
  maxInstancesPerTenant?: number;
  /** Seed of the generator behind fault probabilities and jitter. */
  randomSeed?: number;
  /** Rate-limit rules in force from the start (and after every reset); off when absent. */
  rateLimits?: RateLimitRule[];
  /** Requests kept in the journal (oldest dropped first). */
  journalLimit?: number;
  /**
   * Every control call but GET /__flowtwin/health must carry it (header X-Flowtwin-Control-Token or
   * the dashboard's cookie); the control plane is open when absent. The vendor APIs never need it.
   */
  controlToken?: string;
  /**
   * Where flowtwin reports what an operator should know, e.g. a broken stored clock it repaired;
   * the logger's warn by default.
   */
  warn?: (message: string) => void;
  /**
   * Requests (info), control calls (debug), contention and repairs (warn), failures with their stack
   * (error). Default: warnings and errors to stderr, so an embedded flowtwin stays quiet until something is wrong.
   */
  logger?: Logger;
  /** Called for every response that breaks the spec (tests fail on it; `serve` logs it). */
  onResponseViolation?: ViolationListener;
  vendors?: VendorsConfig;
  /**
   * Browser code calling the vendor APIs from another origin: preflights answered, answers readable.
   * `true` reflects any origin; a list allows those origins only. Off when absent (the vendors' own
   * APIs are not called from browsers). The control plane stays same-origin either way.
   */
  cors?: true | string[];
  /** How far a /__flowtwin/events client may fall behind before its stream is ended, and where that is logged. */
  eventStream?: EventStreamOptions;
}

export interface Flowtwin {
  /** Every route, as an express app (to mount in one of yours). */
  app: Express;
  /**
   * The same routes for a node server: vendor requests are answered before express, whose
   * per-request work (swapping req/res prototypes, walking the router) cost a GET a third of its
   * throughput; the control plane and the dashboard go on to express.
   */
  handler: RequestListener;
  /** The global clock and the tenants' own. */
  clocks: ClockBook;
  journal: Journal;
  clock: VirtualClock;
  /** Clocks, scenarios, faults and rate limits as stored; `refresh` after changing them behind its back. */
  control: ControlState;
  store: Store;
  reset(options?: { seed?: boolean }): Promise<void>;
  /**
   * Recomputes every vendor's instance indexes from the stored records and returns where they
   * differ (`flowtwin store check`); with `repair`, makes them match. Run it on a store no server writes to.
   */
  checkStore(options?: { repair?: boolean }): Promise<StoreDifference[]>;
  close(): Promise<void>;
}

export interface StoreDifference extends IndexDifference {
  vendor: string;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** One stderr logger for every embedded flowtwin without its own (a test process starts hundreds). */
let defaultLogger: Logger | undefined;

/** Vendor headers a browser client reads (rate limits, retry advice, request ids, IAM's token). */
const EXPOSED_HEADERS = [
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Period',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'X-RateLimit-Name',
  'X-Request-Id',
  'X-Subject-Token',
];

// Compiling a spec's validators is the slow part of start-up; specs do not change in a process.
const compiled = new Map<string, CompiledSpec>();
function compiledSpec(file: string): CompiledSpec {
  let spec = compiled.get(file);
  if (!spec) compiled.set(file, (spec = compileSpec(loadSpec(file))));
  return spec;
}

export async function createFlowtwin(options: FlowtwinOptions = {}): Promise<Flowtwin> {
  // The same check as a config file's (specs/flowtwin-config.schema.json), for callers that pass
  // settings in code: a wrong type would otherwise start and then answer 500s.
  if (options.vendors !== undefined || options.rateLimits !== undefined) {
    checkConfig(
      { ...options.vendors, ...(options.rateLimits !== undefined ? { rateLimits: options.rateLimits } : {}) },
      'flowtwin options (vendors, rateLimits)',
    );
  }
  const store = options.store ?? new MemoryStore();
  // The store's time by default: replicas sharing a Redis agree on it even when their clocks do not.
  const now = options.now ?? (() => store.now());
  const log = options.logger ?? (defaultLogger ??= createLogger({ level: 'warn' }));
  const clocks = new ClockBook(now, options.warn ?? ((m) => log.warn(m)));
  const clock = clocks.global;
  const scenarios = new ScenarioBook(seededRandom((options.randomSeed ?? 1) + 1));
  const timers = new TimerMarks();
  const events = new EventHub(clocks);
  const tenants = new TenantIndex(store);
  const maxInstancesPerTenant = options.maxInstancesPerTenant ?? DEFAULT_MAX_INSTANCES_PER_TENANT;
  const vendors = createVendors(
    {
      store,
      clock: clocks,
      wallClock: { now },
      ids: options.ids ?? randomUUID,
      scenarios,
      timers,
      events,
      tenants,
      maxInstancesPerTenant,
    },
    options.vendors,
  );

  const fixtures = options.fixtures && checkFixtures(options.fixtures);
  const seed = async (): Promise<void> => {
    if (!fixtures) return;
    for (const vendor of vendors) {
      const part = fixtures[vendor.name];
      if (part !== undefined) await vendor.seed(part);
    }
  };
  const journal = new Journal(store, options.journalLimit ?? 1000);
  const specs = new Map(vendors.map((v) => [v.name, compiledSpec(v.spec)]));
  const operationIds = new Map([...specs].map(([name, spec]) => [name, new Set(spec.byId.keys())]));
  const faults = new FaultBook(operationIds, options.randomSeed ?? 1);
  const overrides = new OverrideBook(specs);
  const rateLimits = new RateLimiter(operationIds, store, options.rateLimits ?? []);
  const control = new ControlState(store, { clocks, scenarios, faults, overrides, rateLimits, timers });
  scenarios.commit = faults.commit = overrides.commit = timers.commit = (mutate) => control.change(mutate);
  await control.refresh();
  // A broken clock stored by an older flowtwin was repaired on load: store the repair, so it is
  // reported once and every replica adopts the same clock.
  if (clocks.repairs > 0) await control.change(() => undefined);
  // Another replica changed the clock or the rules: adopt it now, and report runs a clock move finished.
  const unsubscribe = await control.connect(() => events.tick());
  await events.connect(store);
  await tenants.connect();

  const reset = async ({ seed: reseed = true }: { seed?: boolean } = {}): Promise<void> => {
    await store.reset();
    await events.cleared();
    await tenants.cleared();
    // The stored control state went with the store: the parts fall back to their defaults.
    await control.change(() => {
      faults.clear();
      overrides.clear();
      scenarios.clear();
      timers.clear();
      rateLimits.restore();
      clocks.reset();
    });
    if (reseed) await seed();
  };

  const resetTenant = async (tenant: string): Promise<void> => {
    await store.reset(tenant);
    await events.forgotten(tenant);
    await control.change(() => {
      clocks.reset(tenant);
      timers.forget(tenant);
    });
  };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  const routeOptions = {
    journal,
    faults,
    overrides,
    rateLimits,
    control,
    clock: clocks,
    log,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    ...(options.onResponseViolation ? { onResponseViolation: options.onResponseViolation } : {}),
  };
  const dispatchers = vendors.map((vendor) => vendorRoutes(vendor, specs.get(vendor.name)!, routeOptions));
  const maxUrlLength = options.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH;
  const vendorPrefixes = vendors.flatMap((v) => v.prefixes);
  const corsCheck = options.cors && cors({ origin: options.cors, exposedHeaders: EXPOSED_HEADERS, maxAge: 600 });
  /** Vendor dispatch, behind the CORS layer when there is one (it answers preflights itself). */
  const dispatch = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const run = () => {
      for (const d of dispatchers) if (d(req, res)) return;
      next();
    };
    if (corsCheck && vendorPrefixes.some((p) => req.url!.startsWith(p))) corsCheck(req, res, run);
    else run();
  };
  app.use(urlLimit(maxUrlLength, vendors, CONTROL_PREFIX));
  // Vendor requests first (they are nearly all the traffic): each layer express walks costs time.
  // No vendor owns the control plane's prefix, so the order changes no answer.
  app.use((req, res, next) => dispatch(req, res, next));
  // What a person types or a browser asks for on its own: no token needed to be shown the way.
  app.get([CONTROL_PREFIX, `${CONTROL_PREFIX}/`], (req, res) => {
    const q = req.originalUrl.indexOf('?');
    res
      .status(302)
      .location(`${CONTROL_PREFIX}/ui${q < 0 ? '' : req.originalUrl.slice(q)}`)
      .end();
  });
  app.get('/favicon.ico', (_req, res) => void res.status(301).location(`${CONTROL_PREFIX}/ui/favicon.svg`).end());
  app.use(CONTROL_PREFIX, (req, res, next) => {
    if (!log.isLevelEnabled('debug')) return next();
    const started = performance.now();
    res.once('finish', () =>
      log.debug(
        {
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          durationMs: Math.round(performance.now() - started),
        },
        `${req.method} ${req.originalUrl.split('?')[0]} ${res.statusCode}`,
      ),
    );
    next();
  });
  app.use(CONTROL_PREFIX, controlAuth(options.controlToken));
  app.use(
    CONTROL_PREFIX,
    controlRouter({
      clocks,
      control,
      store,
      vendors,
      journal,
      faults,
      overrides,
      tenants,
      rateLimits,
      scenarios,
      events,
      version: VERSION,
      reset: (o) => reset(o),
      resetTenant,
      log,
      ...(options.eventStream ? { eventStream: options.eventStream } : {}),
    }),
  );
  app.use((req, res) => sendProblem(res, 404, 'Not Found', `flowtwin serves no route ${req.method} ${req.path}`));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500)
      return sendProblem(res, status, 'Bad Request', (err as Error).message);
    log.error({ err, method: req.method, path: req.path }, `${req.method} ${req.path} failed`);
    sendProblem(res, 500, 'Internal Server Error', 'flowtwin failed to handle this request');
  });

  // A durable store that already holds data keeps it: the fixtures seed only a new store.
  if (store.info.fresh) await seed();
  const close = async (): Promise<void> => {
    await unsubscribe();
    await events.disconnect();
    await tenants.disconnect();
    await store.close();
  };
  // An over-long URL goes on to express, whose first layer refuses it in the right shape.
  const handler: RequestListener = (req, res) => {
    if (req.url!.length <= maxUrlLength) dispatch(req, res, () => app(req, res));
    else app(req, res);
  };
  const checkStore = async ({ repair = false }: { repair?: boolean } = {}): Promise<StoreDifference[]> => {
    const out: StoreDifference[] = [];
    for (const vendor of vendors)
      for (const d of (await vendor.catalog?.checkIndexes(repair)) ?? []) out.push({ vendor: vendor.name, ...d });
    return out;
  };
  return { app, handler, clock, clocks, control, store, journal, reset, checkStore, close };
}
