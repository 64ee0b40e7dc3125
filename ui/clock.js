// The virtual clock in the header: the global one, or the clock of the tenant the Datadog keys
// under Credentials name. A tenant's clock is reached only by sending its credentials (the control
// plane has no tenant parameter), so every call here carries them when that clock is chosen.
import { control, call } from './api.js';
import { $, time } from './dom.js';
import { readNumber } from './validate.js';

// The control plane's bounds (specs/flowtwin-control.yaml): 100 years per advance, speed up to 10^6.
const ADVANCE = { label: 'advance by', unit: 'seconds', min: 0, max: 3155760000, required: true };
const SPEED = { label: 'speed', unit: '× real time', above: 0, max: 1000000, required: true };

export function createClock(report, credentials) {
  let frozen = false;
  const scoped = () => $('#clock-scope').value === 'datadog';
  const send = (method, path, body) => (scoped() ? call(method, `/__flowtwin${path}`, { headers: credentials.headers('datadog'), ...(body === undefined ? {} : { body }) }) : control(method, path, body));
  const which = () => (scoped() ? `tenant ${credentials.ddLabel() ?? '(no keys)'}` : 'global');

  async function load() {
    const c = await send('GET', '/clock');
    frozen = c.frozen;
    const label = $('#clock-which');
    label.textContent = scoped() ? `${which()}${c.own ? '' : ' (follows global)'}` : 'global';
    label.title = scoped() ? (c.tenant ?? '') : 'the clock of every tenant without one of its own';
    $('#clock').dataset.scope = scoped() ? 'tenant' : 'global';
    $('#clock-now').textContent = `${time(c.iso)} UTC`;
    const speed = c.speed === 1 ? '' : ` ×${c.speed}`;
    $('#clock-state').textContent = c.frozen ? `frozen${speed}` : `running${speed}`;
    $('#clock-state').className = `badge ${c.frozen ? 'status-stopped' : 'status-running'}`;
    $('#clock-toggle').textContent = c.frozen ? 'Resume' : 'Freeze';
  }

  $('#clock-scope').addEventListener('change', () => report(load(), `showing the ${which()} clock`));
  $('#clock-toggle').addEventListener('click', () => report(() => send('POST', frozen ? '/clock/resume' : '/clock/freeze').then(load), `${which()} clock ${frozen ? 'resumed' : 'frozen'}`));
  $('#clock-advance').addEventListener('click', () => {
    let seconds;
    report(() => {
      seconds = readNumber($('#advance-seconds'), ADVANCE);
      return send('POST', '/clock/advance', { ms: Math.round(seconds * 1000) }).then(load);
    }, () => `${which()} clock advanced by ${seconds} s`);
  });
  $('#clock-speed-set').addEventListener('click', () => {
    let speed;
    report(() => {
      speed = readNumber($('#clock-speed'), SPEED);
      return send('POST', '/clock/speed', { speed }).then(load);
    }, () => `${which()} clock speed ×${speed}`);
  });
  return { load };
}
