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
  createdAt: number;
  updatedAt: number;
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
    approve_role: '',
    user_role: '',
    edit_role: '',
    owner_id: p.ownerId,
    version: p.version,
    dataclass_name: p.dataclass.name,
    dataclass_id: p.dataclass.id,
    unaudited_version_id: '',
    reject_version_id: '',
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
  return {
    id,
    description: v.description,
    create_time: smTimestamp(v.createdAt),
    update_time: smTimestamp(v.updatedAt),
    project_id: projectId,
    creator_id: v.creatorId,
    modifier_id: v.creatorId,
    playbook_id: v.playbookId,
    version: v.version,
    enabled: v.enabled,
    status: v.status,
    action_strategy: 'SYNC',
    rule_enable: v.triggerType === 'EVENT',
    dataclass_id: v.dataclass.id,
    trigger_type: v.triggerType,
    dataobject_create: v.triggerType === 'EVENT',
    dataobject_update: v.triggerType === 'EVENT',
    dataobject_delete: false,
    version_type: v.versionType,
    rule_id: '',
    dataclass_name: v.dataclass.name,
    approve_name: '',
  };
}

export function versionInfo(projectId: string, id: string, v: StoredVersion) {
  return { ...versionEntity(projectId, id, v), actions: v.actions.map((a) => actionInfo(projectId, v.playbookId, id, a)), rules: {} };
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

/** Audit log entries of one instance: one per run of an action; a RETRY keeps the attempts it replaced (HW-ASSUME-14). */
export const auditLogs = (view: View) => logsOf(view, [...(view.projection.superseded ?? []), ...view.projection.steps]);

/** Each action's latest attempt only: the topology is a graph of actions. */
export const latestAuditLogs = (view: View) => logsOf(view, view.projection.steps);

function logsOf(view: View, steps: readonly StepView[]) {
  const byId = new Map(view.record.data.attrs.actions.map((x) => [x.id, x]));
  return steps.map((step) => auditLog(view, byId.get(step.name)!, step));
}

function auditLog(view: View, action: ActionDef, step: StepView) {
  const status = ACTION_STATUS[step.phase];
  return {
    instance_type: 'ACTION',
    action_id: action.id,
    action_name: action.name,
    instance_id: actionInstanceId(view.record.id, action.id, step.attempt),
    parent_instance_id: view.record.id,
    log_level: status === 'FAILED' ? 'ERROR' : 'INFO',
    input: '{}',
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
