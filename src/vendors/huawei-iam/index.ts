// The fake Huawei IAM: issues password tokens (X-Subject-Token) that SecMaster then honours, and
// validates them. Token lifetime follows flowtwin's virtual clock.
import { createHash } from 'node:crypto';
import { isoTime, type Clock } from '../../engine/clock.js';
import type { Store } from '../../store/store.js';
import { ControlInputError, VendorError, type Reply, type Vendor } from '../vendor.js';
import type { HuaweiCredential } from '../secmaster/auth.js';
import { iamCaller, type IamPrincipal } from './caller.js';
import { listProjects, regionProjectId, type ListProjectsQuery } from './projects.js';
import { findToken, issueToken, type StoredToken } from './tokens.js';

export interface IamUser {
  name: string;
  password: string;
  domain?: string;
  project_id: string;
  project_name?: string;
}

export interface IamConfig {
  /** When set, only these users can obtain tokens; otherwise any name and password work. */
  users?: IamUser[];
  /** SecMaster's AK/SK pairs: when set, a signed project lookup must be made with one of them. */
  credentials?: HuaweiCredential[];
}

interface PasswordBody {
  auth: {
    identity: { password: { user: { name: string; password: string; domain?: { name?: string; id?: string } } } };
    scope?: { project?: { name?: string; id?: string } };
  };
}

const JSON_TYPE = 'application/json';
const iamError = (status: number, title: string, message: string): Reply => ({
  status,
  contentType: JSON_TYPE,
  body: { error: { code: status, message, title } },
});
const idFor = (prefix: string, s: string): string =>
  `${prefix}${createHash('sha256').update(s).digest('hex').slice(0, 31)}`;
// A token issued near the end of the clock's range expires after it: printed as the bound, never thrown.
const keystoneTime = (ms: number): string => isoTime(ms).replace('Z', '000Z');

function tokenBody(t: StoredToken) {
  const domain = { id: idFor('d', t.domainName), name: t.domainName };
  return {
    token: {
      expires_at: keystoneTime(t.expiresAt),
      issued_at: keystoneTime(t.issuedAt),
      methods: ['password'],
      catalog: [],
      roles: [{ id: '0', name: 'op_service' }],
      project: { id: t.projectId, name: t.projectName, domain },
      user: { id: idFor('u', `${t.domainName}/${t.userName}`), name: t.userName, domain },
    },
  };
}

export function createIamVendor(
  deps: { store: Store; clock: Clock; wallClock: Clock },
  config: IamConfig = {},
): Vendor<IamPrincipal> {
  const users = config.users && new Map(config.users.map((u) => [u.name, u]));
  const signedCaller = iamCaller(deps, config.credentials, (message) => iamError(401, 'Unauthorized', message));
  return {
    name: 'huawei-iam',
    spec: 'huawei-iam.yaml',
    prefixes: ['/v3/'],
    // Tokens are obtained and validated with what their bodies and headers carry; only the project list
    // needs a caller (IAM-ASSUME-5).
    authenticate: (op, request) =>
      op.operationId === 'KeystoneListProjects' ? signedCaller(request) : { tenant: 'huawei-iam', principal: {} },
    handlers: {
      async KeystoneListProjects(req) {
        const host = String(req.headers.host ?? 'iam.myhuaweicloud.com');
        const search = new URLSearchParams(
          Object.entries(req.query as Record<string, unknown>).map(([k, v]) => [k, String(v)] as [string, string]),
        ).toString();
        const body = await listProjects(
          deps.store,
          req.caller.principal.project,
          req.query as ListProjectsQuery,
          {
            origin: `${req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${host}`,
            search: search ? `?${search}` : '',
          },
          (domainName) => idFor('d', domainName),
        );
        return { status: 200, contentType: JSON_TYPE, body };
      },
      async KeystoneCreateUserTokenByPassword(req) {
        const { identity, scope } = (req.body as PasswordBody).auth;
        const { user } = identity.password;
        const known = users?.get(user.name);
        if (users && (!known || known.password !== user.password))
          return iamError(401, 'Unauthorized', 'The username or password is wrong.');
        const projectName = scope?.project?.name ?? known?.project_name ?? 'cn-north-4';
        const projectId = known?.project_id ?? scope?.project?.id ?? (await regionProjectId(deps.store, projectName));
        if (known && scope?.project?.id && scope.project.id !== known.project_id)
          return iamError(401, 'Unauthorized', `user ${user.name} has no access to project ${scope.project.id}`);
        const domainName = user.domain?.name ?? known?.domain ?? 'flowtwin';
        const { token, record } = await issueToken(deps.store, deps.clock, {
          projectId,
          projectName,
          userName: user.name,
          domainName,
        });
        return { status: 201, contentType: JSON_TYPE, headers: { 'X-Subject-Token': token }, body: tokenBody(record) };
      },
      async KeystoneValidateToken(req) {
        const subject = String(req.headers['x-subject-token']);
        const caller = await findToken(deps.store, String(req.headers['x-auth-token']));
        if (!caller || caller.expiresAt <= deps.clock.now())
          return iamError(401, 'Unauthorized', 'The request you have made requires authentication.');
        const token = await findToken(deps.store, subject);
        if (!token || token.expiresAt <= deps.clock.now())
          return iamError(404, 'Not Found', 'The token is unknown or has expired.');
        return { status: 200, contentType: JSON_TYPE, headers: { 'X-Subject-Token': subject }, body: tokenBody(token) };
      },
    },
    rejectRequest: (_op, v) => iamError(400, 'Bad Request', v.message),
    payloadTooLarge: (_op, limit) => iamError(400, 'Bad Request', `request body exceeds the limit of ${limit} bytes`),
    uriTooLong: (limit) =>
      iamError(414, 'Request-URI Too Long', `Request URI too large: the URL is over ${limit} bytes`),
    routeNotFound: () => iamError(404, 'Not Found', 'The resource could not be found.'),
    faultReply: (_op, status) =>
      iamError(status, status === 429 ? 'Too Many Requests' : 'Error', 'injected by a flowtwin fault rule'),
    methodNotAllowed: () => iamError(404, 'Not Found', 'The resource could not be found.'),
    mapError: (_op, error) =>
      error instanceof VendorError ? error.reply : iamError(500, 'Internal Server Error', 'unexpected error'),
    seed: async () => undefined,
    parseScenario: () => {
      throw new ControlInputError('huawei-iam runs no instances; scenarios are for datadog and secmaster');
    },
    steer: async () => {
      throw new ControlInputError('huawei-iam runs no instances; scenarios are for datadog and secmaster');
    },
  };
}
