// Every vendor flowtwin fakes. Adding a vendor means adding its folder and one line here.
import type { Clock } from '../engine/clock.js';
import type { Store } from '../store/store.js';
import { createDatadogVendor, type DatadogConfig } from './datadog/index.js';
import type { Vendor } from './vendor.js';

export interface VendorDeps {
  store: Store;
  clock: Clock;
  ids: () => string;
}

export interface VendorsConfig {
  datadog?: DatadogConfig;
}

export function createVendors(deps: VendorDeps, config: VendorsConfig = {}): Vendor[] {
  return [createDatadogVendor(deps, config.datadog) as Vendor];
}
