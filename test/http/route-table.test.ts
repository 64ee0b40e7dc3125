import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../src/http/route-table.js';
import { loadSpec } from '../../src/spec/load.js';
import { compileSpec } from '../../src/spec/operations.js';

const table = new RouteTable(compileSpec(loadSpec('datadog-workflow-automation.yaml')).operations);
const base = '/api/v2/workflows/wf-1/instances';

describe('RouteTable', () => {
  it('finds the operation for a method and path, with its parameters decoded', () => {
    const found = table.match('GET', `${base}/run%201`);
    expect(found?.op.operationId).toBe('GetWorkflowInstance');
    expect(found?.params).toEqual({ workflow_id: 'wf-1', instance_id: 'run 1' });
    expect(table.match('PUT', `${base}/run-1/cancel`)?.op.operationId).toBe('CancelWorkflowInstance');
    expect(table.match('POST', base)?.op.operationId).toBe('CreateWorkflowInstance');
  });

  it('answers HEAD with the GET operation, takes a trailing slash, and is case-sensitive', () => {
    expect(table.match('HEAD', `${base}/run-1`)?.op.operationId).toBe('GetWorkflowInstance');
    expect(table.match('GET', `${base}/`)?.op.operationId).toBe('ListWorkflowInstances');
    expect(table.match('GET', base.toUpperCase())).toBeUndefined();
    expect(table.match('GET', `${base}/run-1/extra/segment`)).toBeUndefined();
    expect(table.match('PATCH', base)).toBeUndefined();
  });

  it('names the parameter that is not a valid percent-encoded value', () => {
    const found = table.match('GET', `/api/v2/workflows/wf-1/instances/%E0%A4%A`);
    expect(found?.op.operationId).toBe('GetWorkflowInstance');
    expect(found?.params).toBeUndefined();
    expect(found?.badParam).toBe('instance_id');
    expect(table.match('GET', '/api/v2/workflows/%zz/instances')?.badParam).toBe('workflow_id');
  });

  it('lists the methods allowed at a path, for a 405', () => {
    expect(table.allowed(base).sort()).toEqual(['GET', 'POST']);
    expect(table.allowed('/api/v2/workflows/wf-1').sort()).toEqual(['DELETE', 'GET', 'PATCH']);
    expect(table.allowed('/api/v2/nothing-here')).toEqual([]);
  });
});
