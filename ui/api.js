// Every request stays on this origin with credentials: 'same-origin', so a control-plane cookie,
// if flowtwin ever sets one, goes along; nothing is fetched from anywhere else.
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** What went wrong, from any of the shapes answered here: problem+json or a vendor's error body. */
function messageOf(status, body) {
  if (body && typeof body === 'object') {
    if (body.detail) return body.detail;
    if (Array.isArray(body.errors)) return body.errors.map((e) => (typeof e === 'string' ? e : e.detail ?? e.title)).join('; ');
    if (body.error_msg) return body.error_msg;
    if (body.message) return body.message;
  }
  return typeof body === 'string' && body ? body : `HTTP ${status}`;
}

export async function call(method, path, { body, headers = {} } = {}) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) throw new ApiError(res.status, `${method} ${path.split('?')[0]}: ${res.status} ${messageOf(res.status, parsed)}`);
  return parsed;
}

export const control = (method, path, body) => call(method, `/__flowtwin${path}`, body === undefined ? {} : { body });

export function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '');
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
}
