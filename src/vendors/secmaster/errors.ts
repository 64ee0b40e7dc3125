// SecMaster's fault catalogue: its own {code, message} errors (HTTP 400, codes from the Error Codes
// page) and the API gateway's auth failures (VENDOR-FACTS B2, B4).
import { VendorError, type Reply } from '../vendor.js';

const JSON_TYPE = 'application/json';

function secmasterError(code: string, message: string): Reply {
  return { status: 400, contentType: JSON_TYPE, body: { code, message } };
}

export const smErrors = {
  invalidParameters: (message: string): Reply => secmasterError('SecMaster.20030001', message),
  invalidProject: (message: string): Reply => secmasterError('SecMaster.20030002', message),
  invalidWorkspace: (message: string): Reply => secmasterError('SecMaster.20010001', message),
  /** A well-formed workspace id the project does not have: 403, as Terraform's provider expects (HW-ASSUME-24). */
  unknownWorkspace: (id: string): Reply => ({
    status: 403,
    contentType: JSON_TYPE,
    body: { code: 'SecMaster.20010001', message: `workspace ${id} does not exist in this project` },
  }),
  // No not-found code is documented; SecMaster answers bad ids with 400 "Invalid parameters".
  notFound: (what: string, id: string): Reply => secmasterError('SecMaster.20030001', `${what} ${id} does not exist`),
  unknown: (): Reply => ({
    status: 500,
    contentType: JSON_TYPE,
    body: { code: 'SecMaster.20039999', message: 'Unknown errors' },
  }),
  /**
   * An injected fault: the gateway's throttling body for 429 (naming the rule that throttled, or the
   * gateway's common default for a fault without one), SecMaster's unknown error otherwise.
   */
  fault: (
    status: number,
    requestId: string,
    rule: { limit: number; period: number } = { limit: 100, period: 60 },
  ): Reply =>
    status === 429
      ? {
          status,
          contentType: JSON_TYPE,
          body: {
            error_msg:
              'The throttling threshold has been reached: ' +
              `policy user over ratelimit,limit:${rule.limit},time:${periodText(rule.period)}`,
            error_code: 'APIGW.0308',
            request_id: requestId,
          },
        }
      : { status, contentType: JSON_TYPE, body: { code: 'SecMaster.20039999', message: 'Unknown errors' } },
  /** The gateway's answer to a URL over its limit (HW-ASSUME-19). */
  uriTooLong: (requestId: string): Reply => ({
    status: 414,
    contentType: JSON_TYPE,
    body: { error_msg: 'Request URI too large', error_code: 'APIGW.0201', request_id: requestId },
  }),
  /** The gateway's answer for a path or method it does not route. */
  noSuchApi: (requestId: string): Reply => ({
    status: 404,
    contentType: JSON_TYPE,
    body: {
      error_msg: 'The API does not exist or has not been published in the environment',
      error_code: 'APIGW.0101',
      request_id: requestId,
    },
  }),
  /** The gateway's IAM failure, read by the SDK as error_code / error_msg. */
  unauthorized: (reason: string, requestId: string): Reply => ({
    status: 401,
    contentType: JSON_TYPE,
    body: {
      error_msg: `Incorrect IAM authentication information: ${reason}`,
      error_code: 'APIGW.0301',
      request_id: requestId,
    },
  }),
};

/** A period in seconds as the gateway words it: the largest whole unit, singular ("5 second", HW-ASSUME-17). */
function periodText(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  const [size, unit] = units.find(([size]) => seconds % size === 0) ?? [1, 'second'];
  return `${seconds / size} ${unit}`;
}

export const fail = (reply: Reply): never => {
  throw new VendorError(reply);
};
