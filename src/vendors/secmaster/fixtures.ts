// Loads the "secmaster" part of a fixtures document: per project and workspace, playbooks with
// their versions and actions, and instances. Times are relative to loading ("agoMs").
import type { Outcome } from '../../engine/plan.js';
import { FixtureError } from '../../spec/fixtures.js';
import { registerRegionProject } from '../huawei-iam/projects.js';
import { registerWorkspace } from './workspaces.js';
import { startInstance, type SecMasterContext } from './context.js';
import {
  PLAYBOOK_KIND,
  VERSION_KIND,
  type ActionDef,
  type Ref,
  type StoredPlaybook,
  type StoredVersion,
  type TriggerRule,
} from './model.js';

type VersionStatus = StoredVersion['status'];

/** What a version may say about itself beyond its trigger and actions (defaults in `versionEntity`). */
interface VersionDetails {
  description?: string;
  action_strategy?: 'SYNC' | 'ASYNC';
  approve_name?: string;
  creator_id?: string;
  modifier_id?: string;
  dataobject_create?: boolean;
  dataobject_update?: boolean;
  dataobject_delete?: boolean;
}

export interface SecMasterFixtures {
  projects: {
    project_id: string;
    /** The region this project is in: IAM's project lookup by that name finds it (IAM-ASSUME-5). */
    region?: string;
    workspaces: {
      id: string;
      playbooks: {
        id: string;
        name: string;
        description?: string;
        enabled?: boolean;
        owner_id?: string;
        approve_role?: string;
        user_role?: string;
        edit_role?: string;
        dataclass: Ref;
        createdAgoMs: number;
        /** The version that runs. */
        version: VersionDetails & {
          id: string;
          version?: string;
          /** Defaults to the playbook's. */
          createdAgoMs?: number;
          trigger_type: 'EVENT' | 'TIMER';
          /** TIMER only: one run every intervalMs, the first firstInMs after loading. */
          timer?: { intervalMs: number; firstInMs?: number };
          rule?: TriggerRule;
          actions: ActionDef[];
        };
        /**
         * Versions that do not run (drafts, in review, rejected, superseded):
         * the running version's trigger and actions.
         */
        otherVersions?: (VersionDetails & {
          id: string;
          version: string;
          status: VersionStatus;
          createdAgoMs?: number;
        })[];
      }[];
      instances: {
        id: string;
        playbook_id: string;
        dataobject?: Ref;
        startedAgoMs: number;
        outcome?: Outcome;
        operations?: { name: string; agoMs: number }[];
      }[];
    }[];
  }[];
}

export async function loadSecMasterFixtures(ctx: SecMasterContext, fixtures: SecMasterFixtures): Promise<void> {
  const now = ctx.clock.now();
  for (const project of fixtures.projects ?? []) {
    const tenant = project.project_id;
    if (project.region) await registerRegionProject(ctx.store, project.region, tenant, now);
    for (const ws of project.workspaces) {
      await registerWorkspace(ctx.store, tenant, ws.id, now);
      const playbooks = new Map<
        string,
        { playbook: Parameters<typeof startInstance>[2]; version: Parameters<typeof startInstance>[3] }
      >();
      // Oldest first: the store lists in insertion order.
      for (const p of [...ws.playbooks].sort((a, b) => b.createdAgoMs - a.createdAgoMs)) {
        const at = now - p.createdAgoMs;
        const v = p.version;
        const enabled = p.enabled ?? true;
        const others = p.otherVersions ?? [];
        const pb: StoredPlaybook = {
          workspaceId: ws.id,
          name: p.name,
          description: p.description ?? '',
          enabled,
          activeVersionId: v.id,
          version: v.version ?? 'v1',
          dataclass: p.dataclass,
          ownerId: p.owner_id ?? 'flowtwin',
          ...(p.approve_role || p.user_role || p.edit_role
            ? { roles: { approve: p.approve_role ?? '', user: p.user_role ?? '', edit: p.edit_role ?? '' } }
            : {}),
          ...optional('unauditedVersionId', others.find((o) => o.status === 'APPROVING')?.id),
          ...optional('rejectVersionId', others.find((o) => o.status === 'UNPASSED')?.id),
          createdAt: at,
          updatedAt: at,
        };
        const versionOf = (
          id: string,
          d: VersionDetails,
          version: string,
          status: VersionStatus,
          isEnabled: boolean,
          createdAt: number,
        ) => ({
          kind: VERSION_KIND,
          tenant,
          id,
          parentId: p.id,
          createdAt,
          version: 1,
          data: {
            workspaceId: ws.id,
            playbookId: p.id,
            version,
            description: d.description ?? p.description ?? '',
            enabled: isEnabled,
            status,
            // Formal once published, a draft before (HW-ASSUME-25).
            versionType: status === 'PUBLISHED' ? 1 : 0,
            triggerType: v.trigger_type,
            ...(v.timer
              ? { timer: { intervalMs: v.timer.intervalMs, firstAt: now + (v.timer.firstInMs ?? v.timer.intervalMs) } }
              : {}),
            dataclass: p.dataclass,
            actions: v.actions,
            creatorId: d.creator_id ?? 'flowtwin',
            ...optional('modifierId', d.modifier_id),
            ...optional('actionStrategy', d.action_strategy),
            ...optional('rule', v.rule),
            ...optional('approveName', d.approve_name),
            ...(d.dataobject_create !== undefined ||
            d.dataobject_update !== undefined ||
            d.dataobject_delete !== undefined
              ? {
                  dataobjectEvents: {
                    create: d.dataobject_create ?? false,
                    update: d.dataobject_update ?? false,
                    delete: d.dataobject_delete ?? false,
                  },
                }
              : {}),
            createdAt,
            updatedAt: createdAt,
          } satisfies StoredVersion,
        });
        const playbook = {
          kind: PLAYBOOK_KIND,
          tenant,
          id: p.id,
          parentId: ws.id,
          createdAt: at,
          version: 1,
          data: pb,
        };
        const version = versionOf(
          v.id,
          v,
          v.version ?? 'v1',
          'PUBLISHED',
          enabled,
          now - (v.createdAgoMs ?? p.createdAgoMs),
        );
        await ctx.store.create(playbook);
        // Oldest first, as the version list reads them in insertion order.
        // Another version shares the trigger and actions of the one that runs, not its author, reviewer or text.
        const { action_strategy, dataobject_create, dataobject_update, dataobject_delete } = v;
        const shared = { action_strategy, dataobject_create, dataobject_update, dataobject_delete };
        const all = [
          version,
          ...others.map((o) =>
            versionOf(o.id, { ...shared, ...o }, o.version, o.status, false, now - (o.createdAgoMs ?? p.createdAgoMs)),
          ),
        ];
        for (const record of all.sort((a, b) => a.createdAt - b.createdAt)) await ctx.store.create(record);
        playbooks.set(p.id, { playbook, version });
      }
      for (const i of [...ws.instances].sort((a, b) => b.startedAgoMs - a.startedAgoMs)) {
        const source = playbooks.get(i.playbook_id);
        if (!source)
          throw new FixtureError(
            `secmaster instance ${i.id} names playbook ${i.playbook_id}, which the fixtures do not define`,
          );
        await startInstance(ctx, tenant, source.playbook, source.version, {
          id: i.id,
          at: now - i.startedAgoMs,
          operations: (i.operations ?? []).map((op) => ({ name: op.name, at: now - op.agoMs })),
          ...(i.dataobject ? { dataobject: i.dataobject } : {}),
          ...(i.outcome ? { outcome: i.outcome } : {}),
        });
      }
    }
  }
}

/** `{ key: value }` when the value is there, `{}` otherwise: stored records carry no undefined keys. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
