// Loads the "datadog" part of a fixtures document. Times are relative ("agoMs") so a data set
// means the same thing whenever it is loaded: a running instance is still running.
import type { Outcome } from '../../engine/plan.js';
import { FixtureError } from '../../spec/fixtures.js';
import { buildCaller, type DatadogKey } from './auth.js';
import type { DatadogContext, DatadogInstanceAttrs } from './context.js';
import { INSTANCE_KIND } from './context.js';
import { buildPlan } from './plan.js';
import {
  normalizeSpec,
  normalizeTags,
  SPEC_VERSION_KIND,
  WORKFLOW_KIND,
  type StoredWorkflow,
  type WorkflowSpec,
} from './workflow-model.js';

export interface DatadogFixtures {
  tenants: DatadogTenantFixture[];
}

export interface DatadogTenantFixture extends DatadogKey {
  workflows: {
    id: string;
    specVersionId: string;
    name: string;
    description?: string;
    tags?: string[];
    published?: boolean;
    spec: WorkflowSpec;
    createdAgoMs: number;
  }[];
  instances: {
    id: string;
    workflowId: string;
    startedAgoMs: number;
    source?: 'api' | 'manual';
    outcome?: Outcome;
    operations?: { name: string; agoMs: number }[];
  }[];
}

export async function loadDatadogFixtures(ctx: DatadogContext, fixtures: DatadogFixtures): Promise<void> {
  const now = ctx.clock.now();
  for (const tenantFixture of fixtures.tenants ?? []) {
    const caller = buildCaller(tenantFixture);
    const { tenant } = caller;
    ctx.tenantLabels.set(tenant, caller.principal.label);
    const user = caller.principal.user;
    const workflows = new Map<string, StoredWorkflow>();
    for (const w of [...tenantFixture.workflows].sort((a, b) => b.createdAgoMs - a.createdAgoMs)) {
      const at = now - w.createdAgoMs;
      const wf: StoredWorkflow = {
        name: w.name,
        description: w.description ?? '',
        published: w.published ?? true,
        tags: normalizeTags(w.tags ?? []),
        spec: normalizeSpec(w.spec),
        createdAt: at,
        updatedAt: at,
        specVersionId: w.specVersionId,
        creatorUuid: user.uuid,
        ownerUuid: user.uuid,
        creatorName: user.name,
      };
      workflows.set(w.id, wf);
      await ctx.store.create({ kind: WORKFLOW_KIND, tenant, id: w.id, createdAt: at, version: 1, data: wf });
      await ctx.store.create({
        kind: SPEC_VERSION_KIND,
        tenant,
        id: w.specVersionId,
        parentId: w.id,
        createdAt: at,
        version: 1,
        data: { workflowId: w.id, spec: wf.spec, createdAt: at },
      });
    }
    // Oldest first, so that insertion order is creation order (the store lists newest first).
    for (const i of [...tenantFixture.instances].sort((a, b) => b.startedAgoMs - a.startedAgoMs)) {
      const wf = workflows.get(i.workflowId);
      if (!wf)
        throw new FixtureError(
          `datadog instance ${i.id} names workflow ${i.workflowId}, which the fixtures do not define`,
        );
      const attrs: DatadogInstanceAttrs = {
        specVersionId: wf.specVersionId,
        workflowName: wf.name,
        source: i.source ?? 'api',
        actor: user,
      };
      const plan = buildPlan(wf.spec, {
        defaultStepMs: ctx.options.defaultStepMs,
        ...(i.outcome ? { outcome: i.outcome } : {}),
      });
      const operations = (i.operations ?? []).map((op) => ({ name: op.name, at: now - op.agoMs }));
      await ctx.instances.restore({
        kind: INSTANCE_KIND,
        tenant,
        id: i.id,
        parentId: i.workflowId,
        createdAt: now - i.startedAgoMs,
        version: 1,
        data: { plan, operations, attrs },
      });
    }
  }
}
