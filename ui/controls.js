// The control plane's own buttons: clock, reset, SecMaster trigger, faults, and the credentials
// used for vendor calls (whose tenant the server tells through GET /__flowtwin/clock).
import { call, control } from './api.js';
import { $, h, time } from './dom.js';

export function createClock(report) {
  let frozen = false;
  async function load() {
    const c = await control('GET', '/clock');
    frozen = c.frozen;
    $('#clock-now').textContent = `${time(c.iso)} UTC`;
    $('#clock-state').textContent = c.frozen ? 'frozen' : c.speed === 1 ? 'running' : `running ×${c.speed}`;
    $('#clock-state').className = `badge ${c.frozen ? 'status-stopped' : 'status-running'}`;
    $('#clock-toggle').textContent = c.frozen ? 'Resume' : 'Freeze';
  }
  $('#clock-toggle').addEventListener('click', () => report(control('POST', frozen ? '/clock/resume' : '/clock/freeze').then(load), frozen ? 'clock resumed' : 'clock frozen'));
  $('#clock-advance').addEventListener('click', () => {
    const seconds = Number($('#advance-seconds').value);
    report(control('POST', '/clock/advance', { ms: Math.round(seconds * 1000) }).then(load), `clock advanced by ${seconds} s`);
  });
  return { load };
}

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
      faults.length
        ? h('ul', { class: 'faults' }, faults.map((f) => h('li', { 'data-fault': f.id }, h('span', {}, `${scope(f)}: ${effect(f)}`, h('span', { class: 'muted' }, ` (hits ${f.hits}${f.times ? ` of ${f.times}` : ''})`)), h('button', { type: 'button', onclick: () => report(control('DELETE', `/faults/${f.id}`).then(load), 'fault removed') }, '✕'))))
        : h('p', { class: 'muted' }, 'No faults.'),
    );
  }
  $('#fault-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const body = {};
    for (const key of ['vendor', 'operation']) if (String(f.get(key)).trim()) body[key] = String(f.get(key)).trim();
    for (const key of ['status', 'latencyMs', 'times']) if (String(f.get(key)).trim()) body[key] = Number(f.get(key));
    if (f.get('drop')) body.drop = true;
    report(control('POST', '/faults', body).then(load), 'fault added');
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

/** Headers per vendor for the vendor API, and the Datadog tenant those keys are. */
export function createCredentials(onChange) {
  const form = $('#credentials-form');
  let ddTenant;
  const value = (name) => form.elements[name].value.trim();
  const headers = (vendor) => (vendor === 'datadog' ? { 'DD-API-KEY': value('ddApiKey'), 'DD-APPLICATION-KEY': value('ddAppKey') } : { 'X-Auth-Token': value('smToken') });
  async function load() {
    ddTenant = value('ddApiKey') && value('ddAppKey') ? (await call('GET', '/__flowtwin/clock', { headers: headers('datadog') })).tenant : undefined;
    $('#credentials-tenant').textContent = ddTenant ? `These Datadog keys are tenant ${ddTenant}.` : 'No Datadog keys.';
    onChange();
  }
  form.addEventListener('change', () => void load());
  return { load, headers, ddTenant: () => ddTenant };
}
