// An upstream that drifts from its spec: each drift gives exactly its violation line on the log,
// and the client still gets the upstream's answer byte for byte.
import { describe, expect, it } from 'vitest';
import { proxyTo, send, SM_BASE, standIn, WF, workflowDocument, type Answer } from './support.js';

const JSON_API = 'application/vnd.api+json';
const path = `/api/v2/workflows/${WF}`;
const { data } = workflowDocument();

/** What the upstream answers GetWorkflow in each case, and the lines the proxy must log for it. */
const DRIFTS: { name: string; answer: Answer; lines: string[] }[] = [
  {
    name: 'a conforming answer',
    answer: { status: 200, headers: ['Content-Type', JSON_API], body: JSON.stringify(workflowDocument()) },
    lines: [],
  },
  {
    name: 'an undeclared status',
    answer: { status: 418, headers: ['Content-Type', JSON_API], body: '{"errors":[{"detail":"teapot"}]}' },
    lines: [`spec violation: GetWorkflow GET ${path} 418: status 418 is not declared for GetWorkflow`],
  },
  {
    name: 'a missing required field',
    answer: { status: 200, headers: ['Content-Type', JSON_API], body: JSON.stringify({ data: { ...data, attributes: { ...data.attributes, name: undefined } } }) },
    lines: [`spec violation: GetWorkflow GET ${path} 200: body of 200 from GetWorkflow does not match its schema: /data/attributes must have required property 'name'`],
  },
  {
    name: 'a string where an object is expected',
    answer: { status: 200, headers: ['Content-Type', JSON_API], body: JSON.stringify({ data: { ...data, attributes: { ...data.attributes, spec: 'steps: []' } } }) },
    lines: [`spec violation: GetWorkflow GET ${path} 200: body of 200 from GetWorkflow does not match its schema: /data/attributes/spec must be object`],
  },
  {
    name: 'a content type the spec does not declare',
    answer: { status: 200, headers: ['Content-Type', 'text/html; charset=utf-8'], body: JSON.stringify(workflowDocument()) },
    lines: [`spec violation: GetWorkflow GET ${path} 200: content type "text/html" is not declared for 200 of GetWorkflow (declared: application/vnd.api+json)`],
  },
  {
    name: 'undocumented fields',
    answer: { status: 200, headers: ['Content-Type', JSON_API], body: JSON.stringify({ data: { ...data, attributes: { ...data.attributes, color: 'blue' } }, links: {} }) },
    lines: [`spec violation: GetWorkflow GET ${path} 200: undocumented field /data/attributes/color`, `spec violation: GetWorkflow GET ${path} 200: undocumented field /links`],
  },
];

describe('flowtwin proxy against a drifting upstream', () => {
  it.each(DRIFTS.map((d) => [d.name, d] as const))('%s: logs exactly its lines and passes the answer on unchanged', async (_name, drift) => {
    const upstream = await standIn(() => drift.answer);
    const proxy = await proxyTo(upstream.url, { vendor: 'datadog' });
    const res = await send(proxy.url, 'GET', path, ['DD-API-KEY', 'k', 'DD-APPLICATION-KEY', 'a']);
    expect(await proxy.settledLines()).toEqual(drift.lines);
    expect(res.status).toBe(drift.answer.status);
    expect(res.body.equals(Buffer.from(drift.answer.body as string))).toBe(true);
    expect(res.rawHeaders).toEqual(expect.arrayContaining(['Content-Type', drift.answer.headers![1]!]));
  });

  it('logs a request no operation of the vendor matches as an undocumented route, and still forwards it', async () => {
    const upstream = await standIn(() => ({ status: 200, headers: ['Content-Type', 'application/json'], body: '{"ok":true}' }));
    const proxy = await proxyTo(upstream.url, { vendor: 'datadog' });
    const res = await send(proxy.url, 'GET', '/api/v2/workflow_templates?page=2');
    expect(await proxy.settledLines()).toEqual(['undocumented route GET /api/v2/workflow_templates 200: no operation of the datadog spec (datadog-workflow-automation.yaml) matches']);
    expect(upstream.received.map((r) => r.url)).toEqual(['/api/v2/workflow_templates?page=2']);
    expect(res.body.toString()).toBe('{"ok":true}');
  });

  it('checks a SecMaster route against the SecMaster spec when no vendor is given, and as undocumented under --vendor datadog', async () => {
    const upstream = await standIn(() => ({ status: 200, headers: ['Content-Type', 'application/json'], body: '{"count":"1","instances":[]}' }));
    const inferred = await proxyTo(upstream.url);
    await send(inferred.url, 'GET', `${SM_BASE}/instances?limit=10&offset=0`);
    expect(await inferred.settledLines()).toEqual([
      `spec violation: ListPlaybookInstances GET ${SM_BASE}/instances 200: body of 200 from ListPlaybookInstances does not match its schema: /count must be integer`,
    ]);
    const datadogOnly = await proxyTo(upstream.url, { vendor: 'datadog' });
    await send(datadogOnly.url, 'GET', `${SM_BASE}/instances?limit=10&offset=0`);
    expect(await datadogOnly.settledLines()).toEqual([`undocumented route GET ${SM_BASE}/instances 200: no operation of the datadog spec (datadog-workflow-automation.yaml) matches`]);
  });
});
