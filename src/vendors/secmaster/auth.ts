// SecMaster auth as the API gateway does it (VENDOR-FACTS B2-B3): an IAM token in X-Auth-Token,
// or an AK/SK SDK-HMAC-SHA256 signature. Either is bound to one project; the project is the tenant.
// With no credentials configured (local development) any well-formed token or signature passes.
import { findToken } from '../huawei-iam/tokens.js';
import {
  parseAuthorization,
  parseSdkDate,
  sign,
  signatureMatches,
  type AuthorizationHeader,
} from '../huawei-iam/signer.js';
import type { OperationSpec } from '../../spec/operations.js';
import { isoTime } from '../../engine/clock.js';
import type { Caller, IncomingRequest, Reply } from '../vendor.js';
import type { SecMasterContext } from './context.js';
import { smErrors } from './errors.js';

export interface HuaweiCredential {
  ak: string;
  sk: string;
  project_id: string;
}

export interface SecMasterAuthConfig {
  /** When set, only these AK/SK pairs (and tokens the fake IAM issued) are accepted. */
  credentials?: HuaweiCredential[];
}

export interface SecMasterPrincipal {
  projectId: string;
  via: 'token' | 'aksk';
}

/** The gateway's documented tolerance between X-Sdk-Date and its own clock. */
export const MAX_DATE_SKEW_MS = 15 * 60 * 1000;
const MAX_TOKEN_LENGTH = 2_097_152;

export function createSecMasterAuth(ctx: SecMasterContext, config: SecMasterAuthConfig, requestId: () => string) {
  const credentials = credentialsByKey(config);
  const deny = (reason: string): Reply => smErrors.unauthorized(reason, requestId());

  async function byToken(token: string, projectId: string): Promise<Caller<SecMasterPrincipal> | Reply> {
    if (token.length > MAX_TOKEN_LENGTH) return deny('decrypt token fail');
    const known = await findToken(ctx.store, token);
    if (!known) return credentials ? deny('decrypt token fail') : caller(projectId, 'token');
    if (known.expiresAt <= ctx.clock.now(projectId))
      return deny(`token expires, expires_at: ${isoTime(known.expiresAt)}`);
    if (known.projectId !== projectId) return deny(`the token is scoped to another project than ${projectId}`);
    return caller(projectId, 'token');
  }

  function bySignature(request: IncomingRequest, value: string, projectId: string): Caller<SecMasterPrincipal> | Reply {
    const auth = parseAuthorization(value);
    if (!auth) return deny('verify aksk signature fail');
    const stale = stampFault(request, auth, ctx.wallClock.now());
    if (stale) return deny(stale);
    const claimed = header(request, 'x-project-id');
    if (claimed !== undefined && claimed !== projectId)
      return deny(`x-project-id ${claimed} does not match the project in the path`);
    if (!credentials) return caller(projectId, 'aksk');
    const credential = credentials.get(auth.accessKey);
    if (!credential) return deny(`Get secretKey failed,ak:${auth.accessKey},err:ak not exist`);
    if (!signedWith(request, auth, credential.sk)) return deny('verify aksk signature fail');
    if (credential.project_id !== projectId)
      return deny(`the access key is bound to another project than ${projectId}`);
    return caller(projectId, 'aksk');
  }

  return async function authenticate(
    _op: OperationSpec,
    request: IncomingRequest,
  ): Promise<Caller<SecMasterPrincipal> | Reply> {
    const projectId = /^\/v1\/([^/]+)\//.exec(request.path)?.[1] ?? '';
    const token = header(request, 'x-auth-token');
    if (token) return byToken(token, projectId);
    const authorization = header(request, 'authorization');
    if (authorization) return bySignature(request, authorization, projectId);
    return deny('x-auth-token not found');
  };
}

const caller = (projectId: string, via: SecMasterPrincipal['via']): Caller<SecMasterPrincipal> => ({
  tenant: projectId,
  principal: { projectId, via },
});

/**
 * What the gateway finds wrong with a signature's date and signed headers before it looks at the key
 * (undefined: nothing). Shared with the control plane, which verifies signed calls the same way.
 */
export function stampFault(request: IncomingRequest, auth: AuthorizationHeader, wallNow: number): string | undefined {
  const date = parseSdkDate(header(request, 'x-sdk-date') ?? '');
  if (date === undefined) return 'x-sdk-date is missing or malformed';
  if (Math.abs(date - wallNow) > MAX_DATE_SKEW_MS)
    return 'the signature has expired: x-sdk-date is more than 15 minutes away';
  if (!auth.signedHeaders.includes('host') || !auth.signedHeaders.includes('x-sdk-date'))
    return 'verify aksk signature fail';
  return undefined;
}

/** Whether the signature is the request's, made with this secret key (compared in constant time). */
export function signedWith(request: IncomingRequest, auth: AuthorizationHeader, sk: string): boolean {
  const expected = sign(
    {
      method: request.method,
      path: request.path,
      query: request.query,
      headers: request.headers,
      ...(request.body ? { body: request.body } : {}),
    },
    auth.signedHeaders,
    sk,
  );
  return signatureMatches(expected, auth.signature);
}

/** The configured AK/SK pairs by access key; undefined when none are (any well-formed one passes). */
export function credentialsByKey(config: SecMasterAuthConfig): Map<string, HuaweiCredential> | undefined {
  return config.credentials && new Map(config.credentials.map((c) => [c.ak, c]));
}

/** A header's first value. */
export function firstHeader(headers: IncomingRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const header = (request: IncomingRequest, name: string): string | undefined => firstHeader(request.headers, name);
