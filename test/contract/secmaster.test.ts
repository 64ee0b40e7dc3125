import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { huaweiAuthenticator } from '../../src/contract/credentials.js';
import { textReport } from '../../src/contract/report.js';
import { runContract } from '../../src/contract/runner.js';
import { readFileSync } from 'node:fs';
import { DEFAULT_FIXTURES, serve, type RunningFlowtwin } from '../../src/serve.js';
import { drifting, type Rewrite, type Seen } from './drifting.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const WORKSPACE = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const CREDENTIAL = { ak: 'CONTRACTAK', sk: 'CONTRACTSKabcdefghijklmnopqrstuvwxyz', project_id: PROJECT };

let ft: RunningFlowtwin;
beforeAll(async () => {
  // The default fixtures: playbooks with versions in review and rejected, for the playbook checks.
  const fixtures = JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8')) as Record<string, unknown>;
  ft = await serve({ port: 0, fixtures, vendors: { secmaster: { auth: { credentials: [CREDENTIAL] } } } });
});
afterAll(() => ft.stop());

async function trigger(outcome: 'FINISHED' | 'FAILED'): Promise<string> {
  const res = await fetch(`${ft.url}/__flowtwin/secmaster/trigger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project_id: PROJECT, workspace_id: WORKSPACE, outcome }) });
  return ((await res.json()) as { id: string }).id;
}

const signed = huaweiAuthenticator({ projectId: PROJECT, ak: CREDENTIAL.ak, sk: CREDENTIAL.sk });

describe('SecMaster contract suite against flowtwin', () => {
  it('passes every read-only check with AK/SK-signed requests', async () => {
    for (let i = 0; i < 3; i++) await trigger('FINISHED');
    const report = await runContract({ vendor: 'secmaster', target: ft.url, authenticate: signed, resources: { projectId: PROJECT, workspaceId: WORKSPACE } });
    expect(report.findings.filter((f) => f.outcome === 'fail'), textReport(report)).toEqual([]);
    const passed = new Set(report.findings.filter((f) => f.outcome === 'pass').map((f) => f.check));
    for (const check of [
      'conformance.schema',
      'laws.list-and-get-agree',
      'laws.filter-respected',
      'pagination.no-duplicates',
      'pagination.limit-refused-over-max',
      'errors.unknown-instance',
      'errors.missing-credentials',
      'errors.bad-query-value',
      'laws.running-version-listed',
      'laws.review-ids-name-versions',
      'laws.version-filter-respected',
      'laws.rule-enable-has-rule',
    ]) {
      expect(passed, check).toContain(check);
    }
  });

  it('retries a FAILED instance it is given, and refuses the illegal operation after', async () => {
    ft.clock.freeze();
    const id = await trigger('FAILED');
    ft.clock.advance(60_000);
    const report = await runContract({ vendor: 'secmaster', target: ft.url, authenticate: signed, allowWrites: true, resources: { projectId: PROJECT, workspaceId: WORKSPACE, instanceId: id } });
    expect(report.findings.filter((f) => f.outcome === 'fail'), textReport(report)).toEqual([]);
    const passed = report.findings.filter((f) => f.outcome === 'pass').map((f) => f.check);
    expect(passed).toEqual(expect.arrayContaining(['errors.unknown-operation', 'laws.legal-operation-accepted', 'laws.operation-moves-state', 'laws.illegal-operation-refused', 'laws.refused-changes-nothing']));
    ft.clock.resume();
  });

  it('fails errors.missing-credentials and the signed checks when signatures are made with the wrong key', async () => {
    const wrong = huaweiAuthenticator({ projectId: PROJECT, ak: CREDENTIAL.ak, sk: 'not-the-secret' });
    const report = await runContract({ vendor: 'secmaster', target: ft.url, authenticate: wrong, resources: { projectId: PROJECT, workspaceId: WORKSPACE } });
    expect(report.passed).toBe(false);
    expect(report.findings.find((f) => f.check === 'laws.list-instances-ok')).toMatchObject({ outcome: 'fail', seen: '401' });
  });
});

describe('SecMaster contract checks fail on the drift they exist to catch', () => {
  async function failedChecks(rewrite: Rewrite, instanceId?: string): Promise<string[]> {
    const report = await runContract({ vendor: 'secmaster', target: ft.url, authenticate: signed, allowWrites: instanceId !== undefined, resources: { projectId: PROJECT, workspaceId: WORKSPACE, instanceId }, fetch: drifting(rewrite) });
    return [...new Set(report.findings.filter((f) => f.outcome === 'fail').map((f) => f.check))].sort();
  }
  const isList = (s: Seen) => s.url.pathname.endsWith('/soc/playbooks/instances');

  it('names conformance.schema when the list gains the playbook APIs envelope', async () => {
    expect(await failedChecks((s) => (isList(s) && s.status === 200 ? { body: { code: '00000000', message: '', data: s.body } } : undefined))).toEqual(['conformance.schema']);
  });

  it('names laws.filter-respected when a status filter is ignored', async () => {
    await trigger('FINISHED');
    const ignore: Rewrite = (s) => (isList(s) && s.url.searchParams.get('status') === 'FAILED' ? { body: { count: 1, instances: [{ ...((s.body as { instances: object[] }).instances[0] ?? {}), status: 'FINISHED' }] } } : undefined);
    const failed = await failedChecks(ignore);
    expect(failed).toContain('laws.filter-respected');
  });

  it('names pagination.limit-refused-over-max and errors.bad-query-value when limits and enums go unchecked', async () => {
    const lax: Rewrite = (s) => (isList(s) && s.status === 400 && s.url.searchParams.get('limit') !== null && s.url.searchParams.get('offset') !== null ? { status: 200, body: { count: 0, instances: [] } } : undefined);
    expect(await failedChecks(lax)).toEqual(['errors.bad-query-value', 'pagination.limit-refused-over-max']);
  });

  it('names errors.missing-credentials when an unsigned request is served', async () => {
    expect(await failedChecks((s) => (s.status === 401 && !s.headers.Authorization ? { status: 200, body: { count: 0, instances: [] } } : undefined))).toEqual(['errors.missing-credentials']);
  });

  const isVersions = (s: Seen) => /\/soc\/playbooks\/[^/]+\/versions$/.test(s.url.pathname);
  const isVersion = (s: Seen) => /\/soc\/playbooks\/versions\/[^/]+$/.test(s.url.pathname);
  type Data<T> = { data: T };

  it('names laws.version-filter-respected when a version filter is ignored', async () => {
    const ignore: Rewrite = (s) => {
      if (!isVersions(s) || !s.url.searchParams.has('status')) return undefined;
      const body = s.body as Data<object[]>;
      return { body: { ...body, data: body.data.map((v) => ({ ...v, status: 'EDITING' })) } };
    };
    expect(await failedChecks(ignore)).toEqual(['laws.version-filter-respected']);
  });

  it('names laws.review-ids-name-versions and laws.running-version-listed when a playbook names versions it does not list', async () => {
    const stray: Rewrite = (s) => {
      if (!isVersions(s) || s.url.searchParams.size > 2) return undefined;
      const body = s.body as Data<{ status: string }[]>;
      return { body: { ...body, data: body.data.filter((v) => v.status === 'EDITING') } };
    };
    expect(await failedChecks(stray)).toEqual(['laws.review-ids-name-versions', 'laws.running-version-listed']);
  });

  it('names laws.rule-enable-has-rule when a version with a rule says rule_enable false', async () => {
    const off: Rewrite = (s) => (isVersion(s) && s.status === 200 ? { body: { ...(s.body as object), data: { ...(s.body as Data<object>).data, rule_enable: false } } } : undefined);
    expect(await failedChecks(off)).toEqual(['laws.rule-enable-has-rule']);
  });

  it('names errors.unknown-instance when an unknown id is answered 200', async () => {
    const invent: Rewrite = (s) => (/\/instances\/00000000-/.test(s.url.pathname) ? { status: 200, body: { ...(s.body as object) } } : undefined);
    expect(await failedChecks(invent)).toEqual(expect.arrayContaining(['errors.unknown-instance']));
  });

  it('names laws.illegal-operation-refused when the operation the table forbids is accepted', async () => {
    ft.clock.freeze();
    const id = await trigger('FAILED');
    ft.clock.advance(60_000);
    let retried = false;
    const accept: Rewrite = (s) => {
      if (!s.url.pathname.endsWith('/operation') || s.status !== 400 || retried) return undefined;
      if (s.nth < 1) return undefined; // the first 400 is the unknown operation, rightly refused
      retried = true;
      return { status: 200, body: { id, name: 'x', project_id: PROJECT, playbook: { id, version_id: id, name: 'x', version: 'v1' }, dataclass: { id, name: 'x' }, dataobject: { id, name: 'x' }, status: 'RUNNING', trigger_type: 'EVENT', start_time: '2026-01-15T10:00:00.000Z+0000', end_time: '2026-01-15T10:00:00.000Z+0000' } };
    };
    const failed = await failedChecks(accept, id);
    ft.clock.resume();
    expect(failed).toEqual(['laws.illegal-operation-refused']);
  });
});

describe('SecMaster contract checks for the remaining drifts', () => {
  async function failed(rewrite: Rewrite, instanceId?: string): Promise<string[]> {
    const report = await runContract({ vendor: 'secmaster', target: ft.url, authenticate: signed, allowWrites: instanceId !== undefined, resources: { projectId: PROJECT, workspaceId: WORKSPACE, instanceId }, fetch: drifting(rewrite), pollBudgetMs: 100 });
    return [...new Set(report.findings.filter((f) => f.outcome === 'fail').map((f) => f.check))].sort();
  }
  const isList = (s: Seen) => s.url.pathname.endsWith('/soc/playbooks/instances');
  const isShow = (s: Seen) => /\/soc\/playbooks\/instances\/[0-9a-f-]{36}$/.test(s.url.pathname);
  const page = (s: Seen) => s.url.searchParams.get('limit') === '1';

  it('names laws.list-and-get-agree when show contradicts the list', async () => {
    for (let i = 0; i < 2; i++) await trigger('FINISHED');
    await new Promise((r) => setTimeout(r, 20));
    const contradict: Rewrite = (s) => (isShow(s) && s.status === 200 && (s.body as { status: string }).status !== 'RUNNING' ? { body: { ...(s.body as object), status: 'FAILED' } } : undefined);
    ft.clock.advance(3_600_000);
    expect(await failed(contradict)).toEqual(['laws.list-and-get-agree']);
  });

  // The law's direction: a run listed RUNNING may have ended by the show; one listed FINISHED may not be RUNNING again.
  const listThenShow = (listed: string, shown: string): Rewrite => {
    const pending = new Set<string>();
    return (s) => {
      if (s.status !== 200) return undefined;
      if (isList(s) && s.url.searchParams.get('limit') === '50' && !s.url.searchParams.has('status')) {
        const body = structuredClone(s.body) as { instances: { id: string; status: string }[] };
        for (const item of body.instances) (pending.add(item.id), (item.status = listed));
        return { body };
      }
      if (!isShow(s) || !pending.delete(s.url.pathname.split('/').pop()!)) return undefined;
      return { body: { ...(s.body as object), status: shown } };
    };
  };

  it('passes laws.list-and-get-agree when a run listed RUNNING shows FINISHED, and names it when one listed FINISHED shows RUNNING', async () => {
    await trigger('FINISHED');
    expect(await failed(listThenShow('RUNNING', 'FINISHED'))).not.toContain('laws.list-and-get-agree');
    expect(await failed(listThenShow('FINISHED', 'RUNNING'))).toContain('laws.list-and-get-agree');
  });

  it('names the pagination checks when pages overflow, repeat and miscount', async () => {
    let first: unknown;
    const messy: Rewrite = (s) => {
      if (!isList(s) || !page(s) || s.status !== 200) return undefined;
      const offset = Number(s.url.searchParams.get('offset'));
      const body = structuredClone(s.body) as { count: number; instances: object[] };
      if (offset === 0) first = body.instances[0];
      return { body: { count: body.count + offset, instances: offset === 2 ? [first, first] : offset === 1 ? [first] : body.instances } };
    };
    expect(await failed(messy)).toEqual(['pagination.no-duplicates', 'pagination.page-size-respected', 'pagination.total-stable']);
  });

  it('names errors.malformed-instance-id and errors.missing-query when both are served', async () => {
    const lax: Rewrite = (s) => {
      if (s.url.pathname.endsWith('/instances/not-a-uuid')) return { status: 200, body: { count: 0, instances: [] } };
      if (isList(s) && s.url.searchParams.get('limit') === null) return { status: 200, body: { count: 0, instances: [] } };
      return undefined;
    };
    expect(await failed(lax)).toEqual(expect.arrayContaining(['errors.malformed-instance-id', 'errors.missing-query']));
  });

  it('names errors.unknown-operation, laws.legal-operation-accepted, laws.operation-moves-state and laws.refused-changes-nothing', async () => {
    ft.clock.freeze();
    const id = await trigger('FAILED');
    ft.clock.advance(60_000);
    const wrong: Rewrite = (s) => {
      if (s.url.pathname.endsWith('/operation') && s.nth === 0) return { status: 200, body: s.body };
      if (s.url.pathname.endsWith('/operation') && s.nth === 1) return { status: 400, body: { code: 'SecMaster.20030001', message: 'no' } };
      if (isShow(s) && s.url.pathname.endsWith(id) && s.nth === 2) return { body: { ...(s.body as object), status: 'FINISHED' } };
      return undefined;
    };
    const checks = await failed(wrong, id);
    ft.clock.resume();
    expect(checks).toEqual(['conformance.schema', 'errors.unknown-operation', 'laws.legal-operation-accepted', 'laws.operation-moves-state', 'laws.refused-changes-nothing']);
  });

  it('names laws.named-instance-operable when the named instance is FINISHED', async () => {
    ft.clock.freeze();
    const id = await trigger('FINISHED');
    ft.clock.advance(60_000);
    const checks = await failed(() => undefined, id);
    ft.clock.resume();
    expect(checks).toEqual(['laws.named-instance-operable']);
  });
});
