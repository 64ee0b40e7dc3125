// Datadog workflows and instances as the proxy saw them in answers, turned into the "datadog"
// section of a fixtures document. Everything goes to the fixtures' own key pair: the keys the
// recorded client used are secrets and never written.
import type { Outcome } from '../engine/plan.js';
import type { DatadogFixtures, DatadogTenantFixture } from '../vendors/datadog/fixtures.js';
import { uuidFrom } from '../vendors/secmaster/model.js';
import type { WorkflowSpec } from '../vendors/datadog/workflow-model.js';
import { maskValue } from './secrets.js';
import { ago, asArray, asObject, asString, isUuid, type Observation } from './observation.js';

/** The pair fixtures/default.json gives its data to, and the one the README tells users to send. */
export const FIXTURE_KEYS = { apiKey: 'flowtwin-api-key', appKey: 'flowtwin-app-key' } as const;

interface SeenWorkflow {
  id: string;
  firstSeen: number;
  name?: string;
  description?: string;
  tags?: string[];
  published?: boolean;
  spec?: WorkflowSpec;
  createdAt?: number;
  specVersionId?: string;
}

interface SeenInstance {
  id: string;
  workflowId: string;
  firstSeen: number;
  startedAt?: number;
  endedAt?: number;
  status?: string;
  /** The step a failed or running instance stopped at, from GetWorkflowInstance. */
  stoppedAt?: string;
  source?: 'api' | 'manual';
}

export class DatadogFixtureBuilder {
  private readonly workflows = new Map<string, SeenWorkflow>();
  private readonly instances = new Map<string, SeenInstance>();

  learn({ operationId, params, status, body, at }: Observation): void {
    if (status < 200 || status > 299) return;
    const data = asObject(body)?.data;
    switch (operationId) {
      case 'ListWorkflows':
        for (const item of asArray(data)) this.workflow(item, at);
        return;
      case 'GetWorkflow':
      case 'CreateWorkflow':
      case 'UpdateWorkflow':
        this.workflow(data, at);
        return;
      case 'DeleteWorkflow':
        this.workflows.delete(params.workflow_id ?? '');
        for (const [id, i] of this.instances) if (i.workflowId === params.workflow_id) this.instances.delete(id);
        return;
      case 'ListWorkflowInstances':
        for (const item of asArray(data)) this.instance(params.workflow_id, item, at);
        return;
      case 'GetWorkflowInstance':
        this.instance(params.workflow_id, data, at);
        this.included(params.workflow_id, asArray(asObject(body)?.included), at);
        return;
      case 'CreateWorkflowInstance': {
        const id = asString(asObject(data)?.id);
        if (id && params.workflow_id)
          this.instances.set(id, { ...this.seenInstance(id, params.workflow_id, at), startedAt: at });
        return;
      }
      case 'CancelWorkflowInstance': {
        const seen =
          params.instance_id && params.workflow_id
            ? this.seenInstance(params.instance_id, params.workflow_id, at)
            : undefined;
        if (seen && (seen.status === undefined || seen.status === 'IN_PROGRESS'))
          this.instances.set(seen.id, { ...seen, status: 'CANCELED', endedAt: at });
        return;
      }
    }
  }

  /** The section, or undefined when no workflow was seen whole enough to load. */
  build(now: number, secrets: string[]): DatadogFixtures | undefined {
    const workflows = [...this.workflows.values()].filter(
      (w): w is SeenWorkflow & { name: string; spec: WorkflowSpec } => isUuid(w.id) && !!w.name && !!w.spec,
    );
    if (workflows.length === 0) return undefined;
    const byId = new Map(workflows.map((w) => [w.id, w]));
    const tenant: DatadogTenantFixture = {
      ...FIXTURE_KEYS,
      workflows: workflows.map((w) => ({
        id: w.id,
        specVersionId:
          w.specVersionId && isUuid(w.specVersionId)
            ? w.specVersionId
            : uuidFrom(`flowtwin-proxy/spec-version/${w.id}`),
        name: w.name,
        ...(w.description !== undefined ? { description: w.description.slice(0, 300) } : {}),
        tags: w.tags ?? [],
        published: w.published ?? true,
        spec: maskValue(w.spec, secrets) as WorkflowSpec,
        createdAgoMs: ago(now, w.createdAt ?? w.firstSeen),
      })),
      instances: [...this.instances.values()]
        .filter((i) => isUuid(i.id) && byId.has(i.workflowId))
        .map((i) => instanceFixture(i, byId.get(i.workflowId)!.spec, now)),
    };
    return { tenants: [tenant] };
  }

  private workflow(item: unknown, at: number): void {
    const resource = asObject(item);
    const id = asString(resource?.id);
    const attrs = asObject(resource?.attributes);
    if (!id || !attrs) return;
    const seen = this.workflows.get(id) ?? { id, firstSeen: at };
    const name = asString(attrs.name);
    const description = asString(attrs.description);
    const tags = Array.isArray(attrs.tags) ? attrs.tags.filter((t): t is string => typeof t === 'string') : undefined;
    // Lists carry spec null unless asked for specs: a null spec is "not shown", not "empty".
    const spec = asObject(attrs.spec) as WorkflowSpec | undefined;
    const createdAt = timestamp(attrs.createdAt);
    this.workflows.set(id, {
      ...seen,
      ...(name ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(tags ? { tags } : {}),
      ...(typeof attrs.published === 'boolean' ? { published: attrs.published } : {}),
      ...(spec ? { spec } : {}),
      ...(createdAt !== undefined ? { createdAt } : {}),
    });
  }

  /** GetWorkflowInstance's included spec version and workflow fill in a workflow never read itself. */
  private included(workflowId: string | undefined, items: unknown[], at: number): void {
    if (!workflowId) return;
    for (const item of items) {
      const resource = asObject(item);
      const attrs = asObject(resource?.attributes);
      const seen = this.workflows.get(workflowId) ?? { id: workflowId, firstSeen: at };
      if (resource?.type === 'spec_versions') {
        const spec = asObject(attrs?.spec) as WorkflowSpec | undefined;
        const id = asString(resource.id);
        this.workflows.set(workflowId, {
          ...seen,
          ...(seen.spec || !spec ? {} : { spec }),
          ...(seen.specVersionId || !id ? {} : { specVersionId: id }),
        });
      } else if (resource?.type === 'workflows' && attrs) {
        const name = asString(attrs.name);
        const specVersionId = asString(attrs.specVersionId);
        const createdAt = timestamp(attrs.createdAt);
        this.workflows.set(workflowId, {
          ...seen,
          ...(seen.name || !name ? {} : { name }),
          ...(specVersionId ? { specVersionId } : {}),
          ...(seen.createdAt !== undefined || createdAt === undefined ? {} : { createdAt }),
        });
      }
    }
  }

  private seenInstance(id: string, workflowId: string, at: number): SeenInstance {
    return this.instances.get(id) ?? { id, workflowId, firstSeen: at };
  }

  private instance(workflowId: string | undefined, item: unknown, at: number): void {
    const resource = asObject(item);
    const id = asString(resource?.id);
    const attrs = asObject(resource?.attributes);
    if (!id || !attrs || !workflowId) return;
    const seen = this.seenInstance(id, workflowId, at);
    const status = asString(asObject(attrs.instanceStatus)?.detailsKind);
    const startedAt = timestamp(attrs.startTimestamp);
    const endedAt = timestamp(attrs.endTimestamp);
    const source = Object.keys(asObject(attrs.source) ?? {}).find(
      (k): k is 'api' | 'manual' => k === 'api' || k === 'manual',
    );
    const steps = asArray(attrs.stepStateAssociations).map(asObject);
    const stoppedAt = asString(
      steps.find((s) => s?.stepState === 'FAILED' || s?.stepState === 'IN_PROGRESS' || s?.stepState === 'CANCELED')
        ?.stepName,
    );
    this.instances.set(id, {
      ...seen,
      ...(status ? { status } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(endedAt !== undefined ? { endedAt } : {}),
      ...(source ? { source } : {}),
      ...(stoppedAt ? { stoppedAt } : {}),
    });
  }
}

/**
 * How the fake should replay what was seen: a finished run succeeds again (its plan, from its
 * start), a failed one fails at the step it failed at, a running one hangs there, a canceled one
 * hangs and is canceled when it was. A run seen only as created runs its plan.
 */
function instanceFixture(i: SeenInstance, spec: WorkflowSpec, now: number): DatadogTenantFixture['instances'][number] {
  const startedAgoMs = ago(now, i.startedAt ?? i.firstSeen);
  const lastStep = (spec.steps ?? []).at(-1)?.name ?? 'unknown';
  const step = i.stoppedAt ?? lastStep;
  const base = { id: i.id, workflowId: i.workflowId, startedAgoMs, ...(i.source ? { source: i.source } : {}) };
  let outcome: Outcome | undefined;
  if (i.status === 'FAILED') outcome = { kind: 'fail', step };
  if (i.status === 'IN_PROGRESS' || i.status === 'CANCELED') outcome = { kind: 'hang', step };
  const operations =
    i.status === 'CANCELED'
      ? [{ name: 'cancel', agoMs: Math.min(startedAgoMs, ago(now, i.endedAt ?? now)) }]
      : undefined;
  return { ...base, ...(outcome ? { outcome } : {}), ...(operations ? { operations } : {}) };
}

function timestamp(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}
