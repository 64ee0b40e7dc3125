// POST /__flowtwin/secmaster/trigger: a data object of a playbook's dataclass changed, so the
// playbook runs. Without playbook_id, the workspace's default playbook runs (created on first use).
import { registerWorkspace } from './workspaces.js';
import type { Outcome } from '../../engine/plan.js';
import { InstanceLimitReached } from '../../engine/errors.js';
import { ControlInputError, type ControlCall } from '../vendor.js';
import { materializeTimers, startInstance, type SecMasterContext } from './context.js';
import type { StoredRecord } from '../../store/store.js';
import {
  instanceInfo,
  PLAYBOOK_KIND,
  uuidFrom,
  VERSION_KIND,
  type Ref,
  type StoredPlaybook,
  type StoredVersion,
} from './model.js';

// The API's own path rules, so a triggered run is always reachable through the API.
const SCOPE_ID = /^[0-9a-zA-Z-]{32,36}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

interface TriggerBody {
  project_id?: unknown;
  workspace_id?: unknown;
  playbook_id?: unknown;
  dataobject?: unknown;
  outcome?: unknown;
  fail_action?: unknown;
}

export function triggerCall(ctx: SecMasterContext): ControlCall {
  return {
    method: 'post',
    path: '/trigger',
    async run(raw, caller) {
      const body = (raw ?? {}) as TriggerBody;
      const tenant = idField(body.project_id, 'project_id', SCOPE_ID, '32-36 letters, digits or dashes');
      // The project comes from the body, so credentials on the call must be that project's: a suite
      // sharing flowtwin must not start runs (or use up scenario hits) in another suite's project.
      if (caller !== undefined && caller !== tenant)
        throw new ControlInputError(
          `the credentials on this call are not project ${tenant}'s; ` +
            "trigger with that project's credentials, or with none (a global call)",
          403,
        );
      const workspaceId = idField(body.workspace_id, 'workspace_id', SCOPE_ID, '32-36 letters, digits or dashes');
      // Every check comes before the first write: a refused trigger creates no playbook and no run.
      const { playbook, version, fresh } =
        body.playbook_id === undefined
          ? await defaultPlaybook(ctx, tenant, workspaceId)
          : {
              ...(await namedPlaybook(
                ctx,
                tenant,
                workspaceId,
                idField(body.playbook_id, 'playbook_id', UUID, 'a UUID'),
              )),
              fresh: false,
            };
      const outcome = outcomeOf(
        body,
        version.data.actions.map((a) => a.name),
        version.data.actions.map((a) => a.id),
      );
      const dataobject = dataobjectOf(body.dataobject);
      await admit(ctx, tenant);
      // A trigger names a workspace into being: the project has it from now on (HW-ASSUME-24).
      await registerWorkspace(ctx.store, tenant, workspaceId, ctx.clock.now(tenant));
      await materializeTimers(ctx, tenant, workspaceId);
      const made = fresh ? await createDefault(ctx, tenant, workspaceId, playbook, version) : { playbook, version };
      // Without an outcome in the call, a scenario (or success) decides.
      const view = await startInstance(ctx, tenant, made.playbook, made.version, {
        ...(outcome ? { outcome } : {}),
        ...(dataobject ? { dataobject } : {}),
      });
      return { status: 201, body: instanceInfo(view) };
    },
  };
}

/** The project's room for one more run, or a 400 saying it has as many as flowtwin keeps. */
async function admit(ctx: SecMasterContext, tenant: string): Promise<void> {
  try {
    await ctx.instances.admit(tenant);
  } catch (err) {
    if (!(err instanceof InstanceLimitReached)) throw err;
    throw new ControlInputError(
      `project ${tenant} has reached the limit of ${err.limit} playbook instances ` +
        '(flowtwin serve --max-instances-per-tenant); a reset frees it',
    );
  }
}

function idField(value: unknown, name: string, pattern: RegExp, shape: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new ControlInputError(`${name} must be ${shape}`);
  return value;
}

function outcomeOf(body: TriggerBody, names: string[], ids: string[]): Outcome | undefined {
  if (body.fail_action !== undefined && body.outcome !== 'FAILED')
    throw new ControlInputError('fail_action needs outcome "FAILED"');
  if (body.outcome === undefined) return undefined;
  if (body.outcome === 'FINISHED') return { kind: 'succeed' };
  if (body.outcome !== 'FAILED') throw new ControlInputError('outcome must be "FINISHED" or "FAILED"');
  if (body.fail_action === undefined) return { kind: 'fail', step: ids[ids.length - 1]! };
  const at = names.indexOf(String(body.fail_action));
  if (at < 0) throw new ControlInputError(`fail_action must name one of the playbook's actions: ${names.join(', ')}`);
  return { kind: 'fail', step: ids[at]! };
}

function dataobjectOf(value: unknown): Ref | undefined {
  if (value === undefined) return undefined;
  const v = value as { id?: unknown; name?: unknown };
  const valid =
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    (typeof v.id === 'string' || typeof v.name === 'string');
  if (
    !valid ||
    (v.id !== undefined && typeof v.id !== 'string') ||
    (v.name !== undefined && typeof v.name !== 'string')
  ) {
    throw new ControlInputError('dataobject must be {"id": string, "name": string} with at least one of the two');
  }
  const id = (v.id as string | undefined) ?? uuidFrom(`dataobject/${String(v.name)}`);
  return { id, name: (v.name as string | undefined) ?? id };
}

async function namedPlaybook(ctx: SecMasterContext, tenant: string, workspaceId: string, id: string) {
  const playbook = await ctx.store.get<StoredPlaybook>(PLAYBOOK_KIND, tenant, id);
  if (!playbook || playbook.data.workspaceId !== workspaceId)
    throw new ControlInputError(`playbook ${id} does not exist in workspace ${workspaceId} of project ${tenant}`);
  const version = await ctx.store.get<StoredVersion>(VERSION_KIND, tenant, playbook.data.activeVersionId);
  if (!version) throw new ControlInputError(`playbook ${id} has no active version`);
  return { playbook, version };
}

/** The workspace's default playbook and version: stored, or (`fresh`) built but not yet stored. */
async function defaultPlaybook(ctx: SecMasterContext, tenant: string, workspaceId: string) {
  const id = uuidFrom(`default-playbook/${tenant}/${workspaceId}`);
  const existing = await ctx.store.get<StoredPlaybook>(PLAYBOOK_KIND, tenant, id);
  if (existing) return { ...(await namedPlaybook(ctx, tenant, workspaceId, id)), fresh: false };
  const at = ctx.clock.now(tenant);
  const versionId = uuidFrom(`default-version/${tenant}/${workspaceId}`);
  const dataclass = { id: uuidFrom('dataclass/Alert'), name: 'Alert' };
  const actions = ['Enrich alert', 'Block source IP', 'Notify on-call'].map((name, i) => ({
    id: uuidFrom(`default-action/${tenant}/${workspaceId}/${i}`),
    name,
    description: `${name} (flowtwin default playbook)`,
    action_type: 'AOP_WORKFLOW',
    action_id: uuidFrom(`default-workflow/${i}`),
    durationMs: 1000,
  }));
  const playbook = {
    kind: PLAYBOOK_KIND,
    tenant,
    id,
    parentId: workspaceId,
    createdAt: at,
    version: 1,
    data: {
      workspaceId,
      name: 'flowtwin-default-playbook',
      description: 'Created by flowtwin on the first trigger without playbook_id',
      enabled: true,
      activeVersionId: versionId,
      version: 'v1',
      dataclass,
      ownerId: 'flowtwin',
      createdAt: at,
      updatedAt: at,
    } satisfies StoredPlaybook,
  };
  const version = {
    kind: VERSION_KIND,
    tenant,
    id: versionId,
    parentId: id,
    createdAt: at,
    version: 1,
    data: {
      workspaceId,
      playbookId: id,
      version: 'v1',
      description: '',
      enabled: true,
      status: 'PUBLISHED',
      versionType: 1,
      triggerType: 'EVENT',
      // Runs on every alert, so its rule matches any severity (HW-ASSUME-25).
      rule: {
        id: uuidFrom(`default-rule/${tenant}/${workspaceId}`),
        expression_type: 'common',
        conditions: [{ name: 'condition_0', detail: 'any alert', data: ['alert.severity', '>=', '0'] }],
        logics: ['condition_0'],
      },
      dataclass,
      actions,
      creatorId: 'flowtwin',
      createdAt: at,
      updatedAt: at,
    } satisfies StoredVersion,
  };
  return { playbook, version, fresh: true };
}

async function createDefault(
  ctx: SecMasterContext,
  tenant: string,
  workspaceId: string,
  playbook: StoredRecord<StoredPlaybook>,
  version: StoredRecord<StoredVersion>,
) {
  try {
    await ctx.store.create(playbook);
    await ctx.store.create(version);
  } catch {
    // Another request created it first; use theirs.
  }
  return namedPlaybook(ctx, tenant, workspaceId, playbook.id);
}
