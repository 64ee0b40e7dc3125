// The dashboard's entry: loads the views, keeps them live from /__flowtwin/events (a plain
// same-origin EventSource) and a few light polls, and sends every action through the same
// control-plane or vendor call a test would make.
import { call, control } from './api.js';
import { $ } from './dom.js';
import { createClock } from './clock.js';
import { createFaults, createReset, createTrigger } from './controls.js';
import { createCredentials } from './credentials.js';
import { renderDetail } from './detail.js';
import { createInstanceList, keyOf } from './instances.js';
import { createJournal } from './journal.js';
import { createOverrides } from './overrides.js';
import { createRateLimits } from './rate-limits.js';
import { createScenarios } from './scenarios.js';
import { InputError, flag } from './validate.js';

let selected; // { vendor, tenant, id } of the instance shown in the detail panel
let detailActive = false;

function say(text, error = false) {
  const p = $('#message');
  p.textContent = text;
  p.className = error ? 'error' : 'ok';
}

/**
 * Runs an action, says how it went, and refreshes what it may have changed. `work` is a promise, or
 * a function that reads its form first: a value it refuses (InputError) is shown and nothing is sent.
 */
function report(work, done) {
  let promise;
  try {
    promise = typeof work === 'function' ? work() : work;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    flag(err);
    say(err.message, true);
    return Promise.resolve();
  }
  return promise.then(
    () => {
      say(typeof done === 'function' ? done() : done);
      refreshAll();
    },
    (err) => say(err.message, true),
  );
}

const credentials = createCredentials(() => {
  void loadInstances().catch(() => undefined);
  void clock.load().catch(() => undefined);
});
const clock = createClock(report, credentials);
const faults = createFaults(report);
const scenarios = createScenarios(report);
const overrides = createOverrides(report);
const rateLimits = createRateLimits(report);
const journal = createJournal();
const instances = createInstanceList({
  onSelect: (i) => select(i),
  selectedKey: () => selected && keyOf(selected.vendor, selected.tenant, selected.id),
  tenantNote: (vendor, tenant) => (vendor === 'datadog' && tenant === credentials.ddTenant() ? '(your keys)' : undefined),
});
createReset(report);
createTrigger(report, (instance) => select({ vendor: 'secmaster', tenant: instance.project_id, id: instance.id }));

async function loadDetail() {
  if (!selected) return;
  const { vendor, tenant, id } = selected;
  try {
    const d = await control('GET', `/instances/${vendor}/${encodeURIComponent(tenant)}/${id}`);
    detailActive = d.active;
    renderDetail(d, { operate, blocked, tenantLabel: instances.labelOf(vendor, tenant) });
  } catch (err) {
    detailActive = false;
    $('#detail-body').textContent = err.status === 404 ? 'This instance is gone (reset?).' : err.message;
  }
}

// One column below this width (style.css): the detail sits under the list, so it is scrolled to;
// wider, it is sticky beside the list and stays in view by itself.
const stacked = matchMedia('(max-width: 1100px)');

function select(i) {
  selected = { vendor: i.vendor, tenant: i.tenant, id: i.id };
  instances.markSelected();
  void loadDetail();
  if (stacked.matches) $('#detail').scrollIntoView({ block: 'start' });
}

/** A Datadog cancel needs the keys of the instance's own org; the page can only send the keys it was given. */
function blocked(d) {
  if (d.vendor === 'datadog' && d.tenant !== credentials.ddTenant()) return "Enter this org's DD keys under Credentials to send its calls.";
  return undefined;
}

function operate(d, op) {
  const sent = call(op.method, op.path, { headers: credentials.headers(d.vendor), ...(op.body ? { body: op.body } : {}) });
  return report(sent, `${op.name} sent: ${op.method} ${op.path}`);
}

const quietly = (promise) => promise.catch((err) => say(err.message, true));
async function loadInstances() {
  await instances.load();
  credentials.learnLabel(instances.labelOf('datadog', credentials.ddTenant()));
}

/** The rule lists' hits change with every matching vendor request, which no event tells. */
const loadRules = () => Promise.all([faults.load(), scenarios.load(), overrides.load(), rateLimits.load()]);

function refreshAll() {
  void quietly(clock.load());
  void quietly(loadInstances());
  void quietly(loadRules());
  void quietly(journal.load());
  void loadDetail();
}

function listen() {
  const events = new EventSource('/__flowtwin/events');
  const state = $('#events-state');
  let reload;
  events.onopen = () => {
    state.textContent = 'events: live';
    state.className = 'badge status-succeeded';
  };
  events.onerror = () => {
    state.textContent = 'events: reconnecting';
    state.className = 'badge status-failed';
  };
  events.addEventListener('transition', (message) => {
    const event = JSON.parse(message.data);
    // A row already listed changes at once; a new instance needs the list again (once per burst).
    if (!instances.applyEvent(event)) {
      clearTimeout(reload);
      reload = setTimeout(() => void quietly(loadInstances()), 100);
    }
    if (selected && event.instanceId === selected.id && event.tenant === selected.tenant) void loadDetail();
  });
}

/** Polls only for what no event tells: the clock running, timer runs, new journal entries. */
function poll(ms, task) {
  const tick = async () => {
    if (document.visibilityState === 'visible') await task().catch(() => undefined);
    setTimeout(tick, ms);
  };
  setTimeout(tick, ms);
}

$('#instance-vendor').addEventListener('change', () => void quietly(loadInstances()));
$('#instance-status').addEventListener('change', () => void quietly(loadInstances()));
$('#journal-filters').addEventListener('input', () => void quietly(journal.load()));

control('GET', '/health').then((h) => ($('#server').textContent = `${h.version} · ${h.store.kind} store`), () => undefined);
await quietly(credentials.load());
refreshAll();
listen();
poll(1000, () => clock.load());
poll(1000, () => (detailActive ? loadDetail() : Promise.resolve()));
poll(3000, () => loadInstances());
poll(3000, loadRules);
poll(2000, () => (journal.live() ? journal.load() : Promise.resolve()));
