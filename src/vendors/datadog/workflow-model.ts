// Datadog workflows as stored, the business rules Datadog checks on create and update, and the
// JSON:API resource shape it answers with (VENDOR-FACTS A6.1-A6.5, A7).
import { reshapeSpec, TRIGGER_KINDS } from './spec-shape.js';
import { ddTimestamp } from './time.js';

export const WORKFLOW_KIND = 'datadog.workflow';
export const SPEC_VERSION_KIND = 'datadog.spec_version';
export const DESCRIPTION_LIMIT = 300;

export interface WorkflowStep {
  name: string;
  actionId: string;
  parameters?: { name: string; value: unknown }[];
  outboundEdges?: { nextStepName: string; branchName: string }[];
  [key: string]: unknown;
}

export interface WorkflowTrigger {
  startStepNames?: string[];
  [kind: string]: unknown;
}

export interface WorkflowSpec {
  triggers?: WorkflowTrigger[];
  steps?: WorkflowStep[];
  [key: string]: unknown;
}

export interface StoredWorkflow {
  name: string;
  description: string;
  published: boolean;
  tags: string[];
  spec: WorkflowSpec;
  webhookSecret?: string;
  createdAt: number;
  updatedAt: number;
  specVersionId: string;
  creatorUuid: string;
  ownerUuid: string;
  creatorName: string;
}

export interface StoredSpecVersion {
  workflowId: string;
  spec: WorkflowSpec;
  createdAt: number;
}

/** The attributes a create or update request may carry (already schema-validated). */
export interface WorkflowAttributesInput {
  name?: string;
  description?: string;
  published?: boolean;
  tags?: string[];
  spec?: WorkflowSpec;
  webhookSecret?: string;
}

/**
 * Every business problem at once, in the order Datadog lists them (recorded 2025-05: description,
 * spec, trigger). Rules beyond the recorded three are assumptions listed in docs/fidelity.md.
 */
export function workflowProblems(input: WorkflowAttributesInput): string[] {
  const problems: string[] = [];
  if (input.description !== undefined && [...input.description].length > DESCRIPTION_LIMIT) {
    problems.push(`workflow description exceeds size limit of [${DESCRIPTION_LIMIT}] characters`);
  }
  if (input.spec === undefined) return problems;
  if (!specIsValid(input.spec)) problems.push('spec is invalid');
  problems.push(...triggerProblems(input.spec.triggers ?? []));
  return problems;
}

function specIsValid(spec: WorkflowSpec): boolean {
  // No steps key is invalid (recorded for spec:{}); an empty list is a spec (recorded by Terraform).
  if (!Array.isArray(spec.steps)) return false;
  const steps = spec.steps;
  const names = new Set(steps.map((s) => s.name));
  if (names.size !== steps.length) return false;
  const edgesKnown = steps.every((s) => (s.outboundEdges ?? []).every((e) => names.has(e.nextStepName)));
  const startsKnown = (spec.triggers ?? []).every((t) => (t.startStepNames ?? []).every((n) => names.has(n)));
  return edgesKnown && startsKnown;
}

function triggerProblems(triggers: WorkflowTrigger[]): string[] {
  const kinds = triggers.flatMap(triggerKinds);
  if (kinds.length === 0) return ['no trigger found. At least one trigger is required.'];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const kind of kinds) {
    if (seen.has(kind)) problems.push(`trigger ${kind} appears more than once`);
    seen.add(kind);
  }
  if (seen.has('workflowTrigger') && kinds.length > 1) problems.push('workflowTrigger must be the only trigger');
  return problems;
}

// Only the model's kinds count: an unknown `fooTrigger` is dropped like any unknown key (DD-ASSUME-31).
export const triggerKinds = (trigger: WorkflowTrigger): string[] =>
  TRIGGER_KINDS.filter((k) => Object.hasOwn(trigger, k) && trigger[k] !== undefined && trigger[k] !== null);

/** Datadog answers with the spec re-serialised: its own key order, unknown keys dropped (DD-ASSUME-31). */
export const normalizeSpec = (spec: WorkflowSpec): WorkflowSpec => reshapeSpec(spec);

/** Tags come back sorted in the newer recordings; duplicates make no sense for a set. */
export const normalizeTags = (tags: string[]): string[] => [...new Set(tags)].sort();

export function workflowResource(id: string, wf: StoredWorkflow, includeSpec = true) {
  return {
    id,
    type: 'workflows',
    attributes: {
      createdAt: ddTimestamp(wf.createdAt),
      description: wf.description,
      name: wf.name,
      published: wf.published,
      spec: includeSpec ? wf.spec : null,
      tags: wf.tags,
      updatedAt: ddTimestamp(wf.updatedAt),
    },
    relationships: {
      creator: { data: { id: wf.creatorUuid, type: 'users' } },
      owner: { data: { id: wf.ownerUuid, type: 'users' } },
    },
  };
}
