// Composition root: builds the store, clock, vendors and control plane into one express app.
// This is the one place that reads the wall clock and the system's random ids.
import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { CONTROL_PREFIX, controlRouter } from '../admin/routes.js';
import { sendProblem } from '../admin/problem.js';
import { ClockBook, type TimeSource, type VirtualClock } from '../engine/clock.js';
import { checkFixtures } from '../spec/fixtures.js';
import { loadSpec } from '../spec/load.js';
import { compileSpec, type CompiledSpec } from '../spec/operations.js';
import { MemoryStore } from '../store/memory.js';
import type { Store } from '../store/store.js';
import { createVendors, type VendorsConfig } from '../vendors/registry.js';
import { EventHub } from '../engine/events.js';
import { ScenarioBook } from '../engine/scenarios.js';
import { seededRandom } from '../engine/random.js';
import { FaultBook } from './faults.js';
import { RateLimiter, type RateLimitRule } from './rate-limits.js';
import { Journal } from './journal.js';
import type { ViolationListener } from './reply.js';
import { mountVendor } from './vendor-routes.js';
import { VERSION } from '../version.js';

export interface FlowtwinOptions {
  store?: Store;
  /** Real-time source behind the virtual clock. */
  now?: TimeSource;
  ids?: () => string;
  /** A fixtures document loaded at start and on every reset; none when absent. */
  fixtures?: Record<string, unknown>;
  bodyLimitBytes?: number;
  /** Seed of the generator behind fault probabilities and jitter. */
  randomSeed?: number;
  /** Rate-limit rules in force from the start (and after every reset); off when absent. */
  rateLimits?: RateLimitRule[];
  /** Requests kept in the journal (oldest dropped first). */
  journalLimit?: number;
  /** Called for every response that breaks the spec (tests fail on it; `serve` logs it). */
  onResponseViolation?: ViolationListener;
  vendors?: VendorsConfig;
}

export interface Flowtwin {
  app: Express;
  /** The global clock and the tenants' own. */
  clocks: ClockBook;
  journal: Journal;
  clock: VirtualClock;
  store: Store;
  reset(options?: { seed?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

// Compiling a spec's validators is the slow part of start-up; specs do not change in a process.
const compiled = new Map<string, CompiledSpec>();
function compiledSpec(file: string): CompiledSpec {
  let spec = compiled.get(file);
  if (!spec) compiled.set(file, (spec = compileSpec(loadSpec(file))));
  return spec;
}

export async function createFlowtwin(options: FlowtwinOptions = {}): Promise<Flowtwin> {
  const store = options.store ?? new MemoryStore();
  const now = options.now ?? Date.now;
  const clocks = new ClockBook(now);
  const clock = clocks.global;
  const scenarios = new ScenarioBook(seededRandom((options.randomSeed ?? 1) + 1));
  const events = new EventHub(clocks);
  const vendors = createVendors({ store, clock: clocks, wallClock: { now }, ids: options.ids ?? randomUUID, scenarios, events }, options.vendors);

  const fixtures = options.fixtures && checkFixtures(options.fixtures);
  const seed = async (): Promise<void> => {
    if (!fixtures) return;
    for (const vendor of vendors) {
      const part = fixtures[vendor.name];
      if (part !== undefined) await vendor.seed(part);
    }
  };
  const journal = new Journal(options.journalLimit ?? 1000);
  const specs = new Map(vendors.map((v) => [v.name, compiledSpec(v.spec)]));
  const operationIds = new Map([...specs].map(([name, spec]) => [name, new Set(spec.byId.keys())]));
  const faults = new FaultBook(operationIds, options.randomSeed ?? 1);
  const rateLimits = new RateLimiter(operationIds);
  if (options.rateLimits) rateLimits.set({ rules: options.rateLimits });
  const reset = async ({ seed: reseed = true }: { seed?: boolean } = {}): Promise<void> => {
    journal.clear();
    faults.clear();
    if (options.rateLimits) rateLimits.set({ rules: options.rateLimits });
    else rateLimits.clear();
    scenarios.clear();
    events.clear();
    await store.reset();
    clocks.reset();
    if (reseed) await seed();
  };

  const resetTenant = async (tenant: string): Promise<void> => {
    await store.reset(tenant);
    clocks.reset(tenant);
  };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(CONTROL_PREFIX, controlRouter({ clocks, vendors, journal, faults, rateLimits, scenarios, events, version: VERSION, reset: (o) => reset(o), resetTenant }));
  for (const vendor of vendors) {
    mountVendor(app, vendor, specs.get(vendor.name)!, {
      journal,
      faults,
      rateLimits,
      clock: clocks,
      bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
      ...(options.onResponseViolation ? { onResponseViolation: options.onResponseViolation } : {}),
    });
  }
  app.use((req, res) => sendProblem(res, 404, 'Not Found', `flowtwin serves no route ${req.method} ${req.path}`));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return sendProblem(res, status, 'Bad Request', (err as Error).message);
    sendProblem(res, 500, 'Internal Server Error', 'flowtwin failed to handle this request');
  });

  await seed();
  return { app, clock, clocks, store, journal, reset, close: () => store.close() };
}
