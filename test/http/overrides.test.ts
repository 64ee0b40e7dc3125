// The override book on its own: what a rule matches, what it answers, and what it refuses to keep.
// The HTTP behaviour (auth first, journal, tenants, replicas) is in test/admin/overrides.test.ts.
import { describe, expect, it } from 'vitest';
import { contains, OverrideBook, type OverrideTarget } from '../../src/http/overrides.js';
import { loadSpec } from '../../src/spec/load.js';
import { compileSpec } from '../../src/spec/operations.js';
import { ControlInputError } from '../../src/vendors/vendor.js';

const specs = new Map([
  ['datadog', compileSpec(loadSpec('datadog-workflow-automation.yaml'))],
  ['secmaster', compileSpec(loadSpec('huawei-secmaster-playbooks.yaml'))],
]);
const notFound = { errors: [{ code: 'INSTANCE_NOT_FOUND', detail: 'gone' }] };
const target = (extra: Partial<OverrideTarget> = {}): OverrideTarget => ({
  vendor: 'datadog',
  operationId: 'GetWorkflowInstance',
  params: { workflow_id: 'w', instance_id: 'i' },
  query: {},
  body: () => undefined,
  ...extra,
});
const refusal = (raw: unknown) => {
  try {
    new OverrideBook(specs).addOverride(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ControlInputError);
    return (err as Error).message;
  }
  throw new Error(`kept ${JSON.stringify(raw)}`);
};

describe('contains: the request body has the fields a rule looks for', () => {
  it('matches every field given, nested objects field by field, anything else as a whole', () => {
    expect(contains({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { c: 2 }, e: [1, 2] })).toBe(true);
    expect(contains({ a: 1, b: 2 }, { a: 1, b: 3 })).toBe(false);
    expect(contains({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(contains({ e: [1, 2, 3] }, { e: [1, 2] })).toBe(false);
    expect(contains('text', { a: 1 })).toBe(false);
    expect(contains([1], { 0: 1 })).toBe(false);
    expect(contains(undefined, { a: 1 })).toBe(false);
  });
});

describe('OverrideBook', () => {
  it('answers only its own operation, and what it was given with the declared content type', async () => {
    const book = new OverrideBook(specs);
    const rule = book.addOverride({ operation: 'GetWorkflowInstance', status: 404, body: notFound, headers: { 'Retry-After': '3' } });
    expect(await book.take(target({ operationId: 'GetWorkflow' }))).toBeUndefined();
    expect(await book.take(target({ vendor: 'secmaster' }))).toBeUndefined();
    expect(await book.take(target())).toEqual({
      id: rule.id,
      reply: { status: 404, headers: { 'Retry-After': '3' }, body: notFound, contentType: 'application/json' },
    });
  });

  it('sends JSON for a status the spec does not declare (off spec), and no content type without a body', async () => {
    const book = new OverrideBook(specs);
    book.addOverride({ operation: 'ListWorkflows', status: 418, body: { teapot: true }, offSpec: true, times: 1 });
    expect((await book.take(target({ operationId: 'ListWorkflows', params: {} })))?.reply).toEqual({ status: 418, headers: {}, body: { teapot: true }, contentType: 'application/json' });
    book.addOverride({ operation: 'DeleteWorkflow', status: 204 });
    expect((await book.take(target({ operationId: 'DeleteWorkflow', params: { workflow_id: 'w' } })))?.reply).toEqual({ status: 204, headers: {} });
  });

  it('matches a repeated query key by any of its values, and a rule without a body match whatever the body', async () => {
    const book = new OverrideBook(specs);
    book.addOverride({ operation: 'ListWorkflowInstances', status: 200, offSpec: true, body: {}, match: { query: { 'page[size]': '7' } } });
    const list = (query: Record<string, string | string[]>) => target({ operationId: 'ListWorkflowInstances', params: { workflow_id: 'w' }, query });
    expect(await book.take(list({ 'page[size]': ['3', '7'] }))).toBeDefined();
    expect(await book.take(list({ 'page[size]': ['3', '8'] }))).toBeUndefined();
    expect(await book.take(list({}))).toBeUndefined();
    book.addOverride({ operation: 'CreateWorkflowInstance', status: 200, offSpec: true, body: {} });
    expect(await book.take(target({ operationId: 'CreateWorkflowInstance', params: { workflow_id: 'w' }, body: () => ({ meta: {} }) }))).toBeDefined();
  });

  it('passes over an override another replica spent in the meantime', async () => {
    const book = new OverrideBook(specs);
    const spent = book.addOverride({ operation: 'GetWorkflowInstance', status: 404, body: notFound, times: 1 });
    // The shared state as this replica finds it when it goes to count the hit: the other took it.
    book.commit = async (mutate) => {
      book.remove(spent.id);
      return mutate();
    };
    expect(await book.take(target())).toBeUndefined();
  });

  it('keeps the statuses and counts at their bounds, and refuses just past them', () => {
    const book = new OverrideBook(specs);
    expect(book.addOverride({ operation: 'ListWorkflows', status: 599, offSpec: true, times: 1_000_000 })).toMatchObject({ status: 599, times: 1_000_000 });
    expect(book.addOverride({ operation: 'ListWorkflows', status: 200, offSpec: true, times: 1 })).toMatchObject({ status: 200, times: 1 });
    for (const status of [199, 600, 200.5, '200']) expect(refusal({ operation: 'ListWorkflows', status, offSpec: true })).toBe('status must be an integer from 200 to 599');
    for (const times of [0, 1_000_001, 1.5, '2']) expect(refusal({ operation: 'ListWorkflows', status: 200, offSpec: true, times })).toBe('times must be an integer from 1 to 1000000');
  });

  it('names every unknown field, and every value that is not a string', () => {
    expect(refusal({ operation: 'ListWorkflows', status: 200, delay: 1, wait: 2 })).toBe('unknown field delay, wait; an override has vendor, operation, match, status, headers, body, times, offSpec');
    expect(refusal({ operation: 'ListWorkflows', status: 200, match: { path: 'x', url: 'y' } })).toBe('unknown field match.path, match.url; match has params, query, body');
    expect(refusal({ operation: 'ListWorkflows', status: 200, offSpec: true, headers: { 'X-A': 'a', 'X-B': 2 } })).toBe('headers must be an object of strings, e.g. {"Retry-After": "2"}');
    expect(refusal({ operation: 'ListWorkflows', status: 200, offSpec: true, match: { query: { 'page[size]': '1', 'page[number]': 2 } } })).toBe('match.query must be an object of strings');
  });

  it('knows path parameters from query parameters, and says when an operation has none', () => {
    expect(refusal({ operation: 'ListWorkflowInstances', status: 200, offSpec: true, match: { query: { workflow_id: 'w' } } })).toBe(
      'match.query: ListWorkflowInstances has no query parameter workflow_id (it has page[size], page[number])',
    );
    expect(refusal({ operation: 'GetWorkflow', status: 200, offSpec: true, match: { query: { 'page[size]': '1' } } })).toBe(
      'match.query: GetWorkflow has no query parameter page[size] (it has none)',
    );
  });
});
