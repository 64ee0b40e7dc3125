// Datadog Workflow Automation cases. Read-only ones run anywhere; write cases execute and cancel
// runs of the one workflow the user names (--workflow), and never touch anything else.
import { absentUuid, checkNoDuplicates, type CaseContext, type ContractCase } from '../case.js';
import type { Exchange } from '../http.js';
import { specShapeProblems } from '../../vendors/datadog/spec-shape.js';

interface InstanceItem {
  id: string;
  attributes?: { instanceStatus?: { detailsKind?: string } };
}

const START_STATES = ['IN_PROGRESS'];
const TERMINAL_STATES = ['SUCCEEDED', 'FAILED', 'CANCELED'];
const kindOf = (x: Exchange): string | undefined =>
  (x.body as { data?: InstanceItem })?.data?.attributes?.instanceStatus?.detailsKind;
const is4xx = (x: Exchange): boolean => x.status >= 400 && x.status < 500;

/** The error code execute must answer with for this GetWorkflow answer, or undefined when it may run. */
function executeRefusal(workflow: Exchange): string | undefined {
  const attributes = (
    workflow.body as { data?: { attributes?: { published?: boolean; spec?: { triggers?: object[] } } } }
  )?.data?.attributes;
  if (workflow.status !== 200 || !attributes) return undefined;
  if (attributes.published === false) return 'WORKFLOW_NOT_PUBLISHED';
  const triggers = attributes.spec?.triggers;
  if (Array.isArray(triggers) && !triggers.some((t) => 'apiTrigger' in t)) return 'NO_API_TRIGGER';
  return undefined;
}

async function getInstance(ctx: CaseContext, workflowId: string, instanceId: string): Promise<Exchange> {
  return ctx.http.call('GetWorkflowInstance', { params: { workflow_id: workflowId, instance_id: instanceId } });
}

export const datadogCases: ContractCase[] = [
  {
    name: 'list workflows',
    kind: 'conformance',
    writes: false,
    async run(ctx) {
      const x = await ctx.http.call('ListWorkflows', { query: { limit: '5' } });
      ctx.check('conformance.list-workflows-ok', x.status === 200, {
        message: 'ListWorkflows answers 200',
        expected: '200',
        seen: String(x.status),
        exchange: x,
      });
      const first = (x.body as { data?: { id: string }[] })?.data?.[0]?.id;
      ctx.resources.workflowId ??= first;
    },
  },
  {
    name: 'workflow pages',
    kind: 'pagination',
    writes: false,
    async run(ctx) {
      const ids: string[] = [];
      const totals = new Set<number>();
      for (let page = 0; page < 3; page++) {
        const x = await ctx.http.call('ListWorkflows', {
          query: { limit: '1', page: String(page), 'filter[includeUnpublished]': 'true' },
        });
        const body = x.body as { data?: { id: string }[]; meta?: { page?: { totalCount?: number } } };
        ctx.check('pagination.page-size-respected', (body.data?.length ?? 0) <= 1, {
          message: 'limit=1 gives at most one workflow',
          expected: '<= 1',
          seen: String(body.data?.length),
          exchange: x,
        });
        ids.push(...(body.data ?? []).map((item) => item.id));
        if (typeof body.meta?.page?.totalCount === 'number') totals.add(body.meta.page.totalCount);
      }
      checkNoDuplicates(ctx, ids, 'workflow');
      ctx.check('pagination.total-stable', totals.size <= 1, {
        message: 'totalCount is the same on every page',
        seen: [...totals].join(', '),
      });
      const over = await ctx.http.call('ListWorkflows', { query: { limit: '101' } });
      ctx.check('pagination.limit-refused-over-max', over.status === 400, {
        message: 'limit=101 is refused with 400',
        expected: '400',
        seen: String(over.status),
        exchange: over,
      });
    },
  },
  {
    name: 'malformed, unknown ids and bad credentials',
    kind: 'errors',
    writes: false,
    async run(ctx) {
      const expectStatus = (check: string, x: Exchange, status: number, message: string) =>
        ctx.check(check, x.status === status, {
          message,
          expected: String(status),
          seen: String(x.status),
          exchange: x,
        });
      expectStatus(
        'errors.malformed-workflow-id',
        await ctx.http.call('GetWorkflow', { params: { workflow_id: 'bad-format' } }),
        400,
        'a malformed workflow id is a 400',
      );
      expectStatus(
        'errors.unknown-workflow',
        await ctx.http.call('GetWorkflow', { params: { workflow_id: absentUuid() } }),
        404,
        'an unknown workflow is a 404',
      );
      expectStatus(
        'errors.malformed-instance-path',
        await ctx.http.call('GetWorkflowInstance', { params: { workflow_id: 'malformed', instance_id: 'malformed' } }),
        400,
        'malformed ids on an instance path are a 400',
      );
      expectStatus(
        'errors.missing-credentials',
        await ctx.http.call('ListWorkflows', { auth: 'none' }),
        403,
        'no DD-API-KEY / DD-APPLICATION-KEY is a 403',
      );
      const blank = await ctx.http.call('ListWorkflows', {
        auth: () => ({ 'DD-API-KEY': ' ', 'DD-APPLICATION-KEY': ' ' }),
      });
      expectStatus('errors.blank-credentials', blank, 403, 'blank keys are a 403');
    },
  },
  {
    name: "a workflow spec comes back in Datadog's shape",
    kind: 'laws',
    writes: false,
    needs: ['workflowId'],
    async run(ctx) {
      const x = await ctx.http.call('GetWorkflow', { params: { workflow_id: ctx.resources.workflowId! } });
      const spec = (x.body as { data?: { attributes?: { spec?: unknown } } })?.data?.attributes?.spec;
      if (x.status !== 200 || typeof spec !== 'object' || spec === null) return;
      // Assumed (DD-ASSUME-31): the recorded key order at every level, and no key outside the model.
      const problems = specShapeProblems(spec as Record<string, unknown>);
      ctx.check('laws.spec-key-order', problems.length === 0, {
        message: "GetWorkflow answers the spec's objects in the recorded key order, without keys outside the model",
        expected: 'no departure',
        seen: problems.slice(0, 3).join('; ') || 'none',
        exchange: x,
      });
    },
  },
  {
    name: 'instances of a workflow: list, get and counters agree',
    kind: 'laws',
    writes: false,
    needs: ['workflowId'],
    async run(ctx) {
      const workflowId = ctx.resources.workflowId!;
      // Assumed (DD-ASSUME-30): ids are UUIDs, so the upper-case form names the same workflow.
      const upper = await ctx.http.call('GetWorkflow', { params: { workflow_id: workflowId.toUpperCase() } });
      const upperId = (upper.body as { data?: { id?: string } })?.data?.id;
      ctx.check('laws.id-case-insensitive', upper.status === 200 && upperId === workflowId.toLowerCase(), {
        message: 'GetWorkflow with the upper-case id answers the workflow, with its lower-case id',
        expected: `200 ${workflowId.toLowerCase()}`,
        seen: `${upper.status} ${upperId ?? ''}`.trim(),
        exchange: upper,
      });
      const x = await ctx.http.call('ListWorkflowInstances', {
        params: { workflow_id: workflowId },
        query: { 'page[size]': '100' },
      });
      if (x.status !== 200)
        return void ctx.check('laws.list-instances-ok', false, {
          message: 'ListWorkflowInstances answers 200',
          seen: String(x.status),
          exchange: x,
        });
      const body = x.body as {
        data: InstanceItem[];
        meta: { canceledCount: number; failedCount: number; succeededCount: number; page: { totalCount: number } };
      };
      const counted = (kind: string) =>
        body.data.filter((i) => i.attributes?.instanceStatus?.detailsKind === kind).length;
      const complete = body.meta.page.totalCount <= 100;
      if (complete) {
        for (const [kind, counter] of [
          ['CANCELED', body.meta.canceledCount],
          ['FAILED', body.meta.failedCount],
          ['SUCCEEDED', body.meta.succeededCount],
        ] as const) {
          ctx.check('laws.counters-match-list', counted(kind) === counter, {
            message: `meta counter for ${kind} matches the listed instances`,
            expected: String(counted(kind)),
            seen: String(counter),
            exchange: x,
          });
        }
      }
      for (const item of body.data.slice(0, 3)) {
        const get = await getInstance(ctx, workflowId, item.id);
        const listed = item.attributes?.instanceStatus?.detailsKind;
        const got = kindOf(get);
        // A running instance may finish between the two reads; a terminal one may not change.
        const agree =
          listed === got ||
          (listed !== undefined && START_STATES.includes(listed) && got !== undefined && TERMINAL_STATES.includes(got));
        ctx.check('laws.list-and-get-agree', agree, {
          message: `instance ${item.id}: list and get report the same status`,
          expected: listed,
          seen: got,
          exchange: get,
        });
      }
      const ids: string[] = [];
      for (let page = 0; page < 3; page++) {
        const p = await ctx.http.call('ListWorkflowInstances', {
          params: { workflow_id: workflowId },
          query: { 'page[size]': '1', 'page[number]': String(page) },
        });
        ids.push(...((p.body as { data?: InstanceItem[] })?.data ?? []).map((item) => item.id));
      }
      checkNoDuplicates(ctx, ids, 'instance');
      const over = await ctx.http.call('ListWorkflowInstances', {
        params: { workflow_id: workflowId },
        query: { 'page[size]': '101' },
      });
      ctx.check('errors.bad-query-value', over.status === 400, {
        message: 'page[size]=101 is refused with 400',
        expected: '400',
        seen: String(over.status),
        exchange: over,
      });
    },
  },
  {
    name: 'an invalid workflow body is refused',
    kind: 'errors',
    writes: true,
    async run(ctx) {
      const x = await ctx.http.call('CreateWorkflow', {
        body: {
          data: {
            type: 'workflows',
            attributes: { name: 'flowtwin contract probe', description: 'x'.repeat(301), spec: {} },
          },
        },
      });
      ctx.check('errors.bad-body', x.status === 400, {
        message: 'an over-long description and an empty spec are refused with 400',
        expected: '400',
        seen: String(x.status),
        exchange: x,
      });
    },
  },
  {
    name: 'execute, cancel, and what follows',
    kind: 'laws',
    writes: true,
    needs: ['workflowId'],
    async run(ctx) {
      const workflowId = ctx.resources.workflowId!;
      const workflow = await ctx.http.call('GetWorkflow', { params: { workflow_id: workflowId } });
      const run = await ctx.http.call('CreateWorkflowInstance', {
        params: { workflow_id: workflowId },
        body: { meta: { payload: {} } },
      });
      const id = (run.body as { data?: { id?: string } })?.data?.id;
      // Documented (DD-ASSUME-29): only a published workflow with an apiTrigger runs from a POST.
      const refusal = executeRefusal(workflow);
      if (refusal) {
        const code = (run.body as { errors?: { code?: string }[] })?.errors?.[0]?.code;
        ctx.check('laws.execute-precondition', run.status === 400 && code === refusal, {
          message: `workflow ${workflowId} cannot run from a POST (${refusal}): execute is refused and starts nothing`,
          expected: `400 ${refusal}`,
          seen: `${run.status} ${code ?? ''}`.trim(),
          exchange: run,
        });
        if (id) await ctx.http.call('CancelWorkflowInstance', { params: { workflow_id: workflowId, instance_id: id } });
        return;
      }
      if (
        !ctx.check('laws.execute-ok', run.status === 200 && typeof id === 'string', {
          message: 'executing a workflow answers 200 with the instance id',
          expected: '200',
          seen: String(run.status),
          exchange: run,
        }) ||
        !id
      )
        return;
      const first = await getInstance(ctx, workflowId, id);
      ctx.check('laws.starts-in-start-state', START_STATES.includes(kindOf(first) ?? ''), {
        message: 'a new instance starts IN_PROGRESS',
        expected: START_STATES.join('|'),
        seen: kindOf(first),
        exchange: first,
      });
      const cancel = await ctx.http.call('CancelWorkflowInstance', {
        params: { workflow_id: workflowId, instance_id: id },
      });
      ctx.check('laws.legal-operation-accepted', cancel.status === 200, {
        message: 'cancel of a running instance answers 200',
        expected: '200',
        seen: String(cancel.status),
        exchange: cancel,
      });
      const after = await ctx.eventually(
        () => getInstance(ctx, workflowId, id),
        (x) => kindOf(x) === 'CANCELED',
      );
      ctx.check('laws.operation-moves-state', kindOf(after) === 'CANCELED', {
        message: 'a canceled instance reads CANCELED',
        expected: 'CANCELED',
        seen: kindOf(after),
        exchange: after,
      });
      const again = await ctx.http.call('CancelWorkflowInstance', {
        params: { workflow_id: workflowId, instance_id: id },
      });
      ctx.check('laws.illegal-operation-refused', is4xx(again), {
        message: 'cancel of a canceled instance is refused with a 4xx',
        expected: '4xx',
        seen: String(again.status),
        exchange: again,
      });
      const still = await getInstance(ctx, workflowId, id);
      ctx.check('laws.terminal-stays-terminal', kindOf(still) === 'CANCELED', {
        message: 'a refused operation changes nothing and a terminal state stays',
        expected: 'CANCELED',
        seen: kindOf(still),
        exchange: still,
      });
    },
  },
];
