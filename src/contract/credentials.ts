// Credentials for the contract suite, from the vendors' usual environment variables. Values are
// only ever put into request headers; reports and logs show requests without headers.
import { ALGORITHM, sign } from '../vendors/huawei-iam/signer.js';
import type { Authenticator } from './http.js';

export interface DatadogCredentials {
  apiKey: string;
  appKey: string;
}

export function datadogFromEnv(env: NodeJS.ProcessEnv = process.env): DatadogCredentials | undefined {
  return env.DD_API_KEY && env.DD_APP_KEY ? { apiKey: env.DD_API_KEY, appKey: env.DD_APP_KEY } : undefined;
}

/** The real Datadog site's API base URL (DD_SITE, e.g. datadoghq.eu), as the official client builds it. */
export const datadogSiteUrl = (env: NodeJS.ProcessEnv = process.env): string =>
  `https://api.${env.DD_SITE || 'datadoghq.com'}`;

export function datadogAuthenticator(c: DatadogCredentials): Authenticator {
  return () => ({ 'DD-API-KEY': c.apiKey, 'DD-APPLICATION-KEY': c.appKey });
}

export interface HuaweiCredentials {
  projectId: string;
  ak?: string;
  sk?: string;
  token?: string;
}

/** HUAWEICLOUD_SDK_AK / _SK / _PROJECT_ID as the SDK reads them, or a token in HUAWEICLOUD_SDK_TOKEN. */
export function huaweiFromEnv(env: NodeJS.ProcessEnv = process.env): HuaweiCredentials | undefined {
  const projectId = env.HUAWEICLOUD_SDK_PROJECT_ID;
  if (!projectId) return undefined;
  if (env.HUAWEICLOUD_SDK_AK && env.HUAWEICLOUD_SDK_SK)
    return { projectId, ak: env.HUAWEICLOUD_SDK_AK, sk: env.HUAWEICLOUD_SDK_SK };
  if (env.HUAWEICLOUD_SDK_TOKEN) return { projectId, token: env.HUAWEICLOUD_SDK_TOKEN };
  return undefined;
}

export const secmasterRegionUrl = (env: NodeJS.ProcessEnv = process.env): string =>
  `https://secmaster.${env.HUAWEICLOUD_SDK_REGION || 'cn-north-4'}.myhuaweicloud.com`;

/** A token header, or an SDK-HMAC-SHA256 signature made the way the SDK makes it. */
export function huaweiAuthenticator(c: HuaweiCredentials, wallClock: () => number = Date.now): Authenticator {
  return (request): Record<string, string> => {
    if (c.token) return { 'X-Auth-Token': c.token };
    const date = new Date(wallClock())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      host: request.url.host,
      'x-project-id': c.projectId,
      'x-sdk-date': date,
    };
    const query: Record<string, string[]> = {};
    for (const [k, v] of request.url.searchParams) (query[k] ??= []).push(v);
    const signed = Object.keys(headers).sort();
    const signature = sign(
      {
        method: request.method,
        path: request.url.pathname,
        query,
        headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
      },
      signed,
      c.sk!,
    );
    const { host: _host, ...sent } = headers;
    return {
      ...sent,
      Authorization: `${ALGORITHM} Access=${c.ak}, SignedHeaders=${signed.join(';')}, Signature=${signature}`,
    };
  };
}
