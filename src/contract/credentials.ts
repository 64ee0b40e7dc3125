// Credentials for the contract suite, from the vendors' usual environment variables. Values are
// only ever put into request headers; reports and logs show requests without headers.
import type { Authenticator } from './http.js';

export interface DatadogCredentials {
  apiKey: string;
  appKey: string;
}

export function datadogFromEnv(env: NodeJS.ProcessEnv = process.env): DatadogCredentials | undefined {
  return env.DD_API_KEY && env.DD_APP_KEY ? { apiKey: env.DD_API_KEY, appKey: env.DD_APP_KEY } : undefined;
}

/** The real Datadog site's API base URL (DD_SITE, e.g. datadoghq.eu), as the official client builds it. */
export const datadogSiteUrl = (env: NodeJS.ProcessEnv = process.env): string => `https://api.${env.DD_SITE || 'datadoghq.com'}`;

export function datadogAuthenticator(c: DatadogCredentials): Authenticator {
  return () => ({ 'DD-API-KEY': c.apiKey, 'DD-APPLICATION-KEY': c.appKey });
}
