// What the Datadog handlers share: the store, clock and id source injected by the composition
// root, and the instance engine running Datadog's state machine.
import type { Clock } from '../../engine/clock.js';
import { InstanceEngine } from '../../engine/instances.js';
import type { EventHub } from '../../engine/events.js';
import type { ScenarioBook } from '../../engine/scenarios.js';
import type { TenantIndex } from '../../engine/tenant-index.js';
import type { Store } from '../../store/store.js';
import type { DatadogUser } from './auth.js';
import { datadogMachine } from './state-machine.js';

export const INSTANCE_KIND = 'datadog.instance';

export interface DatadogInstanceAttrs {
  specVersionId: string;
  workflowName: string;
  /** How the run was started: "api" through POST /instances, "manual" from the UI (fixtures). */
  source: 'api' | 'manual';
  actor: DatadogUser;
  payload?: Record<string, unknown>;
}

export interface DatadogOptions {
  /** Duration of every step that is not a sleep. */
  defaultStepMs: number;
  /** Virtual ms from a cancel's 200 to CANCELED (DD-DRIFT-15); 0 settles at once. */
  cancelSettleMs: number;
  /** ListWorkflows' order without `sort`, as a `sort` expression; absent: Datadog's (DD-ASSUME-5). */
  defaultWorkflowSort?: string;
}

export interface DatadogContext {
  store: Store;
  clock: Clock;
  ids: () => string;
  options: DatadogOptions;
  instances: InstanceEngine<DatadogInstanceAttrs>;
  scenarios: ScenarioBook;
  /** Each org's label as its keys were last seen (auth and the fixtures fill it), kept with its first instance. */
  tenantLabels: Map<string, string>;
}

/** What the composition root gives the Datadog vendor. */
export interface DatadogDeps {
  store: Store;
  clock: Clock;
  ids: () => string;
  scenarios: ScenarioBook;
  events: EventHub;
  tenants?: TenantIndex;
  maxInstancesPerTenant?: number;
}

export function createDatadogContext(deps: DatadogDeps, options: DatadogOptions): DatadogContext {
  const tenantLabels = new Map<string, string>();
  const instances = new InstanceEngine<DatadogInstanceAttrs>({
    ...deps,
    labelOf: (tenant) => tenantLabels.get(tenant),
    machine: datadogMachine,
    kind: INSTANCE_KIND,
    // ListWorkflowInstances reports counts by state over all of a workflow's instances.
    indexStates: true,
    onWrite: (record, change) => deps.events.written('datadog', record, change),
  });
  // A first event subscriber reads the instances still moving from the store.
  deps.events.register('datadog', datadogMachine, instances);
  return { ...deps, options, instances, tenantLabels };
}
