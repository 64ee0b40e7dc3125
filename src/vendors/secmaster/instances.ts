// Playbook instance handlers, named after the SDK's operationIds (VENDOR-FACTS B5.1-B5.3).
import { IllegalOperation } from '../../engine/errors.js';
import type { Handler, Reply, VendorRequest } from '../vendor.js';
import type { SecMasterPrincipal } from './auth.js';
import { materializeTimers, type SecMasterContext } from './context.js';
import { fail, smErrors } from './errors.js';
import { instanceInfo } from './model.js';
import { parseSmDate } from './time.js';

type Req = VendorRequest<SecMasterPrincipal>;
export const PAGE_WINDOW = 10_000;

const json = (body: unknown): Reply => ({ status: 200, contentType: 'application/json', body });

/** limit + offset must stay below 10000 (2025 docs and SDK). */
export function pageOf(req: Req): { limit: number; offset: number } {
  const limit = Number(req.query.limit);
  const offset = Number(req.query.offset);
  if (limit + offset >= PAGE_WINDOW) fail(smErrors.invalidParameters(`limit + offset must be less than ${PAGE_WINDOW}, got ${limit + offset}`));
  return { limit, offset };
}

/** The instance in the request's path, after due TIMER runs exist; another workspace's is unknown. */
export async function instanceOf(ctx: SecMasterContext, req: Req) {
  const id = String(req.params.instance_id);
  await materializeTimers(ctx, req.caller.tenant, String(req.params.workspace_id));
  const view = await ctx.instances.get(req.caller.tenant, id);
  if (!view || view.record.data.attrs.workspaceId !== req.params.workspace_id) return fail(smErrors.notFound('playbook instance', id));
  return view;
}

/** Every instance of the request's workspace, after due TIMER runs exist. */
export async function workspaceInstances(ctx: SecMasterContext, req: Req) {
  const workspaceId = String(req.params.workspace_id);
  await materializeTimers(ctx, req.caller.tenant, workspaceId);
  return ctx.instances.all(req.caller.tenant, workspaceId);
}

export function instanceHandlers(ctx: SecMasterContext): Record<string, Handler<SecMasterPrincipal>> {
  return {
    async ListPlaybookInstances(req) {
      const { limit, offset } = pageOf(req);
      const matches = filterOf(req);
      const all = (await workspaceInstances(ctx, req)).map(instanceInfo).filter(matches);
      // Timer runs can be created after later runs; order by start time, newest first.
      all.sort((a, b) => (a.start_time < b.start_time ? 1 : a.start_time > b.start_time ? -1 : 0));
      return json({ count: all.length, instances: all.slice(offset, offset + limit) });
    },

    async ShowPlaybookInstance(req) {
      return json(instanceInfo(await instanceOf(ctx, req)));
    },

    async ChangePlaybookInstance(req) {
      const view = await instanceOf(ctx, req);
      const operation = (req.body as { operation?: unknown }).operation;
      if (operation !== 'RETRY' && operation !== 'TERMINATE') {
        return smErrors.invalidParameters(operation === undefined ? 'operation is required: RETRY or TERMINATE' : `operation must be RETRY or TERMINATE, got ${JSON.stringify(operation)}`);
      }
      try {
        return json(instanceInfo(await ctx.instances.operate(req.caller.tenant, view.record.id, operation)));
      } catch (err) {
        if (err instanceof IllegalOperation) {
          return smErrors.invalidParameters(`operation ${operation} is not allowed for playbook instance ${view.record.id} in status ${err.state}`);
        }
        throw err;
      }
    },
  };
}

type Info = ReturnType<typeof instanceInfo>;

function filterOf(req: Req): (i: Info) => boolean {
  const q = req.query as Record<string, string | undefined>;
  const contains = (value: string, wanted: string | undefined) => wanted === undefined || value.toLowerCase().includes(wanted.toLowerCase());
  const from = dateParam(q.from_date, 'from_date');
  const to = dateParam(q.to_date, 'to_date');
  const field = q.date_type === 'END' ? 'end_time' : 'start_time';
  return (i) =>
    (q.status === undefined || i.status === q.status) &&
    (q.trigger_type === undefined || i.trigger_type === q.trigger_type) &&
    contains(i.name, q.name) &&
    contains(i.playbook.name, q.playbook_name) &&
    contains(i.dataclass.name, q.dataclass_name) &&
    contains(i.dataobject.name, q.dataobject_name) &&
    (from === undefined || parseSmDate(i[field])! >= from) &&
    (to === undefined || parseSmDate(i[field])! <= to);
}

function dateParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseSmDate(value);
  return ms ?? fail(smErrors.invalidParameters(`${name} must look like 2026-01-15T10:00:00.000Z+0800`));
}
