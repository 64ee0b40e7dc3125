// The control plane under /__flowtwin: health, reset and the virtual clock. Documented by
// specs/flowtwin-control.yaml.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ClockError, type VirtualClock } from '../engine/clock.js';
import { ControlInputError, type Vendor } from '../vendors/vendor.js';
import type { EventHub } from '../engine/events.js';
import type { ScenarioBook } from '../engine/scenarios.js';
import { mountEvents } from './events-routes.js';
import type { FaultBook } from '../http/faults.js';
import type { Journal } from '../http/journal.js';
import { mountJournal } from './journal-routes.js';
import { sendProblem } from './problem.js';

export const CONTROL_PREFIX = '/__flowtwin';

export interface ControlDeps {
  clock: VirtualClock;
  journal: Journal;
  faults: FaultBook;
  scenarios: ScenarioBook;
  events: EventHub;
  vendors: Vendor[];
  version: string;
  /** Empties the store, resets the clock and reloads the fixtures unless told not to. */
  reset(options: { seed: boolean }): Promise<void>;
}

export function controlRouter(deps: ControlDeps): Router {
  const router = express.Router({ caseSensitive: true });
  router.use(express.json({ limit: '1mb', type: () => true }));
  const clockState = () => {
    // A moved clock may have finished runs: tell event subscribers now rather than at the next tick.
    deps.events.tick();
    const state = deps.clock.state();
    return { ...state, iso: new Date(state.now).toISOString() };
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: deps.version, vendors: deps.vendors.map((v) => v.name), clock: clockState() });
  });

  router.post('/reset', async (req, res, next) => {
    const seed = (req.body as { seed?: unknown } | undefined)?.seed;
    if (seed !== undefined && typeof seed !== 'boolean') return sendProblem(res, 400, 'Bad Request', 'seed must be a boolean');
    try {
      await deps.reset({ seed: seed !== false });
      res.json({ status: 'reset', seeded: seed !== false, clock: clockState() });
    } catch (err) {
      next(err);
    }
  });

  router.get('/clock', (_req, res) => void res.json(clockState()));
  router.post('/clock/freeze', (_req, res) => {
    deps.clock.freeze();
    res.json(clockState());
  });
  router.post('/clock/resume', (_req, res) => {
    deps.clock.resume();
    res.json(clockState());
  });
  router.post('/clock/advance', (req, res) => {
    const ms = (req.body as { ms?: unknown } | undefined)?.ms;
    if (typeof ms !== 'number') return sendProblem(res, 400, 'Bad Request', 'body must be {"ms": <non-negative integer>}');
    deps.clock.advance(ms);
    res.json(clockState());
  });
  router.post('/clock/speed', (req, res) => {
    const speed = (req.body as { speed?: unknown } | undefined)?.speed;
    if (typeof speed !== 'number') return sendProblem(res, 400, 'Bad Request', 'body must be {"speed": <number greater than 0>}');
    deps.clock.setSpeed(speed);
    res.json(clockState());
  });

  mountJournal(router, deps.journal);
  mountEvents(router, deps.events);
  router.post('/scenarios', (req, res) => {
    const raw = req.body as Record<string, unknown> | undefined;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ControlInputError('a scenario is a JSON object');
    const vendor = deps.vendors.find((v) => v.name === raw.vendor);
    if (!vendor) throw new ControlInputError(`vendor must be one of ${deps.vendors.map((v) => v.name).join(', ')}`);
    res.status(201).json(deps.scenarios.add(vendor.parseScenario(raw)));
  });
  router.get('/scenarios', (_req, res) => void res.json({ scenarios: deps.scenarios.list() }));
  router.delete('/scenarios/:id', (req, res) => {
    if (!deps.scenarios.remove(req.params.id)) return sendProblem(res, 404, 'Not Found', `no scenario ${req.params.id}`);
    res.status(204).end();
  });
  router.post('/faults', (req, res) => void res.status(201).json(deps.faults.add(req.body)));
  router.get('/faults', (_req, res) => void res.json({ faults: deps.faults.list() }));
  router.delete('/faults/:id', (req, res) => {
    if (!deps.faults.remove(req.params.id)) return sendProblem(res, 404, 'Not Found', `no fault ${req.params.id}`);
    res.status(204).end();
  });

  // Each vendor's own calls, e.g. POST /__flowtwin/secmaster/trigger.
  for (const vendor of deps.vendors) {
    for (const call of vendor.control ?? []) {
      router[call.method](`/${vendor.name}${call.path}`, async (req, res) => {
        const out = await call.run(req.body);
        res.status(out.status).json(out.body);
      });
    }
  }

  router.use((req, res) => sendProblem(res, 404, 'Not Found', `no control endpoint ${req.method} ${CONTROL_PREFIX}${req.path}`));
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ClockError || err instanceof ControlInputError) return sendProblem(res, 400, 'Bad Request', err.message);
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') return sendProblem(res, 400, 'Bad Request', 'the request body is not valid JSON');
    if (e.type === 'entity.too.large') return sendProblem(res, 413, 'Payload Too Large', 'the request body is over 1 MB');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendProblem(res, e.status, 'Bad Request', e.message ?? 'bad request');
    sendProblem(res, 500, 'Internal Server Error', e.message ?? 'unexpected error');
  });
  return router;
}
