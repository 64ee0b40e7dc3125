// The Datadog Workflow Automation vendor: its spec, auth, handlers and error mapping.
import { IllegalOperation, InstanceLimitReached, InstanceNotFound } from '../../engine/errors.js';
import type { OperationSpec } from '../../spec/operations.js';
import type { RequestViolation } from '../../spec/validate-request.js';
import { parseScenarioInput, steerInstance } from '../scenario-input.js';
import { VendorError, type Handler, type Reply, type Vendor } from '../vendor.js';
import { createDatadogAuth, type DatadogAuthConfig, type DatadogPrincipal } from './auth.js';
import { datadogCatalog } from './catalog.js';
import { createDatadogContext, type DatadogDeps, type DatadogOptions } from './context.js';
import { ddErrors } from './errors.js';
import { loadDatadogFixtures, type DatadogFixtures } from './fixtures.js';
import { instanceHandlers } from './instances.js';
import { workflowHandlers } from './workflows.js';

export interface DatadogConfig extends Partial<DatadogOptions> {
  auth?: DatadogAuthConfig;
}

const INSTANCE_OPERATIONS = new Set([
  'ListWorkflowInstances',
  'CreateWorkflowInstance',
  'GetWorkflowInstance',
  'CancelWorkflowInstance',
]);

export function createDatadogVendor(deps: DatadogDeps, config: DatadogConfig = {}): Vendor<DatadogPrincipal> {
  const ctx = createDatadogContext(deps, {
    defaultStepMs: config.defaultStepMs ?? 1000,
    cancelSettleMs: config.cancelSettleMs ?? 0,
    ...(config.defaultWorkflowSort ? { defaultWorkflowSort: config.defaultWorkflowSort } : {}),
  });
  const auth = createDatadogAuth(config.auth, ctx.tenantLabels);
  return {
    name: 'datadog',
    spec: 'datadog-workflow-automation.yaml',
    prefixes: ['/api/'],
    handlers: lowerCaseIds({ ...workflowHandlers(ctx), ...instanceHandlers(ctx) }),
    authenticate: auth.authenticate,
    tenantOf: auth.tenantOf,
    rejectRequest,
    payloadTooLarge: (op, limit) =>
      INSTANCE_OPERATIONS.has(op.operationId)
        ? ddErrors.instancePayloadTooLarge(limit)
        : ddErrors.workflowPayloadTooLarge(limit),
    uriTooLong: (limit) => ddErrors.uriTooLong(limit),
    routeNotFound: () => ddErrors.routeNotFound(),
    faultReply: (_op, status) => ddErrors.fault(status),
    rateLimitHeaders: (s) => ({
      'X-RateLimit-Limit': String(s.limit),
      'X-RateLimit-Period': String(s.period),
      'X-RateLimit-Remaining': String(s.remaining),
      'X-RateLimit-Reset': String(s.reset),
      'X-RateLimit-Name': s.name,
    }),
    methodNotAllowed: (allowed) => ddErrors.methodNotAllowed(allowed),
    mapError(op, error) {
      if (error instanceof VendorError) return error.reply;
      if (error instanceof InstanceNotFound) return ddErrors.instanceNotFound(error.instanceId);
      if (error instanceof IllegalOperation) return ddErrors.instanceNotRunning(error.instanceId, error.state);
      if (error instanceof InstanceLimitReached) return ddErrors.instanceLimit(error.limit);
      return ddErrors.internal();
    },
    seed: (fixtures) => loadDatadogFixtures(ctx, fixtures as DatadogFixtures),
    parseScenario: (raw) =>
      parseScenarioInput(raw, {
        vendor: 'datadog',
        targetField: 'workflow_id',
        outcomes: { SUCCEEDED: 'succeed', FAILED: 'fail', HANG: 'hang' },
        stepFields: { fail: 'failStep', hang: 'hangStep' },
        durationsField: 'stepDurationsMs',
      }),
    steer: (tenant, spec) => steerInstance(ctx.instances, tenant, spec),
    catalog: datadogCatalog(ctx),
  };
}

/** Each endpoint group reports a bad request in its own dialect (VENDOR-FACTS A5, A7). */
function rejectRequest(op: OperationSpec, v: RequestViolation): Reply {
  if (INSTANCE_OPERATIONS.has(op.operationId)) {
    if (v.location === 'path' || v.location === 'query') return ddErrors.invalidField(v.name);
    return ddErrors.invalidInstanceBody(v.message);
  }
  if (op.operationId === 'ListWorkflows') return ddErrors.invalidListQuery(v.name, v.reason);
  if (v.location === 'path') return ddErrors.invalidPathParameter(v.name);
  return ddErrors.invalidWorkflowBody(v.message);
}

/** DD-ASSUME-30: ids are UUIDs, so either case names the same record; handlers see the canonical lower case. */
function lowerCaseIds(handlers: Record<string, Handler<DatadogPrincipal>>): Record<string, Handler<DatadogPrincipal>> {
  const ID_PARAMS = new Set(['workflow_id', 'instance_id']);
  const lower = (params: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, ID_PARAMS.has(k) && typeof v === 'string' ? v.toLowerCase() : v]),
    );
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handle]) => [name, (req) => handle({ ...req, params: lower(req.params) })]),
  );
}
