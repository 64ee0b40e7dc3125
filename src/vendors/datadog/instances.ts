// Workflow instance handlers, named after the spec's operationIds (VENDOR-FACTS A6.6-A6.9).
import { changePlan } from '../../engine/plan.js';
import type { Handler, VendorRequest } from '../vendor.js';
import type { DatadogPrincipal } from './auth.js';
import type { DatadogContext } from './context.js';
import { ddErrors, fail, JSON_TYPE } from './errors.js';
import { instanceDocument, instanceListItem } from './instance-shape.js';
import { buildPlan } from './plan.js';
import { SPEC_VERSION_KIND, WORKFLOW_KIND, type StoredSpecVersion, type StoredWorkflow } from './workflow-model.js';

/** The states ListWorkflowInstances counts in its meta. */
const COUNTED = ['CANCELED', 'FAILED', 'SUCCEEDED'] as const;

type Req = VendorRequest<DatadogPrincipal>;

export function instanceHandlers(ctx: DatadogContext): Record<string, Handler<DatadogPrincipal>> {
  const { store, instances } = ctx;

  async function workflowOf(req: Req) {
    const id = String(req.params.workflow_id);
    const record = await store.get<StoredWorkflow>(WORKFLOW_KIND, req.caller.tenant, id);
    return record ?? fail(ddErrors.instanceWorkflowNotFound());
  }

  async function instanceOf(req: Req) {
    const id = String(req.params.instance_id);
    const view = await instances.get(req.caller.tenant, id);
    if (!view || view.record.parentId !== req.params.workflow_id) return fail(ddErrors.instanceNotFound(id));
    return view;
  }

  return {
    async ListWorkflowInstances(req) {
      const workflow = await workflowOf(req);
      const size = Number(req.query['page[size]'] ?? 10);
      const number = Number(req.query['page[number]'] ?? 0);
      // The counters cover every instance of the workflow: they come from the state index, not a scan.
      const [page, counts] = await Promise.all([
        instances.list(req.caller.tenant, workflow.id, number * size, size),
        instances.countByState(req.caller.tenant, workflow.id, COUNTED),
      ]);
      return {
        status: 200,
        contentType: JSON_TYPE,
        body: {
          data: page.items.map(instanceListItem),
          meta: {
            canceledCount: counts.CANCELED,
            failedCount: counts.FAILED,
            page: { totalCount: page.total, totalFilteredCount: page.total },
            succeededCount: counts.SUCCEEDED,
          },
        },
      };
    },

    async CreateWorkflowInstance(req) {
      const workflow = await workflowOf(req);
      // Documented (DD-ASSUME-29): only a published workflow with an API trigger runs from a POST.
      if (!workflow.data.published) return fail(ddErrors.notPublished(workflow.id));
      if (!(workflow.data.spec.triggers ?? []).some((t) => t.apiTrigger !== undefined))
        return fail(ddErrors.noApiTrigger(workflow.id));
      // The spec requires a body (an object), so only meta may be absent.
      const payload = (req.body as { meta?: { payload?: Record<string, unknown> } }).meta?.payload;
      await instances.admit(req.caller.tenant);
      const plan = changePlan(
        buildPlan(workflow.data.spec, { defaultStepMs: ctx.options.defaultStepMs }),
        await ctx.scenarios.take('datadog', req.caller.tenant, workflow.id),
      );
      const view = await instances.start(req.caller.tenant, workflow.id, plan, {
        specVersionId: workflow.data.specVersionId,
        workflowName: workflow.data.name,
        source: 'api',
        actor: req.caller.principal.user,
        ...(payload ? { payload } : {}),
      });
      return {
        status: 200,
        contentType: JSON_TYPE,
        body: { data: { attributes: {}, id: view.record.id, type: 'instances' }, meta: { workflowId: workflow.id } },
      };
    },

    async GetWorkflowInstance(req) {
      const workflow = await workflowOf(req);
      const view = await instanceOf(req);
      const specVersionId = view.record.data.attrs.specVersionId;
      const specVersion = await store.get<StoredSpecVersion>(SPEC_VERSION_KIND, req.caller.tenant, specVersionId);
      return { status: 200, contentType: JSON_TYPE, body: instanceDocument(view, workflow, specVersion) };
    },

    // Recorded: cancel does not look at the workflow first (INSTANCE_NOT_FOUND for an unknown one).
    async CancelWorkflowInstance(req) {
      const view = await instanceOf(req);
      // Recorded (DD-DRIFT-15): the 200 may come before the instance reads CANCELED.
      await instances.operate(req.caller.tenant, view.record.id, 'cancel', undefined, ctx.options.cancelSettleMs);
      return { status: 200, contentType: JSON_TYPE, body: {} };
    },
  };
}
