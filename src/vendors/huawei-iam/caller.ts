// Who calls the fake IAM's project list: the SDKs sign it with AK/SK (no project id yet), scripts
// send a token. With credentials configured the signature is verified as SecMaster's gateway does.
import { parseAuthorization } from './signer.js';
import { credentialsByKey, firstHeader, signedWith, stampFault, type HuaweiCredential } from '../secmaster/auth.js';
import type { Clock } from '../../engine/clock.js';
import type { Store } from '../../store/store.js';
import type { Caller, IncomingRequest, Reply } from '../vendor.js';
import { findToken, IAM_TENANT } from './tokens.js';

export interface IamPrincipal {
  /** The one project the credential is bound to, when it is (a token, a configured key). */
  project?: { id: string; name?: string; domainName?: string };
}

export function iamCaller(
  deps: { store: Store; clock: Clock; wallClock: Clock },
  credentials: HuaweiCredential[] | undefined,
  unauthorized: (message: string) => Reply,
) {
  const keys = credentialsByKey({ ...(credentials ? { credentials } : {}) });
  const caller = (principal: IamPrincipal): Caller<IamPrincipal> => ({ tenant: IAM_TENANT, principal });

  return async function authenticate(request: IncomingRequest): Promise<Caller<IamPrincipal> | Reply> {
    const token = firstHeader(request.headers, 'x-auth-token');
    if (token) {
      const known = await findToken(deps.store, token);
      if (!known || known.expiresAt <= deps.clock.now())
        return unauthorized('The request you have made requires authentication.');
      return caller({ project: { id: known.projectId, name: known.projectName, domainName: known.domainName } });
    }
    const authorization = firstHeader(request.headers, 'authorization');
    if (!authorization)
      return unauthorized('The request you have made requires authentication: send X-Auth-Token or sign with AK/SK.');
    const auth = parseAuthorization(authorization);
    if (!auth) return unauthorized('The Authorization header is not an SDK-HMAC-SHA256 signature.');
    const stale = stampFault(request, auth, deps.wallClock.now());
    if (stale) return unauthorized(stale);
    if (!keys) return caller({});
    const credential = keys.get(auth.accessKey);
    if (!credential) return unauthorized(`The access key ${auth.accessKey} does not exist.`);
    if (!signedWith(request, auth, credential.sk))
      return unauthorized('The signature does not match: verify aksk signature fail.');
    return caller({ project: { id: credential.project_id } });
  };
}
