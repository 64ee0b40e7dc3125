// Loads the "secmaster" part of a fixtures document: per project and workspace, playbooks with
// their versions and actions, and instances. Times are relative to loading ("agoMs").
import type { Outcome } from '../../engine/plan.js';
import { FixtureError } from '../../spec/fixtures.js';
import { registerRegionProject } from '../huawei-iam/projects.js';
import { registerWorkspace } from './workspaces.js';
import { startInstance, type SecMasterContext } from './context.js';
import { PLAYBOOK_KIND, VERSION_KIND, type ActionDef, type Ref, type StoredPlaybook, type StoredVersion } from './model.js';

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
        dataclass: Ref;
        createdAgoMs: number;
        version: {
          id: string;
          version?: string;
          trigger_type: 'EVENT' | 'TIMER';
          /** TIMER only: one run every intervalMs, the first firstInMs after loading. */
          timer?: { intervalMs: number; firstInMs?: number };
          actions: ActionDef[];
        };
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
      const playbooks = new Map<string, { playbook: Parameters<typeof startInstance>[2]; version: Parameters<typeof startInstance>[3] }>();
      // Oldest first: the store lists in insertion order.
      for (const p of [...ws.playbooks].sort((a, b) => b.createdAgoMs - a.createdAgoMs)) {
        const at = now - p.createdAgoMs;
        const v = p.version;
        const pb: StoredPlaybook = {
          workspaceId: ws.id,
          name: p.name,
          description: p.description ?? '',
          enabled: p.enabled ?? true,
          activeVersionId: v.id,
          version: v.version ?? 'v1',
          dataclass: p.dataclass,
          ownerId: 'flowtwin',
          createdAt: at,
          updatedAt: at,
        };
        const ver: StoredVersion = {
          workspaceId: ws.id,
          playbookId: p.id,
          version: v.version ?? 'v1',
          description: p.description ?? '',
          enabled: p.enabled ?? true,
          status: 'PUBLISHED',
          versionType: 1,
          triggerType: v.trigger_type,
          ...(v.timer ? { timer: { intervalMs: v.timer.intervalMs, firstAt: now + (v.timer.firstInMs ?? v.timer.intervalMs) } } : {}),
          dataclass: p.dataclass,
          actions: v.actions,
          creatorId: 'flowtwin',
          createdAt: at,
          updatedAt: at,
        };
        const playbook = { kind: PLAYBOOK_KIND, tenant, id: p.id, parentId: ws.id, createdAt: at, version: 1, data: pb };
        const version = { kind: VERSION_KIND, tenant, id: v.id, parentId: p.id, createdAt: at, version: 1, data: ver };
        await ctx.store.create(playbook);
        await ctx.store.create(version);
        playbooks.set(p.id, { playbook, version });
      }
      for (const i of [...ws.instances].sort((a, b) => b.startedAgoMs - a.startedAgoMs)) {
        const source = playbooks.get(i.playbook_id);
        if (!source) throw new FixtureError(`secmaster instance ${i.id} names playbook ${i.playbook_id}, which the fixtures do not define`);
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
