// Datadog auth: DD-API-KEY + DD-APPLICATION-KEY on every call. The key pair is the tenant (an
// org) unless a config file maps keys to named orgs with permissions. Which permission an
// operation needs is read from the spec's x-permission, not repeated here.
import { createHash } from 'node:crypto';
import type { OperationSpec } from '../../spec/operations.js';
import type { Caller, IncomingRequest, Reply } from '../vendor.js';
import { ControlInputError } from '../vendor.js';
import { ddErrors } from './errors.js';

export interface DatadogKey {
  apiKey: string;
  appKey: string;
  /** Tenant name; keys with the same org see the same workflows. Defaults to the key pair. */
  org?: string;
  /** Granted permissions; all when omitted. */
  permissions?: string[];
  user?: { name?: string; email?: string };
}

export interface DatadogAuthConfig {
  /** When set, only these keys are accepted. When absent, any non-empty pair is its own org. */
  keys?: DatadogKey[];
}

export interface DatadogUser {
  uuid: string;
  name: string;
  email: string;
}

export interface DatadogPrincipal {
  user: DatadogUser;
  permissions: ReadonlySet<string> | 'all';
  /** The org as a person knows it: its configured name, or its key pair masked. */
  label: string;
}

const MAX_CACHED_CALLERS = 10_000;

/** Tenants flowtwin keeps for itself: the global one (journal, control state) and the fake IAM's. */
const RESERVED_ORGS = new Set(['', 'huawei-iam']);

/**
 * `labels` learns each accepted caller's tenant label, for the tenant index to keep with the tenant's
 * first instance (the dashboard shows it); bounded like the callers it comes from.
 */
export function createDatadogAuth(config: DatadogAuthConfig = {}, labels?: Map<string, string>) {
  config.keys?.forEach((k, i) => {
    // An org sharing a reserved tenant's storage would read and reset the journal or IAM's tokens.
    if (k.org !== undefined && RESERVED_ORGS.has(k.org))
      throw new Error(
        `datadog.auth.keys[${i}].org ${JSON.stringify(k.org)} is reserved by flowtwin; choose another org name`,
      );
  });
  const configured = config.keys && new Map(config.keys.map((k) => [pairKey(k.apiKey, k.appKey), k]));
  const callers = new Map<string, Caller<DatadogPrincipal>>();

  function callerFor(apiKey: string, appKey: string): Caller<DatadogPrincipal> | undefined {
    const key = pairKey(apiKey, appKey);
    let caller = callers.get(key);
    if (!caller) {
      const entry = configured ? configured.get(key) : { apiKey, appKey };
      if (!entry) return undefined;
      caller = buildCaller(entry);
      if (callers.size >= MAX_CACHED_CALLERS) callers.clear();
      callers.set(key, caller);
    }
    if (labels && labels.get(caller.tenant) === undefined) {
      if (labels.size >= MAX_CACHED_CALLERS) labels.clear();
      labels.set(caller.tenant, caller.principal.label);
    }
    return caller;
  }

  const callerOf = (headers: IncomingRequest['headers']): Caller<DatadogPrincipal> | undefined => {
    const apiKey = single(headers['dd-api-key']);
    const appKey = single(headers['dd-application-key']);
    return apiKey && appKey ? callerFor(apiKey, appKey) : undefined;
  };

  const authenticate = function authenticate(
    op: OperationSpec,
    { headers }: IncomingRequest,
  ): Caller<DatadogPrincipal> | Reply {
    const caller = callerOf(headers);
    if (!caller) return ddErrors.forbidden();
    const needed = requiredPermissions(op);
    const granted = caller.principal.permissions;
    if (needed.length > 0 && granted !== 'all' && !needed.some((p) => granted.has(p))) return ddErrors.forbidden();
    return caller;
  };
  const tenantOf = async ({ headers }: IncomingRequest): Promise<string | undefined> => {
    if (headers['dd-api-key'] === undefined && headers['dd-application-key'] === undefined) return undefined;
    const caller = callerOf(headers);
    if (!caller)
      throw new ControlInputError(
        'DD-API-KEY and DD-APPLICATION-KEY do not name a Datadog org flowtwin accepts ' +
          '(both are needed, and must be a configured pair when keys are configured)',
        401,
      );
    return caller.tenant;
  };
  return { authenticate, tenantOf };
}

/** Enough of a key to tell it from another on screen, never enough to use it. */
export function maskKey(key: string): string {
  return key.length >= 12 ? `${key.slice(0, 4)}…${key.slice(-4)}` : `${key.slice(0, 2)}…`;
}

export function buildCaller(entry: DatadogKey): Caller<DatadogPrincipal> {
  const digest = sha256(`${entry.apiKey}\u0000${entry.appKey}`);
  const userDigest = sha256(`user\u0000${entry.appKey}`);
  const uuid =
    `${userDigest.slice(0, 8)}-${userDigest.slice(8, 12)}-4${userDigest.slice(13, 16)}-` +
    `a${userDigest.slice(17, 20)}-${userDigest.slice(20, 32)}`;
  return {
    tenant: entry.org ?? `dd-${digest.slice(0, 16)}`,
    principal: {
      label: entry.org !== undefined ? `org ${entry.org}` : `keys ${maskKey(entry.apiKey)} / ${maskKey(entry.appKey)}`,
      user: {
        uuid,
        name: entry.user?.name ?? 'Flowtwin User',
        email: entry.user?.email ?? `user-${userDigest.slice(0, 8)}@flowtwin.invalid`,
      },
      permissions: entry.permissions ? new Set(entry.permissions) : 'all',
    },
  };
}

function requiredPermissions(op: OperationSpec): string[] {
  const ext = op.raw['x-permission'] as { permissions?: unknown } | undefined;
  return Array.isArray(ext?.permissions) ? ext.permissions.filter((p): p is string => typeof p === 'string') : [];
}

const single = (v: string | string[] | undefined): string | undefined =>
  (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
const pairKey = (apiKey: string, appKey: string): string => `${apiKey}\u0000${appKey}`;
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
