// Response overrides (POST/GET/DELETE /__flowtwin/overrides): answer matching vendor requests with
// a given status and body. The server checks the response against the operation's spec; its 400
// says what is wrong in its own words, so the page shows that detail untouched.
import { control } from './api.js';
import { $, hits, ruleList } from './dom.js';
import { InputError, readJson, readNumber, readText } from './validate.js';

// OverrideInput's bounds in specs/flowtwin-control.yaml.
const STATUS = { label: 'status', unit: '(HTTP status)', min: 200, max: 599, integer: true, required: true };
const TIMES = { label: 'times', unit: 'requests', min: 1, max: 1000000, integer: true };

function body(form) {
  const params = readJson(form.params, { label: 'match path params', object: true });
  // Path parameters match as decoded strings; a number here would never match and the server refuses it.
  const bad = params && Object.entries(params).find(([, v]) => typeof v !== 'string');
  if (bad) throw new InputError(form.params, `match path params: each value a string ("${bad[0]}" is not)`);
  return {
    vendor: form.vendor.value || undefined,
    operation: readText(form.operation, { label: 'operation', required: true }),
    status: readNumber(form.status, STATUS),
    body: readJson(form.body, { label: 'body' }),
    ...(params ? { match: { params } } : {}),
    times: readNumber(form.times, TIMES),
    offSpec: form.offSpec.checked || undefined,
  };
}

const describe = (o) => {
  const params = o.match?.params ? ` ${Object.entries(o.match.params).map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
  const other = o.match?.query || o.match?.body ? ' (+ query/body match)' : '';
  return `${o.vendor} ${o.operation}${params}${other} → ${o.status}${o.offSpec ? ' off spec' : ''}${o.tenant ? ` · tenant ${o.tenant}` : ''}`;
};

export function createOverrides(report) {
  async function load() {
    const { overrides } = await control('GET', '/overrides');
    $('#overrides .count').textContent = `(${overrides.length})`;
    $('#override-list').replaceChildren(
      ruleList(overrides, { attr: 'data-override', empty: 'No overrides.', text: describe, note: hits, remove: (o) => report(control('DELETE', `/overrides/${encodeURIComponent(o.id)}`).then(load), 'override removed') }),
    );
  }
  $('#override-form').addEventListener('submit', (e) => {
    e.preventDefault();
    report(() => control('POST', '/overrides', body(e.target.elements)).then(load), 'override added');
  });
  return { load };
}
