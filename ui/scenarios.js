// Scenarios (POST/GET/DELETE /__flowtwin/scenarios): how the next runs of a vendor's workflows or
// playbooks go. The form covers the common case; the API takes durations, outputs and more.
import { control } from './api.js';
import { $, hits, ruleList } from './dom.js';
import { readNumber, readText } from './validate.js';

const TIMES = { label: 'times', unit: 'runs', min: 1, integer: true };

/** ScenarioInput names the target, the step and success in each vendor's own words. */
const WORDS = {
  datadog: { target: 'workflow_id', SUCCESS: 'SUCCEEDED', FAILED: 'failStep', HANG: 'hangStep' },
  secmaster: { target: 'playbook_id', SUCCESS: 'FINISHED', FAILED: 'failAction', HANG: 'hangAction' },
};

function body(form) {
  const vendor = form.vendor.value;
  const words = WORDS[vendor];
  const outcome = form.outcome.value;
  const target = readText(form.target, { label: 'workflow / playbook id' });
  const step = readText(form.step, { label: 'step' });
  return {
    vendor,
    outcome: outcome === 'SUCCESS' ? words.SUCCESS : outcome,
    ...(target ? { [words.target]: target } : {}),
    ...(step && outcome !== 'SUCCESS' ? { [words[outcome]]: step } : {}),
    times: readNumber(form.times, TIMES),
  };
}

const describe = (s) =>
  [s.vendor, s.target ?? 'every run', s.tenant && `tenant ${s.tenant}`].filter(Boolean).join(' · ') + `: ${s.outcome}${s.step ? ` at ${s.step}` : ''}${s.probability ? `, ${s.probability * 100}% of runs` : ''}`;

export function createScenarios(report) {
  async function load() {
    const { scenarios } = await control('GET', '/scenarios');
    $('#scenarios .count').textContent = `(${scenarios.length})`;
    $('#scenario-list').replaceChildren(
      ruleList(scenarios, { attr: 'data-scenario', empty: 'No scenarios: runs go as their definition says.', text: describe, note: hits, remove: (s) => report(control('DELETE', `/scenarios/${encodeURIComponent(s.id)}`).then(load), 'scenario removed') }),
    );
  }
  $('#scenario-form').addEventListener('submit', (e) => {
    e.preventDefault();
    report(() => control('POST', '/scenarios', body(e.target.elements)).then(load), 'scenario added');
  });
  return { load };
}
