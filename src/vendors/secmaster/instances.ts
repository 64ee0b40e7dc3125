// Playbook instance handlers, named after the SDK's operationIds (VENDOR-FACTS B5.1-B5.3).
import { IllegalOperation } from '../../engine/errors.js';
import type { Handler, Reply, VendorRequest } from '../vendor.js';
import type { SecMasterPrincipal } from './auth.js';
import { materializeTimers, type SecMasterContext } from './context.js';
import { fail, smErrors } from './errors.js';
import { listInstances, type InstanceQuery } from './instance-list.js';
import { instanceInfo } from './model.js';
import { parseSmDate } from './time.js';

type Req = VendorRequest<SecMasterPrincipal>;
export const PAGE_WINDOW = 10_000;

const json = (body: unknown): Reply => ({ status: 200, contentType: 'application/json', body });

/** limit + offset must stay below 10000 (2025 docs and SDK). */
export function pageOf(req: Req): { limit: number; offset: number } {
  const limit = Number(req.query.limit);
  const offset = Number(req.query.offset);
  if (limit + offset >= PAGE_WINDOW)
    fail(smErrors.invalidParameters(`limit + offset must be less than ${PAGE_WINDOW}, got ${limit + offset}`));
  return { limit, offset };
}

/** The instance in the request's path, after due TIMER runs exist; another workspace's is unknown. */
export async function instanceOf(ctx: SecMasterContext, req: Req) {
  const id = String(req.params.instance_id);
  await materializeTimers(ctx, req.caller.tenant, String(req.params.workspace_id));
  const view = await ctx.instances.get(req.caller.tenant, id);
  if (!view || view.record.data.attrs.workspaceId !== req.params.workspace_id)
    return fail(smErrors.notFound('playbook instance', id));
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
      const query = queryOf(req);
      const tenant = req.caller.tenant;
      const workspaceId = String(req.params.workspace_id);
      await materializeTimers(ctx, tenant, workspaceId);
      // Newest start first (timer runs are written after later runs), ties the last written first.
      return json(
        await listInstances(
          { engine: ctx.instances, tenant, workspaceId, at: ctx.clock.now(tenant) },
          query,
          offset,
          limit,
        ),
      );
    },

    async ShowPlaybookInstance(req) {
      return json(instanceInfo(await instanceOf(ctx, req)));
    },

    async ChangePlaybookInstance(req) {
      const view = await instanceOf(ctx, req);
      const operation = (req.body as { operation?: unknown }).operation;
      // The spec's enum refuses any other value before a handler runs: only a missing one gets here.
      if (operation !== 'RETRY' && operation !== 'TERMINATE')
        return smErrors.invalidParameters('operation is required: RETRY or TERMINATE');
      try {
        return json(instanceInfo(await ctx.instances.operate(req.caller.tenant, view.record.id, operation)));
      } catch (err) {
        if (err instanceof IllegalOperation) {
          return smErrors.invalidParameters(
            `operation ${operation} is not allowed for playbook instance ${view.record.id} in status ${err.state}`,
          );
        }
        throw err;
      }
    },
  };
}

function queryOf(req: Req): InstanceQuery {
  const q = req.query as Record<string, string | undefined>;
  return { ...q, from: dateParam(q.from_date, 'from_date'), to: dateParam(q.to_date, 'to_date') };
}

function dateParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseSmDate(value);
  return ms ?? fail(smErrors.invalidParameters(`${name} must look like 2026-01-15T10:00:00.000Z+0800`));
}
