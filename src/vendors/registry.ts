// Every vendor flowtwin fakes. Adding a vendor means adding its folder and one line here.
import type { Clock } from '../engine/clock.js';
import type { EventHub } from '../engine/events.js';
import type { ScenarioBook } from '../engine/scenarios.js';
import type { TenantIndex } from '../engine/tenant-index.js';
import type { TimerMarks } from '../engine/timer-marks.js';
import type { Store } from '../store/store.js';
import { createDatadogVendor, type DatadogConfig } from './datadog/index.js';
import { createIamVendor, type IamConfig } from './huawei-iam/index.js';
import { createSecMasterVendor, type SecMasterConfig } from './secmaster/index.js';
import type { Vendor } from './vendor.js';

export interface VendorDeps {
  store: Store;
  clock: Clock;
  /** Real time, for what clients stamp with the wall clock (signature dates). */
  wallClock: Clock;
  ids: () => string;
  scenarios: ScenarioBook;
  /** How far each TIMER playbook's runs exist (SecMaster), in the control state with the scenarios. */
  timers: TimerMarks;
  events: EventHub;
  /** Records which tenants have instances, so the control plane can list them all. */
  tenants?: TenantIndex;
  /** Instances one tenant may have (since the last reset); none when absent. */
  maxInstancesPerTenant?: number;
}

export interface VendorsConfig {
  datadog?: DatadogConfig;
  secmaster?: SecMasterConfig;
  'huawei-iam'?: IamConfig;
}

export function createVendors(deps: VendorDeps, config: VendorsConfig = {}): Vendor[] {
  return [
    createDatadogVendor(deps, config.datadog) as Vendor,
    createSecMasterVendor(deps, config.secmaster) as Vendor,
    createIamVendor(deps, {
      ...config['huawei-iam'],
      ...(config.secmaster?.auth?.credentials ? { credentials: config.secmaster.auth.credentials } : {}),
    }) as Vendor,
  ];
}
