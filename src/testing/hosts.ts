// The vendor hosts interceptVendors answers for. Sources: Datadog's site list (the official
// clients' `site` server variable); Huawei's SDK region tables (SecMasterRegion:
// secmaster.<region>.myhuaweicloud.com, eu-west-101 included) and its European cloud, whose
// services and IAM live under <service>.<region>.myhuaweicloud.eu.

export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'ddog-gov.com',
];

export const DATADOG_HOSTS = DATADOG_SITES.map((site) => `api.${site}`);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const VENDOR_HOST = new RegExp(
  `^(?:${DATADOG_HOSTS.map(escape).join('|')}|` +
    'secmaster\\.[a-z0-9-]+\\.myhuaweicloud\\.(?:com|eu)|' +
    'iam(?:\\.[a-z0-9-]+)?\\.myhuaweicloud\\.(?:com|eu))$',
);

/** Whether flowtwin fakes this host (a hostname, no port). */
export const isVendorHost = (hostname: string): boolean => VENDOR_HOST.test(hostname.toLowerCase());

/** Whether an origin as nock gives it ("https://host:port") is a vendor's, over http or https. */
export function isVendorOrigin(origin: string): boolean {
  const match = /^https?:\/\/([^/:]+):\d+$/.exec(origin);
  return match !== null && isVendorHost(match[1]!);
}
