// The control plane's own buttons: reset, SecMaster trigger and faults. The clock, the rule lists
// and the credentials have their own modules.
import { control } from './api.js';
import { $, hits, ruleList } from './dom.js';
import { readNumber, readText } from './validate.js';

// The bounds of FaultInput in specs/flowtwin-control.yaml, in the units the form shows.
const STATUS = { label: 'status', unit: '(HTTP status)', min: 400, max: 599, integer: true };
const LATENCY = { label: 'latency', unit: 'milliseconds', min: 0, max: 120000, integer: true };
const TIMES = { label: 'times', unit: 'matches', min: 1, integer: true };

/** Reset asks for a second click within 3 s: it empties everything. */
export function createReset(report) {
  const button = $('#reset');
  let armed;
  button.addEventListener('click', () => {
    if (!armed) {
      button.textContent = 'Click again to reset';
      armed = setTimeout(() => {
        armed = undefined;
        button.textContent = 'Reset';
      }, 3000);
      return;
    }
    clearTimeout(armed);
    armed = undefined;
    button.textContent = 'Reset';
    report(control('POST', '/reset', { seed: $('#reset-seed').checked }), 'reset done');
  });
}

export function createTrigger(report, onStarted) {
  $('#trigger-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = Object.fromEntries([...new FormData(e.target)].filter(([, v]) => String(v).trim() !== '').map(([k, v]) => [k, String(v).trim()]));
    if (body.outcome !== 'FAILED') delete body.fail_action;
    report(control('POST', '/secmaster/trigger', body).then(onStarted), 'playbook run started');
  });
}

export function createFaults(report) {
  async function load() {
    const { faults } = await control('GET', '/faults');
    const effect = (f) => [f.status && `status ${f.status}`, f.latencyMs && `+${f.latencyMs} ms`, f.drop && 'drop', f.truncate && 'truncate'].filter(Boolean).join(', ');
    const scope = (f) => [f.vendor, f.operation, f.path && `path ~ ${f.path}`, f.tenant && `tenant ${f.tenant}`].filter(Boolean).join(' · ') || 'every request';
    $('#fault-list').replaceChildren(
      ruleList(faults, { attr: 'data-fault', empty: 'No faults.', text: (f) => `${scope(f)}: ${effect(f)}`, note: hits, remove: (f) => report(control('DELETE', `/faults/${f.id}`).then(load), 'fault removed') }),
    );
  }
  $('#fault-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.target.elements;
    report(() => {
      const body = { vendor: form.vendor.value || undefined, operation: readText(form.operation, { label: 'operation' }), status: readNumber(form.status, STATUS), latencyMs: readNumber(form.latencyMs, LATENCY), times: readNumber(form.times, TIMES), drop: form.drop.checked || undefined };
      // JSON leaves the fields left empty (undefined) out of the body.
      return control('POST', '/faults', body).then(load);
    }, 'fault added');
  });
  $('#faults-clear').addEventListener('click', () =>
    report(
      control('GET', '/faults')
        .then(({ faults }) => Promise.all(faults.map((f) => control('DELETE', `/faults/${f.id}`))))
        .then(load),
      'faults cleared',
    ),
  );
  return { load };
}
