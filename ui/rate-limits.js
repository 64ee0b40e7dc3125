// Rate limits (GET/PUT /__flowtwin/rate-limits). PUT replaces every rule, so the form sets one
// rule (the common case) and "off" sends the empty list.
import { control } from './api.js';
import { $, ruleList } from './dom.js';
import { readNumber, readText } from './validate.js';

// RateLimitRule's bounds in specs/flowtwin-control.yaml.
const LIMIT = { label: 'limit', unit: 'requests', min: 0, max: 1000000, integer: true, required: true };
const PERIOD = { label: 'period', unit: 'seconds', min: 1, max: 86400, integer: true, required: true };
const NAME = { label: 'name', required: true, pattern: /^[A-Za-z0-9_.-]{1,64}$/, hint: 'letters, digits, _ . - (at most 64)' };

function rule(form) {
  const operations = form.operations.value.split(',').map((o) => o.trim()).filter(Boolean);
  return {
    vendor: form.vendor.value,
    name: readText(form.name, NAME),
    limit: readNumber(form.limit, LIMIT),
    period: readNumber(form.period, PERIOD),
    ...(operations.length ? { operations } : {}),
  };
}

const describe = (r) => `${r.vendor} ${r.name}: ${r.limit} requests per ${r.period} s per tenant`;

export function createRateLimits(report) {
  const show = (rules) => {
    $('#rate-limits .count').textContent = rules.length ? `(${rules.length})` : '(off)';
    $('#rate-limit-list').replaceChildren(ruleList(rules, { attr: 'data-rule', empty: 'No rate limits.', text: describe, note: (r) => (r.operations ? r.operations.join(', ') : 'every operation') }));
  };
  const load = async () => show((await control('GET', '/rate-limits')).rules);
  const put = (rules) => control('PUT', '/rate-limits', { rules }).then((r) => show(r.rules));

  $('#rate-limit-form').addEventListener('submit', (e) => {
    e.preventDefault();
    report(() => put([rule(e.target.elements)]), 'rate limit set (it replaces any other rule)');
  });
  $('#rate-limits-off').addEventListener('click', () => report(put([]), 'rate limits off'));
  return { load };
}
