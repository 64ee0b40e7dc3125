// Workflow CRUD handlers, named after the spec's operationIds (VENDOR-FACTS A6.1-A6.5).
import type { StoredRecord } from '../../store/store.js';
import type { Handler, Reply, VendorRequest } from '../vendor.js';
import type { DatadogPrincipal } from './auth.js';
import { INSTANCE_KIND, type DatadogContext } from './context.js';
import { ddErrors, fail, JSONAPI_TYPE } from './errors.js';
import { listWorkflowsPage, type ListWorkflowsQuery } from './workflow-list.js';
import {
  normalizeSpec,
  normalizeTags,
  SPEC_VERSION_KIND,
  WORKFLOW_KIND,
  workflowProblems,
  workflowResource,
  type StoredSpecVersion,
  type StoredWorkflow,
  type WorkflowAttributesInput,
} from './workflow-model.js';

type Req = VendorRequest<DatadogPrincipal>;

interface WorkflowBody {
  data: { type: 'workflows'; attributes: WorkflowAttributesInput };
}

export function workflowHandlers(ctx: DatadogContext): Record<string, Handler<DatadogPrincipal>> {
  const { store, clock, ids } = ctx;

  async function saveSpecVersion(tenant: string, workflowId: string, wf: StoredWorkflow): Promise<void> {
    const data: StoredSpecVersion = { workflowId, spec: wf.spec, createdAt: wf.updatedAt };
    await store.create({
      kind: SPEC_VERSION_KIND,
      tenant,
      id: wf.specVersionId,
      parentId: workflowId,
      createdAt: wf.updatedAt,
      version: 1,
      data,
    });
  }

  async function load(req: Req): Promise<StoredRecord<StoredWorkflow>> {
    const record = await store.get<StoredWorkflow>(WORKFLOW_KIND, req.caller.tenant, String(req.params.workflow_id));
    return record ?? fail(ddErrors.workflowNotFound());
  }

  const ok = (status: number, id: string, wf: StoredWorkflow): Reply => ({
    status,
    contentType: JSONAPI_TYPE,
    body: { data: workflowResource(id, wf) },
  });

  return {
    async ListWorkflows(req) {
      const body = await listWorkflowsPage(ctx, req.caller.tenant, req.query as ListWorkflowsQuery);
      return { status: 200, contentType: JSONAPI_TYPE, body };
    },

    async CreateWorkflow(req) {
      const attrs = (req.body as WorkflowBody).data.attributes;
      const problems = workflowProblems(attrs);
      if (problems.length > 0) return ddErrors.workflowValidation(problems);
      const now = clock.now(req.caller.tenant);
      const user = req.caller.principal.user;
      const wf: StoredWorkflow = {
        name: attrs.name!,
        description: attrs.description ?? '',
        published: attrs.published ?? true,
        tags: normalizeTags(attrs.tags ?? []),
        spec: normalizeSpec(attrs.spec!),
        createdAt: now,
        updatedAt: now,
        specVersionId: ids(),
        creatorUuid: user.uuid,
        ownerUuid: user.uuid,
        creatorName: user.name,
      };
      if (attrs.webhookSecret !== undefined) wf.webhookSecret = attrs.webhookSecret;
      const id = ids();
      await store.create({ kind: WORKFLOW_KIND, tenant: req.caller.tenant, id, createdAt: now, version: 1, data: wf });
      await ctx.instances.parentCreated(req.caller.tenant, id);
      await saveSpecVersion(req.caller.tenant, id, wf);
      return ok(201, id, wf);
    },

    async GetWorkflow(req) {
      const record = await load(req);
      return ok(200, record.id, record.data);
    },

    // The body's data.id is ignored: the path id wins (recorded).
    async UpdateWorkflow(req) {
      const attrs = (req.body as WorkflowBody).data.attributes ?? {};
      let record = await load(req); // an unknown workflow is a 404 even when the body is also invalid
      const problems = workflowProblems(attrs);
      if (problems.length > 0) return ddErrors.workflowValidation(problems);
      for (let attempt = 0; attempt < 16; attempt++) {
        const wf = applyUpdate(record.data, attrs, clock.now(req.caller.tenant), ids);
        if (await store.update({ ...record, data: wf }, record.version)) {
          if (wf.specVersionId !== record.data.specVersionId) await saveSpecVersion(req.caller.tenant, record.id, wf);
          return ok(200, record.id, wf);
        }
        record = await load(req); // lost a race with another update: apply ours on top of theirs
      }
      return fail(ddErrors.internal());
    },

    // Deleting a workflow deletes its instances and spec versions (as the docs say).
    async DeleteWorkflow(req) {
      const { tenant } = req.caller;
      const id = String(req.params.workflow_id);
      if (!(await store.delete(WORKFLOW_KIND, tenant, id))) return ddErrors.workflowNotFound();
      for (const kind of [INSTANCE_KIND, SPEC_VERSION_KIND]) {
        for (const child of await store.scan(kind, tenant, id)) await store.delete(kind, tenant, child.id);
      }
      return { status: 204 };
    },
  };
}

function applyUpdate(
  current: StoredWorkflow,
  attrs: WorkflowAttributesInput,
  now: number,
  ids: () => string,
): StoredWorkflow {
  const next: StoredWorkflow = { ...current, updatedAt: Math.max(now, current.updatedAt) };
  if (attrs.name !== undefined) next.name = attrs.name;
  if (attrs.description !== undefined) next.description = attrs.description;
  if (attrs.published !== undefined) next.published = attrs.published;
  if (attrs.tags !== undefined) next.tags = normalizeTags(attrs.tags);
  if (attrs.webhookSecret !== undefined) next.webhookSecret = attrs.webhookSecret;
  if (attrs.spec !== undefined) {
    next.spec = normalizeSpec(attrs.spec);
    next.specVersionId = ids();
  }
  return next;
}
