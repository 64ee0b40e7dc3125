// Which project a control call's Huawei credentials name. The control plane acts for that project
// only, so credentials that name none are refused (401) instead of widening the call to every tenant.
// With credentials configured a signed call is verified as the gateway verifies one (date window,
// signed headers, signature over the whole request): an access key alone, which is no secret, must
// not let anyone reset or read a project.
import { findToken } from '../huawei-iam/tokens.js';
import { parseAuthorization } from '../huawei-iam/signer.js';
import { ControlInputError, type IncomingRequest } from '../vendor.js';
import type { SecMasterContext } from './context.js';
import { credentialsByKey, firstHeader as one, signedWith, stampFault, type SecMasterAuthConfig } from './auth.js';

/** What a Huawei project id looks like (32 hex characters in practice; dashes tolerated). */
const PROJECT_ID = /^[0-9a-zA-Z-]{32,36}$/;

export function secmasterTenantOf(ctx: SecMasterContext, config: SecMasterAuthConfig) {
  const credentials = credentialsByKey(config);
  const refuse = (why: string): never => {
    throw new ControlInputError(`${why}; a control call with Huawei credentials acts for their project only`, 401);
  };

  return async function tenantOf(request: IncomingRequest): Promise<string | undefined> {
    const { headers } = request;
    const token = one(headers, 'x-auth-token');
    const authorization = one(headers, 'authorization');
    const claimed = one(headers, 'x-project-id');
    if (!token && !authorization) {
      if (claimed !== undefined) refuse('X-Project-Id needs an X-Auth-Token or an AK/SK signature with it');
      return undefined;
    }
    if (claimed !== undefined && !PROJECT_ID.test(claimed))
      refuse(
        `X-Project-Id ${JSON.stringify(claimed.slice(0, 64))} is not a project id (32 to 36 letters, digits or dashes)`,
      );
    if (token) {
      const known = await findToken(ctx.store, token);
      if (known) {
        if (known.expiresAt <= ctx.clock.now(known.projectId)) refuse('the X-Auth-Token has expired');
        if (claimed !== undefined && claimed !== known.projectId)
          refuse(`the X-Auth-Token is scoped to another project than X-Project-Id ${claimed}`);
        return known.projectId;
      }
      if (credentials) refuse("the X-Auth-Token was not issued by flowtwin's IAM");
      return claimed ?? refuse("an X-Auth-Token flowtwin's IAM did not issue needs X-Project-Id to name its project");
    }
    const auth = parseAuthorization(authorization!);
    if (!auth) return refuse('the Authorization header is not an SDK-HMAC-SHA256 signature');
    if (!credentials) return claimed ?? refuse('an AK/SK signature needs X-Project-Id to name its project');
    const credential = credentials.get(auth.accessKey);
    if (!credential) return refuse(`access key ${auth.accessKey} is not configured`);
    const stale = stampFault(request, auth, ctx.wallClock.now());
    if (stale) refuse(`the AK/SK signature does not verify (${stale})`);
    if (!signedWith(request, auth, credential.sk))
      refuse(
        "the AK/SK signature does not verify: it is not this request's, signed with the secret key of that access key",
      );
    if (claimed !== undefined && claimed !== credential.project_id)
      refuse(`access key ${auth.accessKey} is bound to another project than X-Project-Id ${claimed}`);
    return credential.project_id;
  };
}
