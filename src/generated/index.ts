// The vendors' and the control plane's API types, generated from specs/ (see scripts/generate-types.mjs).
export type * as Datadog from './datadog.js';
export type * as SecMaster from './secmaster.js';
export type * as HuaweiIam from './huawei-iam.js';
export type * as Control from './control.js';
