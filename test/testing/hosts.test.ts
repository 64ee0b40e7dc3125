// Which hosts interceptVendors takes over: every vendor endpoint, and no lookalike.
import { describe, expect, it } from 'vitest';
import { DATADOG_HOSTS, isVendorHost } from '../../src/testing/index.js';
import { isVendorOrigin } from '../../src/testing/hosts.js';

describe('vendor hosts', () => {
  it('are every Datadog site\'s API host', () => {
    expect(DATADOG_HOSTS).toEqual(['api.datadoghq.com', 'api.us3.datadoghq.com', 'api.us5.datadoghq.com', 'api.datadoghq.eu', 'api.ap1.datadoghq.com', 'api.ap2.datadoghq.com', 'api.ddog-gov.com']);
    for (const host of DATADOG_HOSTS) expect(isVendorHost(host), host).toBe(true);
  });

  it('are SecMaster and IAM in any Huawei region, on .com and the European .eu', () => {
    for (const host of [
      'secmaster.cn-north-4.myhuaweicloud.com',
      'secmaster.ap-southeast-1.myhuaweicloud.com',
      'secmaster.eu-west-101.myhuaweicloud.com',
      'secmaster.eu-west-101.myhuaweicloud.eu',
      'iam.myhuaweicloud.com',
      'iam.cn-north-4.myhuaweicloud.com',
      'iam.eu-west-101.myhuaweicloud.eu',
      'SECMASTER.CN-NORTH-4.MYHUAWEICLOUD.COM',
    ]) {
      expect(isVendorHost(host), host).toBe(true);
    }
  });

  it('are not lookalikes, other services or other Datadog hosts', () => {
    for (const host of [
      'api.datadoghq.com.example.test',
      'evilapi.datadoghq.com',
      'app.datadoghq.com',
      'http-intake.logs.datadoghq.com',
      'datadoghq.com',
      'secmaster.myhuaweicloud.com',
      'ecs.cn-north-4.myhuaweicloud.com',
      'secmaster.cn-north-4.myhuaweicloud.com.example.test',
      'xiam.myhuaweicloud.com',
      '127.0.0.1',
    ]) {
      expect(isVendorHost(host), host).toBe(false);
    }
  });

  it('match origins as nock gives them, over https and http', () => {
    expect(isVendorOrigin('https://api.datadoghq.eu:443')).toBe(true);
    expect(isVendorOrigin('http://secmaster.cn-north-4.myhuaweicloud.com:80')).toBe(true);
    expect(isVendorOrigin('https://api.datadoghq.eu.example.test:443')).toBe(false);
    expect(isVendorOrigin('ftp://api.datadoghq.eu:21')).toBe(false);
  });
});
