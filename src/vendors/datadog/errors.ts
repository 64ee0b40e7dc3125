// Datadog's fault catalogue. Datadog speaks three error dialects (VENDOR-FACTS A7), plus the
// gateway's string errors; each function here builds one recorded (or assumed, see
// docs/fidelity.md) body in the dialect of the endpoint group that sends it.
import { VendorError, type Reply } from '../vendor.js';

export const JSON_TYPE = 'application/json';
export const JSONAPI_TYPE = 'application/vnd.api+json';

/** Instance endpoints: {"errors":[{"code","detail"}]} as application/json. */
function instanceError(status: number, code: string, detail: string): Reply {
  return { status, contentType: JSON_TYPE, body: { errors: [{ code, detail }] } };
}

/** Gateway-level errors and GET /workflows: {"errors":["..."]}. */
export function stringError(status: number, message: string): Reply {
  return { status, contentType: JSON_TYPE, body: { errors: [message] } };
}

export const ddErrors = {
  forbidden: (): Reply => stringError(403, 'Forbidden'),
  routeNotFound: (): Reply => stringError(404, 'Not found'),
  methodNotAllowed: (allowed: string[]): Reply => ({
    ...stringError(405, 'Method Not Allowed'),
    headers: { allow: allowed.join(', ') },
  }),
  internal: (): Reply => stringError(500, 'Internal Server Error'),
  /** An injected fault: Datadog's gateway answers with string errors; a 429 carries its limits. */
  fault: (status: number): Reply => {
    if (status !== 429) return stringError(status, STATUS_TEXT[status] ?? `Error ${status}`);
    return {
      ...stringError(429, 'Too many requests'),
      headers: {
        'X-RateLimit-Limit': '1000',
        'X-RateLimit-Period': '60',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': '1',
        'X-RateLimit-Name': 'flowtwin_fault',
      },
    };
  },

  // Recorded: the literal "<no value>" (a Go template miss) and no echo of the bad value.
  invalidField: (field: string): Reply =>
    instanceError(400, 'INVALID_FIELD_VALUE', `value <no value> is invalid for field ${field}`),
  invalidInstanceBody: (detail: string): Reply => instanceError(400, 'INVALID_REQUEST_BODY', detail),
  instanceWorkflowNotFound: (): Reply => instanceError(404, 'WORKFLOW_NOT_FOUND', 'workflow not found'),
  instanceNotFound: (id: string): Reply => instanceError(404, 'INSTANCE_NOT_FOUND', `instance ${id} not found`),
  /** DD-ASSUME-29: documented refusals, assumed status and codes. */
  notPublished: (id: string): Reply =>
    instanceError(
      400,
      'WORKFLOW_NOT_PUBLISHED',
      `workflow ${id} is not published; publish it before triggering it with a POST request`,
    ),
  noApiTrigger: (id: string): Reply =>
    instanceError(400, 'NO_API_TRIGGER', `workflow ${id} has no apiTrigger; add one to execute it through the API`),
  instanceNotRunning: (id: string, status: string): Reply =>
    instanceError(400, 'INVALID_INSTANCE_STATE', `instance ${id} is not running (status ${status})`),

  workflowNotFound: (): Reply => ({
    status: 404,
    contentType: JSONAPI_TYPE,
    body: { errors: [{ detail: 'workflow not found' }] },
  }),
  workflowValidation: (details: string[]): Reply => ({
    status: 400,
    contentType: JSONAPI_TYPE,
    body: { errors: details.map((detail) => ({ detail })) },
  }),
  // Recorded for GET; the camelCase name is the server's, not the spec's.
  invalidPathParameter: (name: string): Reply => ({
    status: 400,
    contentType: JSONAPI_TYPE,
    body: {
      errors: [
        {
          status: '400',
          title: 'Invalid Parameter',
          detail: `invalid parameter "${camel(name)}" in "path"; expected type "uuid"`,
        },
      ],
    },
  }),
  invalidWorkflowBody: (detail: string): Reply => ({
    status: 400,
    contentType: JSONAPI_TYPE,
    body: { errors: [{ status: '400', title: 'Bad Request', detail: `request body has an error: ${detail}` }] },
  }),
  invalidListQuery: (name: string, reason: string): Reply =>
    stringError(400, `invalid parameter "${name}" in "query"; ${LIST_QUERY_EXPECTED[name] ?? reason}`),

  /** DD-ASSUME-26: the gateway's string dialect. */
  uriTooLong: (limit: number): Reply => stringError(414, `Request-URI Too Large: the URL is over ${limit} bytes`),
  /** DD-ASSUME-27: a count, so 400 (a 429 would be retried in vain). */
  instanceLimit: (limit: number): Reply =>
    instanceError(400, 'INSTANCE_LIMIT_EXCEEDED', `limit of ${limit} workflow instances per org reached`),
  instancePayloadTooLarge: (limit: number): Reply => instanceError(413, 'PAYLOAD_TOO_LARGE', tooLarge(limit)),
  workflowPayloadTooLarge: (limit: number): Reply => ({
    status: 413,
    contentType: JSONAPI_TYPE,
    body: { errors: [{ status: '413', title: 'Payload Too Large', detail: tooLarge(limit) }] },
  }),
};

/** ListWorkflows' wording per parameter (assumed, DD-ASSUME-4); the rest use the validator's words. */
const LIST_QUERY_EXPECTED: Record<string, string> = {
  limit: 'expected an integer from 1 to 100',
  page: 'expected an integer of 0 or more',
  sort:
    'expected comma-separated fields among name, createdAt, updatedAt, creatorName, ownerName, lastExecutedAt, ' +
    'each optionally prefixed with "-"',
  'filter[includeUnpublished]': 'expected true or false',
  'filter[includeSpecs]': 'expected true or false',
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const tooLarge = (limit: number): string => `request body exceeds the limit of ${limit} bytes`;

export const fail = (reply: Reply): never => {
  throw new VendorError(reply);
};

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
