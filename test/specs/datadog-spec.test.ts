// Checks specs/datadog-workflow-automation.yaml: the checks every spec shares (spec-checks.ts) plus
// Datadog's own: operation ids, id shapes, error statuses and where OAuth2 is offered.
import { describe, it, expect } from 'vitest';
import { itMatchesTheFidelityNotes, itPassesTheCommonSpecChecks, loadSpec, operations, type JsonObject } from './spec-checks.js';

const spec = loadSpec('datadog-workflow-automation.yaml');
const doc = spec.doc;

describe('datadog-workflow-automation.yaml', () => {
  it('is an OpenAPI 3.1.0 document titled for flowtwin', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect((doc.info as JsonObject).title).toBe('Datadog Workflow Automation (flowtwin)');
    expect((doc.servers as JsonObject[]).map((s) => s.url)).toEqual(['https://api.datadoghq.com', 'http://localhost:4010']);
  });

  itPassesTheCommonSpecChecks(spec, { examples: 40, compiled: 60 });

  it('declares exactly the nine Datadog operation ids', () => {
    expect(operations(doc).map((o) => o.op.operationId).sort()).toEqual(
      [
        'CancelWorkflowInstance',
        'CreateWorkflow',
        'CreateWorkflowInstance',
        'DeleteWorkflow',
        'GetWorkflow',
        'GetWorkflowInstance',
        'ListWorkflowInstances',
        'ListWorkflows',
        'UpdateWorkflow',
      ].sort(),
    );
  });

  it('checks workflow and instance ids by the 8-4-4-4-12 hex shape only', () => {
    for (const { op } of operations(doc)) {
      for (const param of (op.parameters ?? []) as JsonObject[]) {
        if (param.in !== 'path') continue;
        expect(['workflow_id', 'instance_id']).toContain(param.name);
        const schema = param.schema as JsonObject;
        expect(schema.type).toBe('string');
        expect(schema.format).toBeUndefined();
        expect(schema.pattern).toBe('^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$');
      }
    }
  });

  it('declares 403 and 429 on every operation and 413 on every operation with a body', () => {
    for (const { op } of operations(doc)) {
      const responses = op.responses as JsonObject;
      expect(Object.keys(responses), String(op.operationId)).toEqual(expect.arrayContaining(['403', '429']));
      if (op.requestBody) expect(Object.keys(responses), String(op.operationId)).toContain('413');
    }
  });

  it('offers OAuth2 only on the three instance read and execute operations', () => {
    const withOAuth = operations(doc)
      .filter(({ op }) => JSON.stringify(op.security ?? []).includes('AuthZ'))
      .map(({ op }) => op.operationId)
      .sort();
    expect(withOAuth).toEqual(['CreateWorkflowInstance', 'GetWorkflowInstance', 'ListWorkflowInstances']);
  });
});

describe('fidelity marks', () => {
  itMatchesTheFidelityNotes(spec, { prefix: 'DD', drifts: 'Datadog drifts', assumptions: 'Datadog assumptions' });
});
