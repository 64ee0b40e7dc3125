// flowtwin/testing: what a test suite imports to run its code against flowtwin.
import './polyfills.js';
export { startFlowtwin, closeAll, type StartOptions, type StartedFlowtwin } from './start.js';
export { interceptVendors, type InterceptOptions, type Interception } from './intercept.js';
export {
  controlClient,
  type ControlClient,
  type ControlClientOptions,
  type Credentials,
  type Fetcher,
  type WaitForOptions,
} from './control.js';
export { EventStream, type EventFilter, type NextOptions } from './events.js';
export { FlowtwinControlError, JournalVerificationError } from './errors.js';
export { DATADOG_SITES, DATADOG_HOSTS, isVendorHost } from './hosts.js';
export type { TestFlowtwinOptions } from './options.js';
export type * from './types.js';
