// The Huawei Cloud SecMaster playbooks vendor: its spec, gateway auth, handlers and errors.
import { IllegalOperation, InstanceNotFound } from '../../engine/errors.js';
import type { Clock } from '../../engine/clock.js';
import type { EventHub } from '../../engine/events.js';
import type { ScenarioBook } from '../../engine/scenarios.js';
import type { TenantIndex } from '../../engine/tenant-index.js';
import type { TimerMarks } from '../../engine/timer-marks.js';
import type { Store } from '../../store/store.js';
import { parseScenarioInput, steerInstance } from '../scenario-input.js';
import { VendorError, type Handler, type Reply, type Vendor, type VendorRequest } from '../vendor.js';
import { auditHandlers } from './audit.js';
import { createSecMasterAuth, type SecMasterAuthConfig, type SecMasterPrincipal } from './auth.js';
import { secmasterCatalog } from './catalog.js';
import { secmasterTenantOf } from './control-tenant.js';
import { byActionIds, createSecMasterContext, type SecMasterContext } from './context.js';
import { smErrors } from './errors.js';
import { loadSecMasterFixtures, type SecMasterFixtures } from './fixtures.js';
import { instanceHandlers } from './instances.js';
import { playbookHandlers } from './playbooks.js';
import { triggerCall } from './trigger.js';
import { workspaceKnown } from './workspaces.js';

export interface SecMasterConfig {
  auth?: SecMasterAuthConfig;
}

export function createSecMasterVendor(
  deps: {
    store: Store;
    clock: Clock;
    wallClock: Clock;
    ids: () => string;
    scenarios: ScenarioBook;
    timers: TimerMarks;
    events: EventHub;
    tenants?: TenantIndex;
    maxInstancesPerTenant?: number;
  },
  config: SecMasterConfig = {},
): Vendor<SecMasterPrincipal> {
  const ctx = createSecMasterContext(deps);
  // Documented form: request_uuid-timestamp-hostname.
  const requestId = () => `${deps.ids()}-${deps.wallClock.now()}-flowtwin`;
  return {
    name: 'secmaster',
    spec: 'huawei-secmaster-playbooks.yaml',
    prefixes: ['/v1/'],
    handlers: inKnownWorkspaces(ctx, { ...instanceHandlers(ctx), ...auditHandlers(ctx), ...playbookHandlers(ctx) }),
    authenticate: createSecMasterAuth(ctx, config.auth ?? {}, requestId),
    rejectRequest: (op, v) => {
      if (v.location === 'path' && v.name === 'project_id')
        return smErrors.invalidProject(`invalid project ID: ${v.reason}`);
      if (v.location === 'path' && v.name === 'workspace_id')
        return smErrors.invalidWorkspace(`invalid workspace ID: ${v.reason}`);
      return smErrors.invalidParameters(v.location === 'body' ? v.message : `${v.name} ${v.reason}`);
    },
    payloadTooLarge: (_op, limit) => smErrors.invalidParameters(`request body exceeds the limit of ${limit} bytes`),
    // The gateway has no 405: a known path with another method is an API it does not route either.
    uriTooLong: () => smErrors.uriTooLong(requestId()),
    routeNotFound: () => smErrors.noSuchApi(requestId()),
    faultReply: (_op, status, rule) => smErrors.fault(status, requestId(), rule),
    methodNotAllowed: () => smErrors.noSuchApi(requestId()),
    mapError(_op, error) {
      if (error instanceof VendorError) return error.reply;
      if (error instanceof InstanceNotFound) return smErrors.notFound('playbook instance', error.instanceId);
      if (error instanceof IllegalOperation) return smErrors.invalidParameters(error.message);
      return smErrors.unknown();
    },
    seed: (fixtures) => loadSecMasterFixtures(ctx, fixtures as SecMasterFixtures),
    // Every response carries X-request-id; a gateway error repeats it in its body.
    finalize(reply: Reply): Reply {
      const inBody = (reply.body as { request_id?: unknown } | undefined)?.request_id;
      const id = typeof inBody === 'string' ? inBody : requestId();
      return { ...reply, headers: { ...reply.headers, 'X-request-id': id } };
    },
    control: [triggerCall(ctx)],
    catalog: secmasterCatalog(ctx),
    // A token names its project; a signature says it in X-Project-Id.
    tenantOf: secmasterTenantOf(ctx, config.auth ?? {}),
    parseScenario: (raw) =>
      parseScenarioInput(raw, {
        vendor: 'secmaster',
        targetField: 'playbook_id',
        outcomes: { FINISHED: 'succeed', FAILED: 'fail', HANG: 'hang' },
        stepFields: { fail: 'failAction', hang: 'hangAction' },
        durationsField: 'actionDurationsMs',
      }),
    steer: (tenant, spec) =>
      steerInstance(ctx.instances, tenant, spec, (view, change) => byActionIds(view.record.data.attrs.actions, change)),
  };
}

/** Every operation is under a workspace: one the project does not have is refused before the handler runs. */
function inKnownWorkspaces(
  ctx: SecMasterContext,
  handlers: Record<string, Handler<SecMasterPrincipal>>,
): Record<string, Handler<SecMasterPrincipal>> {
  return Object.fromEntries(
    Object.entries(handlers).map(([operationId, handler]) => [
      operationId,
      async (req: VendorRequest<SecMasterPrincipal>) => {
        const workspaceId = String(req.params.workspace_id);
        if (!(await workspaceKnown(ctx.store, req.caller.tenant, workspaceId)))
          return smErrors.unknownWorkspace(workspaceId);
        return handler(req);
      },
    ]),
  );
}
