import { describe, expect, it } from 'vitest';
import { driftTable, HarError, verifyHar } from '../../src/contract/har.js';

const WF = 'ccf73164-1998-4785-a7a3-8d06c7e5f558';
const INST = '111e18d6-3f19-4ada-91d3-ab1e1546b8b4';
const entry = (method: string, path: string, status: number, body: unknown, mimeType = 'application/json') => ({
  request: { method, url: `https://api.datadoghq.com${path}` },
  response: { status, content: { mimeType, text: body === undefined ? '' : JSON.stringify(body) } },
});
const har = (...entries: unknown[]) => ({ log: { version: '1.2', entries } });

describe('verifyHar', () => {
  it('passes the recorded real traffic of VENDOR-FACTS (execute 200 with its extra fields, cancel {})', () => {
    const report = verifyHar(
      har(
        entry('POST', `/api/v2/workflows/${WF}/instances`, 200, { data: { attributes: {}, id: INST, type: 'instances' }, meta: { workflowId: WF } }),
        entry('PUT', `/api/v2/workflows/${WF}/instances/${INST}/cancel`, 200, {}),
        entry('GET', '/api/v2/workflows/bad-format', 400, { errors: [{ status: '400', title: 'Invalid Parameter', detail: 'invalid parameter "workflowId" in "path"; expected type "uuid"' }] }, 'application/vnd.api+json'),
        entry('DELETE', `/api/v2/workflows/${WF}`, 204, undefined, ''),
      ),
    );
    expect(report.findings.filter((f) => f.outcome === 'fail')).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.operations.map((o) => o.operationId).sort()).toEqual(['CancelWorkflowInstance', 'CreateWorkflowInstance', 'DeleteWorkflow', 'GetWorkflow']);
  });

  it('reports drift per operation: an undeclared status, a wrong body and a wrong content type', () => {
    const report = verifyHar(
      har(
        entry('POST', `/api/v2/workflows/${WF}/instances`, 201, { data: { id: INST } }),
        entry('GET', `/api/v2/workflows/${WF}/instances/${INST}`, 404, { errors: ['workflow not found'] }),
        entry('GET', `/api/v2/workflows/${WF}`, 404, { errors: [{ detail: 'workflow not found' }] }, 'text/html'),
      ),
    );
    expect(report.passed).toBe(false);
    expect(report.findings.filter((f) => f.outcome === 'fail').map((f) => f.check)).toEqual(['conformance.status-declared', 'conformance.schema', 'conformance.content-type']);
    const table = driftTable(report);
    expect(table).toContain('CreateWorkflowInstance | 200, 400, 403, 404, 413, 414, 429, 503 | 201×1 | status 201 is not declared');
    expect(table).toContain('GetWorkflowInstance');
  });

  it('matches SecMaster literal routes before parameters and lists traffic no spec knows', () => {
    const report = verifyHar(
      har(
        { request: { method: 'GET', url: 'https://secmaster.cn-north-4.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef/workspaces/7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b/soc/playbooks/instances?limit=10&offset=0' }, response: { status: 200, content: { mimeType: 'application/json', text: '{"count":0,"instances":[]}' } } },
        entry('GET', '/api/v1/validate', 200, { valid: true }),
      ),
    );
    expect(report.operations.map((o) => o.operationId)).toEqual(['ListPlaybookInstances']);
    expect(report.unmatched).toEqual(['GET /api/v1/validate']);
    expect(driftTable(report)).toContain('no operation in the specs for: GET /api/v1/validate');
  });

  it('refuses a file that is not a HAR', () => {
    expect(() => verifyHar({ entries: [] })).toThrow(HarError);
  });
});
