// Huawei SecMaster cases. Read-only ones list and show instances of the workspace the user names;
// write cases operate only on the one instance the user names (--instance).
import { absentUuid, checkNoDuplicates, type CaseContext, type ContractCase } from '../case.js';
import type { Exchange } from '../http.js';

interface Instance {
  id: string;
  status?: string;
}

const is4xx = (x: Exchange): boolean => x.status >= 400 && x.status < 500;
const statusOf = (x: Exchange): string | undefined => (x.body as Instance | undefined)?.status;
const scope = (ctx: CaseContext) => ({
  project_id: ctx.resources.projectId!,
  workspace_id: ctx.resources.workspaceId!,
});

function list(ctx: CaseContext, query: Record<string, string>) {
  return ctx.http.call('ListPlaybookInstances', { params: scope(ctx), query });
}

function show(ctx: CaseContext, id: string) {
  return ctx.http.call('ShowPlaybookInstance', { params: { ...scope(ctx), instance_id: id } });
}

/** The legal operation from a status, and where it may lead (the table, docs/fidelity.md). */
const NEXT: Record<string, { legal: 'RETRY' | 'TERMINATE'; after: string[] }> = {
  FAILED: { legal: 'RETRY', after: ['RETRYING', 'RUNNING', 'FINISHED', 'FAILED'] },
  RUNNING: { legal: 'TERMINATE', after: ['TERMINATING', 'TERMINATED'] },
  RETRYING: { legal: 'TERMINATE', after: ['TERMINATING', 'TERMINATED'] },
};

/** An operation the table refuses from each status. */
const ILLEGAL: Record<string, 'RETRY' | 'TERMINATE'> = {
  FAILED: 'TERMINATE',
  RUNNING: 'RETRY',
  RETRYING: 'RETRY',
  TERMINATING: 'TERMINATE',
  TERMINATED: 'TERMINATE',
  FINISHED: 'RETRY',
};

export const secmasterCases: ContractCase[] = [
  {
    name: 'instances: list, show, filters',
    kind: 'laws',
    writes: false,
    needs: ['projectId', 'workspaceId'],
    async run(ctx) {
      const x = await list(ctx, { limit: '50', offset: '0' });
      const body = x.body as { count?: number; instances?: Instance[] };
      if (
        !ctx.check('laws.list-instances-ok', x.status === 200, {
          message: 'ListPlaybookInstances answers 200',
          expected: '200',
          seen: String(x.status),
          exchange: x,
        })
      )
        return;
      for (const item of (body.instances ?? []).slice(0, 3)) {
        const one = await show(ctx, item.id);
        const same =
          statusOf(one) === item.status ||
          item.status === 'RUNNING' ||
          item.status === 'RETRYING' ||
          item.status === 'TERMINATING';
        ctx.check('laws.list-and-get-agree', same, {
          message: `instance ${item.id}: list and show report the same status`,
          expected: item.status,
          seen: statusOf(one),
          exchange: one,
        });
      }
      const failed = await list(ctx, { limit: '50', offset: '0', status: 'FAILED' });
      const others = ((failed.body as { instances?: Instance[] })?.instances ?? []).filter(
        (i) => i.status !== 'FAILED',
      );
      ctx.check('laws.filter-respected', failed.status === 200 && others.length === 0, {
        message: 'status=FAILED lists only FAILED instances',
        seen: others.map((i) => i.status).join(', ') || String(failed.status),
        exchange: failed,
      });
    },
  },
  {
    name: 'instance pages',
    kind: 'pagination',
    writes: false,
    needs: ['projectId', 'workspaceId'],
    async run(ctx) {
      const ids: string[] = [];
      const counts = new Set<number>();
      for (let offset = 0; offset < 3; offset++) {
        const x = await list(ctx, { limit: '1', offset: String(offset) });
        const body = x.body as { count?: number; instances?: Instance[] };
        ctx.check('pagination.page-size-respected', (body.instances?.length ?? 0) <= 1, {
          message: 'limit=1 gives at most one instance',
          seen: String(body.instances?.length),
          exchange: x,
        });
        ids.push(...(body.instances ?? []).map((i) => i.id));
        if (typeof body.count === 'number') counts.add(body.count);
      }
      checkNoDuplicates(ctx, ids, 'instance');
      ctx.check('pagination.total-stable', counts.size <= 1, {
        message: 'count is the same on every page',
        seen: [...counts].join(', '),
      });
      const over = await list(ctx, { limit: '5000', offset: '5000' });
      ctx.check('pagination.limit-refused-over-max', over.status === 400, {
        message: 'limit + offset = 10000 is refused with 400',
        expected: '400',
        seen: String(over.status),
        exchange: over,
      });
    },
  },
  {
    name: 'bad ids, values and credentials',
    kind: 'errors',
    writes: false,
    needs: ['projectId', 'workspaceId'],
    async run(ctx) {
      const expect4xx = (check: string, x: Exchange, message: string) =>
        ctx.check(check, is4xx(x), { message, expected: '4xx', seen: String(x.status), exchange: x });
      expect4xx('errors.unknown-instance', await show(ctx, absentUuid()), 'an unknown instance is refused');
      expect4xx('errors.malformed-instance-id', await show(ctx, 'not-a-uuid'), 'a malformed instance id is refused');
      expect4xx(
        'errors.bad-query-value',
        await list(ctx, { limit: '10', offset: '0', status: 'Failed' }),
        'a Title-case status filter is refused',
      );
      expect4xx('errors.missing-query', await list(ctx, { offset: '0' }), 'a list without limit is refused');
      const anonymous = await ctx.http.call('ListPlaybookInstances', {
        params: scope(ctx),
        query: { limit: '1', offset: '0' },
        auth: 'none',
      });
      ctx.check('errors.missing-credentials', anonymous.status === 401, {
        message: 'no token and no signature is a 401',
        expected: '401',
        seen: String(anonymous.status),
        exchange: anonymous,
      });
    },
  },
  {
    name: 'operate on the named instance',
    kind: 'laws',
    writes: true,
    needs: ['projectId', 'workspaceId', 'instanceId'],
    async run(ctx) {
      const id = ctx.resources.instanceId!;
      const operate = (operation: unknown) =>
        ctx.http.call('ChangePlaybookInstance', { params: { ...scope(ctx), instance_id: id }, body: { operation } });
      const unknown = await operate('PAUSE');
      ctx.check('errors.unknown-operation', unknown.status === 400, {
        message: 'an unknown operation is refused with 400',
        expected: '400',
        seen: String(unknown.status),
        exchange: unknown,
      });
      const before = statusOf(await show(ctx, id)) ?? '';
      const plan = NEXT[before];
      if (
        !ctx.check('laws.named-instance-operable', plan !== undefined, {
          message: 'the named instance is FAILED, RUNNING or RETRYING',
          seen: before,
        })
      )
        return;
      const done = await operate(plan!.legal);
      ctx.check('laws.legal-operation-accepted', done.status === 200, {
        message: `${plan!.legal} from ${before} answers 200`,
        expected: '200',
        seen: String(done.status),
        exchange: done,
      });
      ctx.check('laws.operation-moves-state', plan!.after.includes(statusOf(done) ?? ''), {
        message: `${plan!.legal} moves ${before} as the table says`,
        expected: plan!.after.join('|'),
        seen: statusOf(done),
        exchange: done,
      });
      const moved = statusOf(await show(ctx, id)) ?? '';
      const illegal = ILLEGAL[moved] ?? 'RETRY';
      const refused = await operate(illegal);
      ctx.check('laws.illegal-operation-refused', refused.status === 400, {
        message: `${illegal} from ${moved} is refused with 400`,
        expected: '400',
        seen: String(refused.status),
        exchange: refused,
      });
      const after = statusOf(await show(ctx, id));
      const unchanged =
        after === moved ||
        (moved === 'TERMINATING' && after === 'TERMINATED') ||
        (moved === 'RETRYING' && after === 'RUNNING');
      ctx.check('laws.refused-changes-nothing', unchanged, {
        message: 'a refused operation leaves the instance where the table leads it',
        expected: moved,
        seen: after,
      });
    },
  },
];
