// Every check must be able to fail: each test makes flowtwin drift in one way (through a fetch
// that rewrites its answers, like a vendor that changed) and expects exactly that check to fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runContract } from '../../src/contract/runner.js';
import type { RunningFlowtwin } from '../../src/serve.js';
import { drifting, type Rewrite, type Seen } from './drifting.js';
import { authenticate, flowtwinWithWorkflow } from './support.js';

let ft: RunningFlowtwin;
let workflowId: string;
beforeAll(async () => ({ ft, workflowId } = await flowtwinWithWorkflow()));
afterAll(() => ft.stop());

async function failedChecks(rewrite: Rewrite, extra: { strictFields?: boolean } = {}): Promise<string[]> {
  const report = await runContract({ vendor: 'datadog', target: ft.url, authenticate, allowWrites: true, resources: { workflowId }, fetch: drifting(rewrite), pollBudgetMs: 300, ...extra });
  return [...new Set(report.findings.filter((f) => f.outcome === 'fail').map((f) => f.check))].sort();
}

const isInstance = (s: Seen) => /\/instances\/[^/]+$/.test(s.url.pathname);
const isList = (s: Seen) => s.url.pathname === '/api/v2/workflows';

describe('contract checks fail on the drift they exist to catch', () => {
  it('names conformance.status-declared when execute answers 201 instead of 200', async () => {
    expect(await failedChecks((s) => (s.method === 'POST' && s.url.pathname.endsWith('/instances') ? { status: 201 } : undefined))).toEqual(['conformance.status-declared', 'laws.execute-ok']);
  });

  it('names conformance.schema when instance errors are strings instead of objects', async () => {
    expect(await failedChecks((s) => (isInstance(s) && s.status === 400 ? { body: { errors: ['value is invalid'] } } : undefined))).toEqual(['conformance.schema']);
  });

  it('names conformance.schema when a required field goes missing', async () => {
    const drop: Rewrite = (s) => {
      if (!isInstance(s) || s.status !== 200) return undefined;
      const body = structuredClone(s.body) as { data: Record<string, unknown> };
      delete body.data.type;
      return { body };
    };
    expect(await failedChecks(drop)).toEqual(['conformance.schema']);
  });

  it('names conformance.content-type when the workflow list comes back as text/html', async () => {
    expect(await failedChecks((s) => (isList(s) && s.status === 200 ? { contentType: 'text/html' } : undefined))).toEqual(['conformance.content-type']);
  });

  it('names conformance.undocumented-fields (with --strict-fields) when a field appears', async () => {
    const add: Rewrite = (s) => (isList(s) && s.status === 200 ? { body: { ...(s.body as object), links: { next: 'x' } } } : undefined);
    expect(await failedChecks(add, { strictFields: true })).toEqual(['conformance.undocumented-fields']);
    expect(await failedChecks(add)).toEqual([]);
  });

  it('names laws.id-case-insensitive when an upper-case workflow id is not found', async () => {
    const upper = `/api/v2/workflows/${workflowId.toUpperCase()}`;
    const notFound: Rewrite = (s) => (s.method === 'GET' && s.url.pathname === upper ? { status: 404, body: { errors: [{ detail: 'workflow not found' }] } } : undefined);
    expect(await failedChecks(notFound)).toEqual(['laws.id-case-insensitive']);
  });

  it('names laws.execute-precondition when a workflow read as unpublished still runs from a POST', async () => {
    const unpublished: Rewrite = (s) => {
      if (s.method !== 'GET' || s.url.pathname !== `/api/v2/workflows/${workflowId}` || s.status !== 200) return undefined;
      const body = structuredClone(s.body) as { data: { attributes: Record<string, unknown> } };
      body.data.attributes.published = false;
      return { body };
    };
    expect(await failedChecks(unpublished)).toEqual(['laws.execute-precondition']);
  });

  it('names laws.execute-precondition when a workflow without an apiTrigger still runs from a POST', async () => {
    const noApiTrigger: Rewrite = (s) => {
      if (s.method !== 'GET' || s.url.pathname !== `/api/v2/workflows/${workflowId}` || s.status !== 200) return undefined;
      const body = structuredClone(s.body) as { data: { attributes: { spec: { triggers: object[] } } } };
      body.data.attributes.spec.triggers = [{ startStepNames: ['Sleep'], monitorTrigger: {} }];
      return { body };
    };
    expect(await failedChecks(noApiTrigger)).toEqual(['laws.execute-precondition']);
  });

  it('names laws.spec-key-order when the spec comes back as the client sent it (alphabetical, an unknown key kept)', async () => {
    const alphabetical: Rewrite = (s) => {
      if (s.method !== 'GET' || s.url.pathname !== `/api/v2/workflows/${workflowId}` || s.status !== 200) return undefined;
      const body = structuredClone(s.body) as { data: { attributes: { spec: { steps: Record<string, unknown>[] } } } };
      const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
      body.data.attributes.spec.steps = body.data.attributes.spec.steps.map(sorted);
      return { body };
    };
    expect(await failedChecks(alphabetical)).toEqual(['laws.spec-key-order']);
    const extraKey: Rewrite = (s) => {
      if (s.method !== 'GET' || s.url.pathname !== `/api/v2/workflows/${workflowId}` || s.status !== 200) return undefined;
      const body = structuredClone(s.body) as { data: { attributes: { spec: Record<string, unknown> } } };
      body.data.attributes.spec.customKey = true;
      return { body };
    };
    expect(await failedChecks(extraKey)).toEqual(['laws.spec-key-order']);
  });

  it('names laws.illegal-operation-refused when a second cancel is accepted', async () => {
    expect(await failedChecks((s) => (s.url.pathname.endsWith('/cancel') && s.status === 400 ? { status: 200, body: {} } : undefined))).toEqual(['laws.illegal-operation-refused']);
  });

  it('names laws.operation-moves-state and laws.terminal-stays-terminal when a cancel does not take', async () => {
    const stuck: Rewrite = (s) => {
      if (!isInstance(s) || s.status !== 200) return undefined;
      const body = structuredClone(s.body) as { data: { attributes: Record<string, unknown> } };
      body.data.attributes.instanceStatus = { detailsKind: 'IN_PROGRESS', displayName: 'Running' };
      delete body.data.attributes.endTimestamp;
      return { body };
    };
    expect(await failedChecks(stuck)).toEqual(expect.arrayContaining(['laws.operation-moves-state', 'laws.terminal-stays-terminal']));
  });

  it('names pagination.no-duplicates when a later page repeats an item', async () => {
    let first: unknown;
    const repeat: Rewrite = (s) => {
      if (!isList(s) || s.url.searchParams.get('limit') !== '1') return undefined;
      if (s.url.searchParams.get('page') === '0') first = s.body;
      return s.url.searchParams.get('page') === '1' ? { body: first } : undefined;
    };
    expect(await failedChecks(repeat)).toEqual(['pagination.no-duplicates']);
  });

  it('names pagination.total-stable when totalCount changes between pages', async () => {
    const wobble: Rewrite = (s) => {
      if (!isList(s) || s.url.searchParams.get('limit') !== '1') return undefined;
      const body = structuredClone(s.body) as { meta: { page: { totalCount: number } } };
      body.meta.page.totalCount += Number(s.url.searchParams.get('page'));
      return { body };
    };
    expect(await failedChecks(wobble)).toEqual(['pagination.total-stable']);
  });

  it('names pagination.limit-refused-over-max and errors.bad-query-value when page limits are not enforced', async () => {
    const lax: Rewrite = (s) => (s.status === 400 && ['101'].includes(s.url.searchParams.get('limit') ?? s.url.searchParams.get('page[size]') ?? '') ? { status: 200, body: { data: [], meta: { page: { totalCount: 0, totalFilteredCount: 0 } } } } : undefined);
    expect(await failedChecks(lax)).toEqual(expect.arrayContaining(['errors.bad-query-value', 'pagination.limit-refused-over-max']));
  });

  it('names laws.counters-match-list when a meta counter disagrees with the items', async () => {
    const miscount: Rewrite = (s) => (s.url.pathname.endsWith('/instances') && s.method === 'GET' && s.status === 200 ? { body: { ...(s.body as object), meta: { ...(s.body as { meta: object }).meta, failedCount: 7 } } } : undefined);
    expect(await failedChecks(miscount)).toEqual(['laws.counters-match-list']);
  });

  it('names laws.list-and-get-agree when get reports another status than the list', async () => {
    const disagree: Rewrite = (s) => {
      if (!isInstance(s) || s.status !== 200 || s.nth > 0) return undefined;
      const body = structuredClone(s.body) as { data: { attributes: Record<string, unknown> } };
      body.data.attributes.instanceStatus = { detailsKind: 'FAILED', displayName: 'Failed' };
      body.data.attributes.endTimestamp = '2026-01-01T00:00:00Z';
      return { body };
    };
    expect(await failedChecks(disagree)).toContain('laws.list-and-get-agree');
  });

  // The law's direction: a run may finish between the list and the get, but a finished run may not be running again.
  const listThenGet = (listed: string, got: string): Rewrite => {
    const pending = new Set<string>();
    const status = (kind: string) => ({ detailsKind: kind, displayName: kind });
    return (s) => {
      if (s.method !== 'GET' || s.status !== 200) return undefined;
      if (s.url.pathname.endsWith('/instances') && s.url.searchParams.get('page[size]') === '100') {
        const body = structuredClone(s.body) as { data: { id: string; attributes: Record<string, unknown> }[] };
        for (const item of body.data) (pending.add(item.id), (item.attributes.instanceStatus = status(listed)));
        return { body };
      }
      const id = s.url.pathname.split('/').pop()!;
      if (!isInstance(s) || !pending.delete(id)) return undefined;
      const body = structuredClone(s.body) as { data: { attributes: Record<string, unknown> } };
      body.data.attributes.instanceStatus = status(got);
      return { body };
    };
  };

  it('passes laws.list-and-get-agree when a run listed IN_PROGRESS is SUCCEEDED by the time it is read', async () => {
    expect(await failedChecks(listThenGet('IN_PROGRESS', 'SUCCEEDED'))).not.toContain('laws.list-and-get-agree');
  });

  it('names laws.list-and-get-agree when a run listed SUCCEEDED reads as IN_PROGRESS', async () => {
    expect(await failedChecks(listThenGet('SUCCEEDED', 'IN_PROGRESS'))).toContain('laws.list-and-get-agree');
  });

  it('names errors.missing-credentials when a request without keys is served', async () => {
    const open: Rewrite = (s) =>
      s.status === 403 && !s.headers['DD-API-KEY'] ? { status: 200, contentType: 'application/vnd.api+json', body: { data: [], meta: { page: { totalCount: 0, totalFilteredCount: 0 } } } } : undefined;
    expect(await failedChecks(open)).toEqual(['errors.missing-credentials']);
  });

  it('names errors.bad-body when an invalid workflow is created', async () => {
    expect(await failedChecks((s) => (isList(s) && s.method === 'POST' && s.status === 400 ? { status: 201 } : undefined))).toEqual(
      expect.arrayContaining(['errors.bad-body']),
    );
  });

  it('names the errors.* check when an error status drifts to another declared one', async () => {
    const notFound = { errors: [{ detail: 'workflow not found' }] };
    const invalid = { errors: [{ status: '400', title: 'Invalid Parameter', detail: 'invalid parameter "workflowId" in "path"; expected type "uuid"' }] };
    const swapped: Rewrite = (s) => {
      if (s.url.pathname === '/api/v2/workflows/bad-format') return { status: 404, body: notFound };
      if (/^\/api\/v2\/workflows\/00000000-/.test(s.url.pathname)) return { status: 400, body: invalid };
      if (s.url.pathname === '/api/v2/workflows/malformed/instances/malformed') return { status: 404, body: { errors: [{ code: 'WORKFLOW_NOT_FOUND', detail: 'workflow not found' }] } };
      return undefined;
    };
    expect(await failedChecks(swapped)).toEqual(['errors.malformed-instance-path', 'errors.malformed-workflow-id', 'errors.unknown-workflow']);
  });

  it('names errors.blank-credentials when blank keys are accepted', async () => {
    const blank: Rewrite = (s) => (s.status === 403 && s.headers['DD-API-KEY'] === ' ' ? { status: 200, contentType: 'application/vnd.api+json', body: { data: [], meta: { page: { totalCount: 0, totalFilteredCount: 0 } } } } : undefined);
    expect(await failedChecks(blank)).toEqual(['errors.blank-credentials']);
  });

  it('names pagination.page-size-respected when a page holds more than the limit', async () => {
    const big: Rewrite = (s) => {
      if (!isList(s) || s.url.searchParams.get('limit') !== '1' || s.url.searchParams.get('page') !== '0') return undefined;
      const body = structuredClone(s.body) as { data: { id: string }[] };
      body.data = [...body.data, { ...body.data[0]!, id: '99999999-9999-4999-8999-999999999999' }];
      return { body };
    };
    expect(await failedChecks(big)).toEqual(['pagination.page-size-respected']);
  });

  it('names laws.starts-in-start-state and laws.legal-operation-accepted when a new run is already over', async () => {
    let fresh = '';
    const over: Rewrite = (s) => {
      if (s.method === 'POST' && s.url.pathname.endsWith('/instances')) fresh = (s.body as { data: { id: string } }).data.id;
      if (fresh && s.url.pathname.endsWith(`/instances/${fresh}`) && s.nth === 0) {
        const body = structuredClone(s.body) as { data: { attributes: Record<string, unknown> } };
        body.data.attributes.instanceStatus = { detailsKind: 'SUCCEEDED', displayName: 'Succeeded' };
        body.data.attributes.endTimestamp = '2026-01-01T00:00:00Z';
        return { body };
      }
      if (fresh && s.url.pathname.endsWith(`/instances/${fresh}/cancel`) && s.nth === 0) {
        return { status: 400, body: { errors: [{ code: 'INVALID_INSTANCE_STATE', detail: 'instance is not running' }] } };
      }
      return undefined;
    };
    expect(await failedChecks(over)).toEqual(['laws.legal-operation-accepted', 'laws.starts-in-start-state']);
  });

  it('waits out a 429 as X-RateLimit-Reset says instead of failing', async () => {
    let limited = 0;
    const inner = drifting(() => undefined);
    const rateLimited: typeof fetch = async (input, init) => {
      if (limited++ === 0) return new Response(JSON.stringify({ errors: ['Too many requests'] }), { status: 429, headers: { 'content-type': 'application/json', 'x-ratelimit-reset': '0' } });
      return inner(input, init);
    };
    const report = await runContract({ vendor: 'datadog', target: ft.url, authenticate, resources: { workflowId }, fetch: rateLimited });
    expect(report.passed).toBe(true);
    expect(limited).toBeGreaterThan(1);
  });
});

describe('contract checks for whole-call failures fail too', () => {
  it('names conformance.list-workflows-ok and laws.list-instances-ok when the lists answer 503', async () => {
    const down: Rewrite = (s) => (s.method === 'GET' && (isList(s) || s.url.pathname.endsWith('/instances')) && !s.url.search.includes('limit=1') && !s.url.search.includes('101') && s.headers['DD-API-KEY'] !== ' ' && s.headers['DD-API-KEY'] ? { status: 503, body: { errors: ['Service Unavailable'] } } : undefined);
    expect(await failedChecks(down)).toEqual(expect.arrayContaining(['conformance.list-workflows-ok', 'laws.list-instances-ok']));
  });

  it('names <kind>.case-crashed when the target cannot be reached in the middle of a case', async () => {
    const inner = drifting(() => undefined);
    const flaky: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/api/v2/workflows/bad-format')) throw new TypeError('fetch failed: connection refused');
      return inner(input, init);
    };
    const report = await runContract({ vendor: 'datadog', target: ft.url, authenticate, resources: { workflowId }, fetch: flaky });
    expect(report.findings.find((f) => f.check === 'errors.case-crashed')).toMatchObject({
      outcome: 'fail',
      case: 'malformed, unknown ids and bad credentials',
      message: 'the case could not finish: fetch failed: connection refused',
    });
  });
});
