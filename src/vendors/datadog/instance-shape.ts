// Instance responses as the real service sends them (VENDOR-FACTS A6.6-A6.9): keys in
// alphabetical order, no endTimestamp while running, list items without steps or outputs.
import type { InstanceView } from '../../engine/instances.js';
import type { DatadogInstanceAttrs } from './context.js';
import { DISPLAY_NAMES, STEP_STATES } from './state-machine.js';
import { ddTimestamp } from './time.js';
import type { StoredSpecVersion, StoredWorkflow } from './workflow-model.js';

type View = InstanceView<DatadogInstanceAttrs>;

function source(attrs: DatadogInstanceAttrs) {
  const actingUser = { userEmail: attrs.actor.email, userName: attrs.actor.name, userUuid: attrs.actor.uuid };
  return { [attrs.source]: { actingUser } };
}

function timing(view: View): { endTimestamp?: string } {
  const { endedAt } = view.projection;
  return endedAt === undefined ? {} : { endTimestamp: ddTimestamp(endedAt) };
}

const status = (view: View) => ({
  detailsKind: view.projection.state,
  displayName: DISPLAY_NAMES[view.projection.state] ?? view.projection.state,
});

export function instanceListItem(view: View) {
  const attrs = view.record.data.attrs;
  return {
    attributes: {
      ...timing(view),
      instanceStatus: status(view),
      source: source(attrs),
      startTimestamp: ddTimestamp(view.record.createdAt),
    },
    id: view.record.id,
    type: 'instances',
  };
}

export function instanceDocument(
  view: View,
  workflow: { id: string; data: StoredWorkflow },
  specVersion: { id: string; data: StoredSpecVersion } | undefined,
) {
  const { record, projection } = view;
  const attrs = record.data.attrs;
  const workflowId = record.parentId!;
  const included: unknown[] = [];
  if (specVersion) {
    included.push({
      attributes: { createdAt: ddTimestamp(specVersion.data.createdAt), spec: specVersion.data.spec, workflowId },
      id: specVersion.id,
      type: 'spec_versions',
    });
  }
  included.push({
    attributes: {
      createdAt: ddTimestamp(workflow.data.createdAt),
      creationSource: 'api',
      name: workflow.data.name,
      specVersionId: workflow.data.specVersionId,
      updatedAt: ddTimestamp(workflow.data.updatedAt),
    },
    id: workflow.id,
    type: 'workflows',
  });
  return {
    data: {
      attributes: {
        ...timing(view),
        instanceStatus: status(view),
        outputs: projection.state === 'SUCCEEDED' ? (projection.outputs ?? {}) : {},
        source: source(attrs),
        sourceForTemplating: {
          initiator: { email: attrs.actor.email, id: attrs.actor.uuid, name: attrs.actor.name },
          name: attrs.workflowName,
          type: attrs.source,
          url: `https://app.datadoghq.com/workflow/${workflowId}?instance=${record.id}`,
        },
        startTimestamp: ddTimestamp(record.createdAt),
        stepStateAssociations: projection.steps.map((s) => ({ stepName: s.name, stepState: STEP_STATES[s.phase] })),
        trigger: {},
      },
      id: record.id,
      relationships: {
        specVersion: { data: { id: attrs.specVersionId, type: 'spec_versions' } },
        workflow: { data: { id: workflowId, type: 'workflows' } },
      },
      type: 'instances',
    },
    included,
    meta: { outputsTooBig: false, sourceTooBig: false, triggerTooBig: false },
  };
}
