// The credentials the page sends on vendor calls (Cancel, Retry, Terminate) and on a tenant's own
// clock; which tenant the Datadog keys are is the server's answer, never guessed here.
import { call } from './api.js';
import { $, h } from './dom.js';

export function createCredentials(onChange) {
  const form = $('#credentials-form');
  let ddTenant;
  let ddLabel;
  const value = (name) => form.elements[name].value.trim();
  const headers = (vendor) => (vendor === 'datadog' ? { 'DD-API-KEY': value('ddApiKey'), 'DD-APPLICATION-KEY': value('ddAppKey') } : { 'X-Auth-Token': value('smToken') });

  /** The tenant's readable label: from the server when it gives one (on its instances), else its id. */
  async function labelOf(clock) {
    if (clock.tenantLabel) return clock.tenantLabel;
    const { instances } = await call('GET', '/__flowtwin/instances?limit=1', { headers: headers('datadog') });
    return instances[0]?.tenantLabel ?? clock.tenant;
  }

  const show = () =>
    $('#credentials-tenant').replaceChildren(...(ddTenant ? ['These Datadog keys are tenant ', h('span', { class: 'mono tenant-label', title: ddTenant }, ddLabel), '.'] : ['No Datadog keys.']));

  async function load() {
    ddTenant = undefined;
    ddLabel = undefined;
    try {
      if (value('ddApiKey') && value('ddAppKey')) {
        const clock = await call('GET', '/__flowtwin/clock', { headers: headers('datadog') });
        ddTenant = clock.tenant;
        ddLabel = await labelOf(clock);
      }
      show();
    } catch (err) {
      $('#credentials-tenant').textContent = err.message;
    }
    onChange();
  }
  /** A label learnt later (the tenant's first instance appeared in the list). */
  function learnLabel(label) {
    if (!label || label === ddLabel) return;
    ddLabel = label;
    show();
  }
  form.addEventListener('change', () => void load());
  return { load, headers, learnLabel, ddTenant: () => ddTenant, ddLabel: () => ddLabel ?? ddTenant };
}
