// SecMaster playbook instances as the proxy saw them, with the playbooks they ran, turned into the
// "secmaster" section of a fixtures document. The fixtures need each instance's playbook with at
// least one action; actions come from ShowPlaybookVersion or ShowPlaybookTopology answers when
// those were seen, else one placeholder action stands for the unknown ones.
import type { Outcome } from '../engine/plan.js';
import type { SecMasterFixtures } from '../vendors/secmaster/fixtures.js';
import { uuidFrom, type ActionDef, type Ref } from '../vendors/secmaster/model.js';
import { parseSmDate } from '../vendors/secmaster/time.js';
import { maskValue } from './secrets.js';
import { ago, asArray, asObject, asString, isHwId, isUuid, type Observation } from './observation.js';

/** What the fake gives an action whose duration was not seen (its own default step time). */
const DEFAULT_ACTION_MS = 1000;

interface SeenInstance {
  id: string;
  projectId: string;
  workspaceId: string;
  firstSeen: number;
  playbook: { id: string; versionId: string; name: string; version: string };
  dataclass?: Ref;
  dataobject?: Ref;
  status?: string;
  triggerType?: string;
  startedAt?: number;
  endedAt?: number;
  failedAction?: string;
}

interface SeenPlaybook {
  name?: string;
  description?: string;
  enabled?: boolean;
  createdAt?: number;
  dataclass?: Ref;
}

interface SeenVersion {
  triggerType?: string;
  dataclass?: Ref;
  /** From ShowPlaybookVersion: the version's own list. */
  actions?: Omit<ActionDef, 'durationMs'>[];
  /** From ShowPlaybookTopology: what one run of it did, with durations. */
  ran?: ActionDef[];
}

type PlaybookFixture = SecMasterFixtures['projects'][number]['workspaces'][number]['playbooks'][number];
type InstanceFixture = SecMasterFixtures['projects'][number]['workspaces'][number]['instances'][number];

export class SecMasterFixtureBuilder {
  private readonly instances = new Map<string, SeenInstance>();
  private readonly playbooks = new Map<string, SeenPlaybook>();
  private readonly versions = new Map<string, SeenVersion>();

  learn({ operationId, params, status, body, at }: Observation): void {
    if (status < 200 || status > 299) return;
    const doc = asObject(body);
    switch (operationId) {
      case 'ListPlaybookInstances':
        for (const item of asArray(doc?.instances)) this.instance(params, item, at);
        return;
      case 'ShowPlaybookInstance':
      case 'ChangePlaybookInstance':
        this.instance(params, body, at);
        return;
      case 'ShowPlaybookTopology':
        this.topology(params.instance_id, asArray(doc?.action_instances));
        return;
      case 'ListPlaybooks':
        for (const item of asArray(doc?.data)) this.playbook(item);
        return;
      case 'ShowPlaybook':
        this.playbook(doc?.data);
        return;
      case 'ShowPlaybookVersion':
        this.version(doc?.data);
        return;
    }
  }

  build(now: number, secrets: string[]): SecMasterFixtures | undefined {
    const usable = [...this.instances.values()].filter(
      (i) =>
        isUuid(i.id) &&
        isUuid(i.playbook.id) &&
        isUuid(i.playbook.versionId) &&
        isHwId(i.projectId) &&
        isHwId(i.workspaceId),
    );
    if (usable.length === 0) return undefined;
    const projects = new Map<string, Map<string, SeenInstance[]>>();
    for (const i of usable) {
      const workspaces = projects.get(i.projectId) ?? new Map<string, SeenInstance[]>();
      projects.set(i.projectId, workspaces);
      workspaces.set(i.workspaceId, [...(workspaces.get(i.workspaceId) ?? []), i]);
    }
    const section: SecMasterFixtures = {
      projects: [...projects].map(([projectId, workspaces]) => ({
        project_id: projectId,
        workspaces: [...workspaces].map(([workspaceId, instances]) => {
          const playbooks = new Map<string, PlaybookFixture>();
          for (const runs of groupBy(instances, (i) => i.playbook.id).values()) {
            const playbook = this.playbookFixture(runs, now);
            playbooks.set(playbook.id, playbook);
          }
          return {
            id: workspaceId,
            playbooks: [...playbooks.values()],
            instances: instances.map((i) => instanceFixture(i, playbooks.get(i.playbook.id)!.version.actions, now)),
          };
        }),
      })),
    };
    return maskValue(section, secrets) as SecMasterFixtures;
  }

  /** One playbook per id, at the version its latest seen run used: the fixtures hold one version each. */
  private playbookFixture(runs: SeenInstance[], now: number): PlaybookFixture {
    const latest = runs.reduce((a, b) => ((b.startedAt ?? b.firstSeen) > (a.startedAt ?? a.firstSeen) ? b : a));
    const { id, versionId, name, version } = latest.playbook;
    const seen = this.playbooks.get(id) ?? {};
    const seenVersion = this.versions.get(versionId) ?? {};
    const trigger =
      [seenVersion.triggerType, latest.triggerType].find(
        (t): t is 'EVENT' | 'TIMER' => t === 'EVENT' || t === 'TIMER',
      ) ?? 'EVENT';
    const earliest = Math.min(...runs.map((r) => r.startedAt ?? r.firstSeen));
    return {
      id,
      name: seen.name ?? name,
      ...(seen.description !== undefined ? { description: seen.description } : {}),
      ...(seen.enabled !== undefined ? { enabled: seen.enabled } : {}),
      dataclass: seen.dataclass ?? seenVersion.dataclass ?? latest.dataclass ?? { id: '', name: '' },
      createdAgoMs: ago(now, seen.createdAt ?? earliest),
      version: { id: versionId, version, trigger_type: trigger, actions: actionsOf(versionId, seenVersion) },
    };
  }

  private instance(params: Record<string, string>, item: unknown, at: number): void {
    const o = asObject(item);
    const id = asString(o?.id);
    const ref = asObject(o?.playbook);
    const playbook = {
      id: asString(ref?.id),
      versionId: asString(ref?.version_id),
      name: asString(ref?.name) ?? '',
      version: asString(ref?.version) ?? 'v1',
    };
    if (!o || !id || !playbook.id || !playbook.versionId || !params.project_id || !params.workspace_id) return;
    const seen = this.instances.get(id);
    const startedAt = typeof o.start_time === 'string' ? parseSmDate(o.start_time) : undefined;
    const endedAt = typeof o.end_time === 'string' ? parseSmDate(o.end_time) : undefined;
    const dataclass = namedRef(o.dataclass);
    const dataobject = namedRef(o.dataobject);
    this.instances.set(id, {
      ...seen,
      id,
      projectId: params.project_id,
      workspaceId: params.workspace_id,
      firstSeen: seen?.firstSeen ?? at,
      playbook: { id: playbook.id, versionId: playbook.versionId, name: playbook.name, version: playbook.version },
      ...(dataclass ? { dataclass } : {}),
      ...(dataobject ? { dataobject } : {}),
      ...(typeof o.status === 'string' ? { status: o.status } : {}),
      ...(typeof o.trigger_type === 'string' ? { triggerType: o.trigger_type } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(endedAt !== undefined ? { endedAt } : {}),
    });
  }

  private topology(instanceId: string | undefined, items: unknown[]): void {
    const ran: ActionDef[] = [];
    let versionId: string | undefined;
    let failed: string | undefined;
    for (const item of items) {
      const action = asObject(asObject(item)?.action);
      const log = asObject(asObject(item)?.instance_log);
      const def = actionDef(action);
      if (!def) continue;
      versionId ??= asString(action?.playbook_version_id);
      const start = typeof log?.start_time === 'string' ? parseSmDate(log.start_time) : undefined;
      const end = typeof log?.end_time === 'string' ? parseSmDate(log.end_time) : undefined;
      ran.push({
        ...def,
        durationMs: start !== undefined && end !== undefined && end >= start ? end - start : DEFAULT_ACTION_MS,
      });
      if (log?.status === 'FAILED') failed ??= def.id;
    }
    const instance = instanceId ? this.instances.get(instanceId) : undefined;
    versionId ??= instance?.playbook.versionId;
    if (instance && failed) this.instances.set(instance.id, { ...instance, failedAction: failed });
    if (versionId && ran.length > 0) this.versions.set(versionId, { ...this.versions.get(versionId), ran });
  }

  private playbook(item: unknown): void {
    const o = asObject(item);
    const id = asString(o?.id);
    if (!o || !id) return;
    const createdAt = typeof o.create_time === 'string' ? parseSmDate(o.create_time) : undefined;
    const dataclass =
      typeof o.dataclass_id === 'string' && typeof o.dataclass_name === 'string'
        ? { id: o.dataclass_id, name: o.dataclass_name }
        : undefined;
    this.playbooks.set(id, {
      ...this.playbooks.get(id),
      ...(typeof o.name === 'string' && o.name ? { name: o.name } : {}),
      ...(typeof o.description === 'string' ? { description: o.description } : {}),
      ...(typeof o.enabled === 'boolean' ? { enabled: o.enabled } : {}),
      ...(createdAt !== undefined ? { createdAt } : {}),
      ...(dataclass ? { dataclass } : {}),
    });
  }

  private version(item: unknown): void {
    const o = asObject(item);
    const id = asString(o?.id);
    if (!o || !id) return;
    const actions = asArray(o.actions)
      .map((a) => actionDef(asObject(a)))
      .filter((a) => a !== undefined);
    const dataclass =
      typeof o.dataclass_id === 'string' && typeof o.dataclass_name === 'string'
        ? { id: o.dataclass_id, name: o.dataclass_name }
        : undefined;
    this.versions.set(id, {
      ...this.versions.get(id),
      ...(typeof o.trigger_type === 'string' ? { triggerType: o.trigger_type } : {}),
      ...(dataclass ? { dataclass } : {}),
      ...(actions.length > 0 ? { actions } : {}),
    });
  }
}

/** The version's own actions with the durations a run showed, else a run's actions, else a placeholder. */
function actionsOf(versionId: string, seen: SeenVersion): ActionDef[] {
  const durations = new Map((seen.ran ?? []).map((a) => [a.id, a.durationMs]));
  if (seen.actions) return seen.actions.map((a) => ({ ...a, durationMs: durations.get(a.id) ?? DEFAULT_ACTION_MS }));
  if (seen.ran) return seen.ran;
  const id = uuidFrom(`flowtwin-proxy/action/${versionId}`);
  return [
    {
      id,
      name: 'Recorded run',
      description: 'Placeholder: the proxy saw no ShowPlaybookVersion or ShowPlaybookTopology answer for this version.',
      action_type: 'AOP_WORKFLOW',
      action_id: id,
      durationMs: DEFAULT_ACTION_MS,
    },
  ];
}

/**
 * How the fake should replay a run: FINISHED runs its actions, FAILED fails at the action that
 * failed (the last one when unknown), RUNNING and RETRYING hang, TERMINATING and TERMINATED hang
 * and are terminated at their last change.
 */
function instanceFixture(i: SeenInstance, actions: ActionDef[], now: number): InstanceFixture {
  const startedAgoMs = ago(now, i.startedAt ?? i.firstSeen);
  const last = actions.at(-1)!.id;
  const failedAt = i.failedAction && actions.some((a) => a.id === i.failedAction) ? i.failedAction : last;
  let outcome: Outcome | undefined;
  if (i.status === 'FAILED') outcome = { kind: 'fail', step: failedAt };
  if (i.status === 'RUNNING' || i.status === 'RETRYING' || i.status === 'TERMINATING' || i.status === 'TERMINATED')
    outcome = { kind: 'hang', step: last };
  const terminated = i.status === 'TERMINATING' || i.status === 'TERMINATED';
  return {
    id: i.id,
    playbook_id: i.playbook.id,
    ...(i.dataobject ? { dataobject: i.dataobject } : {}),
    startedAgoMs,
    ...(outcome ? { outcome } : {}),
    ...(terminated
      ? { operations: [{ name: 'TERMINATE', agoMs: Math.min(startedAgoMs, ago(now, i.endedAt ?? now)) }] }
      : {}),
  };
}

function actionDef(o: Record<string, unknown> | undefined): Omit<ActionDef, 'durationMs'> | undefined {
  const id = asString(o?.id);
  if (!o || !id) return undefined;
  // Action ids become plan step names and must be UUIDs in the fixtures; another id is mapped to one, consistently.
  const uuid = isUuid(id) ? id : uuidFrom(`flowtwin-proxy/action/${id}`);
  return {
    id: uuid,
    name: asString(o.name) ?? id,
    description: asString(o.description) ?? '',
    action_type: asString(o.action_type) ?? 'AOP_WORKFLOW',
    action_id: asString(o.action_id) ?? uuid,
  };
}

function namedRef(v: unknown): Ref | undefined {
  const o = asObject(v);
  return typeof o?.id === 'string' && typeof o.name === 'string' ? { id: o.id, name: o.name } : undefined;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
