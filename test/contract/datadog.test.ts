import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { junitReport, textReport } from '../../src/contract/report.js';
import { runContract } from '../../src/contract/runner.js';
import type { RunningFlowtwin } from '../../src/serve.js';
import { authenticate, flowtwinWithWorkflow, KEYS } from './support.js';

let ft: RunningFlowtwin;
let workflowId: string;
beforeAll(async () => ({ ft, workflowId } = await flowtwinWithWorkflow()));
afterAll(() => ft.stop());

describe('Datadog contract suite against flowtwin', () => {
  it('passes every check, writes included', async () => {
    const report = await runContract({ vendor: 'datadog', target: ft.url, authenticate, allowWrites: true, resources: { workflowId } });
    const failed = report.findings.filter((f) => f.outcome === 'fail');
    expect(failed, textReport(report)).toEqual([]);
    expect(report.findings.filter((f) => f.outcome === 'warn'), 'flowtwin sends no field its spec does not describe').toEqual([]);
    const checks = new Set(report.findings.filter((f) => f.outcome === 'pass').map((f) => f.check));
    for (const check of [
      'conformance.status-declared',
      'conformance.schema',
      'conformance.content-type',
      'pagination.no-duplicates',
      'pagination.total-stable',
      'errors.malformed-workflow-id',
      'errors.unknown-workflow',
      'errors.missing-credentials',
      'errors.bad-body',
      'laws.counters-match-list',
      'laws.list-and-get-agree',
      'laws.id-case-insensitive',
      'laws.starts-in-start-state',
      'laws.operation-moves-state',
      'laws.illegal-operation-refused',
      'laws.terminal-stays-terminal',
    ]) {
      expect(checks, check).toContain(check);
    }
    expect(report.passed).toBe(true);
  });

  it('passes laws.execute-precondition on a named unpublished workflow, which flowtwin refuses to run', async () => {
    const headers = { 'content-type': 'application/json', 'DD-API-KEY': KEYS.apiKey, 'DD-APPLICATION-KEY': KEYS.appKey };
    const patched = await fetch(`${ft.url}/api/v2/workflows/${workflowId}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ data: { type: 'workflows', attributes: { published: false } } }),
    });
    expect(patched.status).toBe(200);
    try {
      const report = await runContract({ vendor: 'datadog', target: ft.url, authenticate, allowWrites: true, resources: { workflowId } });
      expect(report.findings.filter((f) => f.outcome === 'fail'), textReport(report)).toEqual([]);
      expect(report.findings.filter((f) => f.check === 'laws.execute-precondition').map((f) => f.outcome)).toEqual(['pass']);
    } finally {
      const back = { data: { type: 'workflows', attributes: { published: true } } };
      await fetch(`${ft.url}/api/v2/workflows/${workflowId}`, { method: 'PATCH', headers, body: JSON.stringify(back) });
    }
  });

  it('is read-only by default: write cases are skipped and nothing is created', async () => {
    const before = await fetch(`${ft.url}/api/v2/workflows/${workflowId}/instances`, { headers: authenticate({} as never) });
    const report = await runContract({ vendor: 'datadog', target: ft.url, authenticate, resources: { workflowId } });
    expect(report.findings.filter((f) => f.outcome === 'skip').map((f) => f.message)).toEqual([
      'writes to the target; run with --allow-writes to include it',
      'writes to the target; run with --allow-writes to include it',
    ]);
    const after = await fetch(`${ft.url}/api/v2/workflows/${workflowId}/instances`, { headers: authenticate({} as never) });
    expect(((await after.json()) as { meta: { page: { totalCount: number } } }).meta.page.totalCount).toBe(
      ((await before.json()) as { meta: { page: { totalCount: number } } }).meta.page.totalCount,
    );
  });

  it('writes a JUnit report with one testsuite per case and never a credential', async () => {
    const report = await runContract({ vendor: 'datadog', target: ft.url, authenticate, resources: { workflowId } });
    const xml = junitReport(report);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="flowtwin contract datadog">/);
    expect(xml).toContain('<testsuite name="workflow pages"');
    expect(xml).toContain('<skipped message="writes to the target');
    expect(xml + textReport(report, true)).not.toContain('contract-app');
  });
});
