// Checks specs/huawei-secmaster-playbooks.yaml: the checks every spec shares (spec-checks.ts) plus
// SecMaster's own: operation ids, paths and id shapes, auth, error statuses, X-request-id, paging.
import { describe, it, expect } from 'vitest';
import { itMatchesTheFidelityNotes, itPassesTheCommonSpecChecks, loadSpec, operations, resolveLocal, type JsonObject } from './spec-checks.js';

const spec = loadSpec('huawei-secmaster-playbooks.yaml');
const doc = spec.doc;
const PREFIX = '/v1/{project_id}/workspaces/{workspace_id}/soc/playbooks';
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const SCOPE_ID = '^[0-9a-zA-Z-]{32,36}$';

const byId = (id: string) => {
  const found = operations(doc).find(({ op }) => op.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found.op;
};
const params = (op: JsonObject) => (op.parameters ?? []) as JsonObject[];
const param = (op: JsonObject, name: string) => params(op).find((p) => p.name === name) as JsonObject;
const schemaOf = (node: JsonObject) => {
  const schema = node.schema as JsonObject;
  return (typeof schema.$ref === 'string' ? resolveLocal(doc, schema.$ref) : schema) as JsonObject;
};

describe('huawei-secmaster-playbooks.yaml', () => {
  it('is an OpenAPI 3.1.0 document titled for flowtwin', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect((doc.info as JsonObject).title).toBe('Huawei Cloud SecMaster playbooks (flowtwin)');
    expect((doc.servers as JsonObject[]).map((s) => s.url)).toEqual(['https://secmaster.cn-north-4.myhuaweicloud.com', 'http://localhost:4010']);
  });

  itPassesTheCommonSpecChecks(spec, { examples: 60, compiled: 90 });

  it('declares exactly the nine SecMaster operation ids', () => {
    expect(operations(doc).map((o) => o.op.operationId).sort()).toEqual(
      [
        'ChangePlaybookInstance',
        'ListPlaybookAuditLogs',
        'ListPlaybookInstances',
        'ListPlaybookVersions',
        'ListPlaybooks',
        'ShowPlaybook',
        'ShowPlaybookInstance',
        'ShowPlaybookTopology',
        'ShowPlaybookVersion',
      ].sort(),
    );
  });

  it('serves every operation under the project and workspace playbooks prefix', () => {
    const routes = operations(doc).map(({ method, path, op }) => `${method.toUpperCase()} ${path.slice(PREFIX.length) || '/'} ${op.operationId}`);
    expect(operations(doc).every(({ path }) => path === PREFIX || path.startsWith(`${PREFIX}/`))).toBe(true);
    expect(routes.sort()).toEqual(
      [
        'GET / ListPlaybooks',
        'GET /instances ListPlaybookInstances',
        'GET /instances/{instance_id} ShowPlaybookInstance',
        'GET /instances/{instance_id}/topology ShowPlaybookTopology',
        'GET /versions/{version_id} ShowPlaybookVersion',
        'GET /{playbook_id} ShowPlaybook',
        'GET /{playbook_id}/versions ListPlaybookVersions',
        'POST /instances/auditlogs ListPlaybookAuditLogs',
        'POST /instances/{instance_id}/operation ChangePlaybookInstance',
      ].sort(),
    );
  });

  it('lists a path with a literal segment before any templated path it overlaps, since routes are registered in that order', () => {
    const paths = Object.keys(doc.paths as JsonObject).map((p) => p.split('/'));
    const isVar = (s: string) => /^\{.+\}$/.test(s);
    const late: string[] = [];
    paths.forEach((a, i) =>
      paths.slice(i + 1).forEach((b) => {
        if (a.length !== b.length || !a.every((s, k) => s === b[k] || isVar(s) || isVar(b[k]!))) return;
        const k = a.findIndex((s, n) => isVar(s) !== isVar(b[n]!));
        if (k >= 0 && isVar(a[k]!)) late.push(`${b.join('/')} after ${a.join('/')}`);
      }),
    );
    expect(late).toEqual([]);
  });

  it('checks project and workspace ids by length and characters, and the other ids by the 8-4-4-4-12 hex shape only', () => {
    for (const { op } of operations(doc)) {
      for (const p of params(op).filter((x) => x.in === 'path')) {
        const schema = p.schema as JsonObject;
        expect(schema.type).toBe('string');
        expect(schema.format).toBeUndefined();
        const scope = p.name === 'project_id' || p.name === 'workspace_id';
        if (!scope) expect(['instance_id', 'playbook_id', 'version_id']).toContain(p.name);
        expect(schema.pattern, `${op.operationId} ${p.name}`).toBe(scope ? SCOPE_ID : UUID);
      }
    }
  });

  it('takes a token or an AK/SK signature, and declares no header parameters', () => {
    expect(doc.security).toEqual([{ token: [] }, { aksk: [] }]);
    const schemes = (doc.components as JsonObject).securitySchemes as JsonObject;
    expect(schemes.token).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' });
    expect(schemes.aksk).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(String((schemes.aksk as JsonObject).description)).toContain('SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<list>, Signature=<hex>');
    for (const { op } of operations(doc)) {
      expect(op.security, String(op.operationId)).toBeUndefined();
      expect(params(op).filter((p) => p.in === 'header' || p.in === 'cookie'), String(op.operationId)).toEqual([]);
    }
  });

  it('declares 400, 403 and 503 as SecMaster errors, 401, 414 and 429 as gateway errors on every operation, and no other error status', () => {
    for (const { op } of operations(doc)) {
      const responses = op.responses as JsonObject;
      expect(Object.keys(responses).filter((s) => !s.startsWith('2')).sort(), String(op.operationId)).toEqual(['400', '401', '403', '414', '429', '503']);
      const schemaRef = (status: string) => (((responses[status] as JsonObject).content as JsonObject)['application/json'] as JsonObject).schema;
      expect(schemaRef('400')).toEqual({ $ref: '#/components/schemas/SecMasterError' });
      expect(schemaRef('403')).toEqual({ $ref: '#/components/schemas/SecMasterError' });
      expect(schemaRef('401')).toEqual({ $ref: '#/components/schemas/GatewayError' });
      expect(schemaRef('414')).toEqual({ $ref: '#/components/schemas/GatewayError' });
      expect(schemaRef('429')).toEqual({ $ref: '#/components/schemas/GatewayError' });
      expect(schemaRef('503')).toEqual({ $ref: '#/components/schemas/SecMasterError' });
      expect(Object.keys((responses['503'] as JsonObject).headers as JsonObject).sort(), String(op.operationId)).toEqual(['Retry-After', 'X-request-id']);
    }
  });

  it('declares the X-request-id header on every response', () => {
    for (const { op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses as JsonObject)) {
        const header = ((response as JsonObject).headers as JsonObject | undefined)?.['X-request-id'] as JsonObject | undefined;
        expect(header, `${op.operationId} ${status}`).toBeDefined();
        expect(header!.schema).toMatchObject({ type: 'string' });
      }
    }
  });

  it('answers 200 application/json, bare for instances and in the code/message envelope for playbooks and versions', () => {
    const ref = (id: string) => ((((byId(id).responses as JsonObject)['200'] as JsonObject).content as JsonObject)['application/json'] as JsonObject).schema as JsonObject;
    const required = (id: string) => (resolveLocal(doc, ref(id).$ref as string) as JsonObject).required;
    expect(required('ListPlaybookInstances')).toEqual(['count', 'instances']);
    expect(ref('ShowPlaybookInstance').$ref).toBe('#/components/schemas/PlaybookInstanceInfo');
    expect(ref('ChangePlaybookInstance').$ref).toBe('#/components/schemas/PlaybookInstanceInfo');
    expect(required('ListPlaybookAuditLogs')).toEqual(['count', 'audit_logs']);
    expect(required('ShowPlaybookTopology')).toEqual(['count', 'action_instances']);
    expect(required('ListPlaybooks')).toEqual(['code', 'message', 'total', 'size', 'page', 'data']);
    // data is absent for an unknown id (HW-ASSUME-23)
    expect(required('ShowPlaybook')).toEqual(['code', 'message']);
    expect(required('ListPlaybookVersions')).toEqual(['code', 'message', 'size', 'page', 'total', 'data']);
    expect(required('ShowPlaybookVersion')).toEqual(['code', 'message']);
  });

  it('requires limit and offset where the SDK does, within limit + offset < 10000', () => {
    for (const id of ['ListPlaybookInstances', 'ListPlaybookAuditLogs', 'ListPlaybooks']) {
      const op = byId(id);
      expect(param(op, 'limit'), id).toMatchObject({ in: 'query', required: true, schema: { type: 'integer', minimum: 1, maximum: 9999 } });
      expect(param(op, 'offset'), id).toMatchObject({ in: 'query', required: true, schema: { type: 'integer', minimum: 0, maximum: 9998 } });
    }
    const versions = byId('ListPlaybookVersions');
    expect(param(versions, 'limit').required).toBeUndefined();
    expect(param(versions, 'offset').required).toBeUndefined();
  });

  it('filters instances by the six upper-case statuses and the two trigger types of the current SDKs', () => {
    const op = byId('ListPlaybookInstances');
    expect(schemaOf(param(op, 'status')).enum).toEqual(['RUNNING', 'FINISHED', 'FAILED', 'RETRYING', 'TERMINATING', 'TERMINATED']);
    expect(schemaOf(param(op, 'trigger_type')).enum).toEqual(['TIMER', 'EVENT']);
    expect(schemaOf(param(op, 'date_type')).enum).toEqual(['START', 'END']);
  });

  it('accepts ListPlaybookVersions enabled as 0/1 or false/true', () => {
    expect(schemaOf(param(byId('ListPlaybookVersions'), 'enabled'))).toMatchObject({ type: ['integer', 'boolean'], minimum: 0, maximum: 1 });
  });

  it('requires a ChangePlaybookInstance body but leaves operation optional, so the server reports a missing one', () => {
    const body = byId('ChangePlaybookInstance').requestBody as JsonObject;
    expect(body.required).toBe(true);
    const schema = schemaOf((body.content as JsonObject)['application/json'] as JsonObject);
    expect(schema.required).toBeUndefined();
    expect(schema.properties).toEqual({ operation: { type: 'string', enum: ['RETRY', 'TERMINATE'] } });
  });

  it('takes an optional audit-log filter body with every field an optional string', () => {
    const body = byId('ListPlaybookAuditLogs').requestBody as JsonObject;
    expect(body.required).toBe(false);
    const schema = schemaOf((body.content as JsonObject)['application/json'] as JsonObject);
    expect(schema.required).toBeUndefined();
    const fields = schema.properties as JsonObject;
    expect(Object.keys(fields).sort()).toEqual(
      ['instance_type', 'action_id', 'action_name', 'instance_id', 'parent_instance_id', 'log_level', 'input', 'output', 'error_msg', 'start_time', 'end_time', 'status', 'trigger_type'].sort(),
    );
    for (const field of Object.values(fields)) expect((field as JsonObject).type).toBe('string');
  });
});

describe('fidelity marks', () => {
  itMatchesTheFidelityNotes(spec, { prefix: 'HW', drifts: 'SecMaster drifts', assumptions: 'SecMaster assumptions' });
});
