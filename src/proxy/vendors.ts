// Which spec judges the traffic: the vendor named on the command line, else the one the upstream's
// host belongs to, else whichever spec has a route for each request.
import { matchOperation } from '../contract/har.js';
import { loadSpec } from '../spec/load.js';
import { compileSpec, type CompiledSpec, type OperationSpec } from '../spec/operations.js';

export const PROXY_VENDORS = {
  datadog: 'datadog-workflow-automation.yaml',
  secmaster: 'huawei-secmaster-playbooks.yaml',
  'huawei-iam': 'huawei-iam.yaml',
} as const;

export type ProxyVendor = keyof typeof PROXY_VENDORS;

export const isProxyVendor = (name: string): name is ProxyVendor => Object.hasOwn(PROXY_VENDORS, name);

/**
 * Datadog sites (api.datadoghq.com, api.us5.datadoghq.com, api.datadoghq.eu, api.ddog-gov.com)
 * and Huawei's regional endpoints.
 */
export function vendorOfHost(hostname: string): ProxyVendor | undefined {
  const host = hostname.toLowerCase();
  if (/(^|\.)(datadoghq\.(com|eu)|ddog-gov\.com)$/.test(host)) return 'datadog';
  if (/^secmaster\.[^.]+\.(my)?huaweicloud\.(com|eu)$/.test(host)) return 'secmaster';
  if (/^iam(\.[^.]+)?\.(my)?huaweicloud\.(com|eu)$/.test(host)) return 'huawei-iam';
  return undefined;
}

export interface VendorSpec {
  vendor: ProxyVendor;
  spec: CompiledSpec;
}

export interface RouteMatch extends VendorSpec {
  op: OperationSpec;
  /** Path parameters, decoded. */
  params: Record<string, string>;
}

/** The vendor's spec, or all of them when the vendor is not known. */
export function loadVendorSpecs(vendor?: ProxyVendor): VendorSpec[] {
  const vendors = vendor ? [vendor] : (Object.keys(PROXY_VENDORS) as ProxyVendor[]);
  return vendors.map((v) => ({ vendor: v, spec: compileSpec(loadSpec(PROXY_VENDORS[v])) }));
}

export function matchRoute(specs: VendorSpec[], method: string, path: string): RouteMatch | undefined {
  const found = matchOperation(
    specs.map((s) => s.spec),
    method,
    path,
  );
  if (!found) return undefined;
  const vendor = specs.find((s) => s.spec === found.spec)!.vendor;
  const groups = found.op.pathPattern.exec(path)!.slice(1);
  const params: Record<string, string> = {};
  found.op.pathParams.forEach((name, i) => (params[name] = decode(groups[i] ?? '')));
  return { vendor, spec: found.spec, op: found.op, params };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
