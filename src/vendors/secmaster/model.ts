// SecMaster playbooks, versions and instances as stored, and the wire objects built from them
// (PlaybookInfo, PlaybookVersionListEntity/Info, ActionInfo, PlaybookInstanceInfo; VENDOR-FACTS B5-B6).
import { createHash } from 'node:crypto';
import type { InstanceView } from '../../engine/instances.js';
import type { StepView } from '../../engine/project.js';
import { ACTION_STATUS } from './state-machine.js';
import { smTimestamp } from './time.js';

export const PLAYBOOK_KIND = 'secmaster.playbook';
export const VERSION_KIND = 'secmaster.version';
export const INSTANCE_KIND = 'secmaster.instance';

export interface Ref {
  id: string;
  name: string;
}

export interface ActionDef {
  id: string;
  name: string;
  description: string;
  action_type: string;
  action_id: string;
  durationMs: number;
}

export interface StoredPlaybook {
  workspaceId: string;
  name: string;
  description: string;
  enabled: boolean;
  activeVersionId: string;
  version: string;
  dataclass: Ref;
  ownerId: string;
  /** Who may approve, run and edit it; "" when unset. */
  roles?: { approve: string; user: string; edit: string };
  /** Its version awaiting review (APPROVING) and its rejected one (UNPASSED), when it has them (HW-ASSUME-25). */
  unauditedVersionId?: string;
  rejectVersionId?: string;
  createdAt: number;
  updatedAt: number;
}

/** A version's trigger rule, as Huawei's Terraform provider writes one (HW-ASSUME-25). */
export interface TriggerRule {
  id: string;
  expression_type: string;
  conditions: { name: string; detail: string; data: string[] }[];
  logics: string[];
}

export interface StoredVersion {
  workspaceId: string;
  playbookId: string;
  version: string;
  description: string;
  enabled: boolean;
  status: 'EDITING' | 'APPROVING' | 'UNPASSED' | 'PUBLISHED';
  versionType: 0 | 1;
  triggerType: 'EVENT' | 'TIMER';
  /** TIMER playbooks: an instance every intervalMs from firstAt. */
  timer?: { intervalMs: number; firstAt: number };
  dataclass: Ref;
  actions: ActionDef[];
  creatorId: string;
  /** Defaults: the creator, SYNC, no rule, no reviewer, an EVENT version fires on create and update. */
  modifierId?: string;
  actionStrategy?: 'SYNC' | 'ASYNC';
  rule?: TriggerRule;
  approveName?: string;
  dataobjectEvents?: { create: boolean; update: boolean; delete: boolean };
  createdAt: number;
  updatedAt: number;
}

export interface SecMasterInstanceAttrs {
  workspaceId: string;
  name: string;
  playbook: { id: string; version_id: string; name: string; version: string };
  dataclass: Ref;
  dataobject: Ref;
  triggerType: string;
  actions: ActionDef[];
}

export function playbookInfo(projectId: string, id: string, p: StoredPlaybook) {
  return {
    id,
    name: p.name,
    description: p.description,
    create_time: smTimestamp(p.createdAt),
    update_time: smTimestamp(p.updatedAt),
    project_id: projectId,
    version_id: p.activeVersionId,
    enabled: p.enabled,
    workspace_id: p.workspaceId,
    approve_role: p.roles?.approve ?? '',
    user_role: p.roles?.user ?? '',
    edit_role: p.roles?.edit ?? '',
    owner_id: p.ownerId,
    version: p.version,
    dataclass_name: p.dataclass.name,
    dataclass_id: p.dataclass.id,
    unaudited_version_id: p.unauditedVersionId ?? '',
    reject_version_id: p.rejectVersionId ?? '',
  };
}

export function actionInfo(projectId: string, playbookId: string, versionId: string, a: ActionDef) {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    action_type: a.action_type,
    action_id: a.action_id,
    playbook_id: playbookId,
    playbook_version_id: versionId,
    project_id: projectId,
  };
}

export function versionEntity(projectId: string, id: string, v: StoredVersion) {
  const events = v.dataobjectEvents ?? {
    create: v.triggerType === 'EVENT',
    update: v.triggerType === 'EVENT',
    delete: false,
  };
  return {
    id,
    description: v.description,
    create_time: smTimestamp(v.createdAt),
    update_time: smTimestamp(v.updatedAt),
    project_id: projectId,
    creator_id: v.creatorId,
    modifier_id: v.modifierId ?? v.creatorId,
    playbook_id: v.playbookId,
    version: v.version,
    enabled: v.enabled,
    status: v.status,
    action_strategy: v.actionStrategy ?? 'SYNC',
    rule_enable: v.rule !== undefined,
    dataclass_id: v.dataclass.id,
    trigger_type: v.triggerType,
    dataobject_create: events.create,
    dataobject_update: events.update,
    dataobject_delete: events.delete,
    version_type: v.versionType,
    rule_id: v.rule?.id ?? '',
    dataclass_name: v.dataclass.name,
    approve_name: v.approveName ?? '',
  };
}

export function versionInfo(projectId: string, id: string, v: StoredVersion) {
  const rules = v.rule ? { id: v.rule.id, project_id: projectId, rule: JSON.stringify(ruleText(v.rule)) } : {};
  return {
    ...versionEntity(projectId, id, v),
    actions: v.actions.map((a) => actionInfo(projectId, v.playbookId, id, a)),
    rules,
  };
}

/** The rule's JSON text holds the expression, not its id (HW-TF playbook_rule: `rule` is built without it). */
function ruleText({ expression_type, conditions, logics }: TriggerRule) {
  return { expression_type, conditions, logics };
}

type View = InstanceView<SecMasterInstanceAttrs>;

export function instanceInfo(view: View) {
  const { record, projection } = view;
  const a = record.data.attrs;
  return {
    id: record.id,
    name: a.name,
    project_id: record.tenant,
    playbook: a.playbook,
    dataclass: a.dataclass,
    dataobject: a.dataobject,
    status: projection.state,
    trigger_type: a.triggerType,
    start_time: smTimestamp(record.createdAt),
    // Documented as "update time": the latest transition.
    end_time: smTimestamp(projection.updatedAt),
  };
}

/**
 * Audit log entries of one instance: one per run of an action;
 * a RETRY keeps the attempts it replaced (HW-ASSUME-14).
 */
export const auditLogs = (view: View) =>
  logsOf(view, [...(view.projection.superseded ?? []), ...view.projection.steps]);

/** Each action's latest attempt only: the topology is a graph of actions. */
export const latestAuditLogs = (view: View) => logsOf(view, view.projection.steps);

function logsOf(view: View, steps: readonly StepView[]) {
  const byId = new Map(view.record.data.attrs.actions.map((x) => [x.id, x]));
  return steps.map((step) => auditLog(view, byId.get(step.name)!, step));
}

function auditLog(view: View, action: ActionDef, step: StepView) {
  const status = ACTION_STATUS[step.phase];
  return {
    instance_type: action.action_type,
    action_id: action.id,
    action_name: action.name,
    instance_id: actionInstanceId(view.record.id, action.id, step.attempt),
    parent_instance_id: view.record.id,
    log_level: status === 'FAILED' ? 'ERROR' : 'INFO',
    input: JSON.stringify(view.record.data.attrs.dataobject),
    output:
      status !== 'FINISHED'
        ? '{}'
        : view.projection.outputs?.[action.id] !== undefined
          ? JSON.stringify(view.projection.outputs[action.id])
          : '{"result":"success"}',
    error_msg: status === 'FAILED' ? `action ${action.name} failed` : '',
    start_time: smTimestamp(step.startedAt),
    end_time: step.endedAt === undefined ? '' : smTimestamp(step.endedAt),
    status,
    trigger_type: view.record.data.attrs.triggerType,
  };
}

/** Stable id of an action's run inside an instance, so every read names it the same way. */
export function actionInstanceId(instanceId: string, actionId: string, attempt?: number): string {
  return uuidFrom(attempt === undefined ? `${instanceId}/${actionId}` : `${instanceId}/${actionId}/${attempt}`);
}

export function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
