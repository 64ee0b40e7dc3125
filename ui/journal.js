// The request journal (GET /__flowtwin/journal), newest first, filterable; a click on a request
// shows its request and response bodies as the journal keeps them (secrets already masked there).
import { control, query } from './api.js';
import { $, h, time } from './dom.js';

const SHOWN = 200;

export function createJournal() {
  const open = new Set();
  const form = $('#journal-filters');

  const pre = (label, value) => h('div', {}, h('h5', {}, label), h('pre', {}, value === undefined ? '(no body)' : JSON.stringify(value, null, 2)));

  function rows(entry) {
    const path = entry.path + (Object.keys(entry.query ?? {}).length ? `?${new URLSearchParams(entry.query)}` : '');
    const toggle = () => {
      if (open.has(entry.seq)) open.delete(entry.seq);
      else open.add(entry.seq);
      void load();
    };
    const main = h(
      'tr',
      { class: `journal-entry${entry.status >= 400 ? ' error' : ''}`, 'data-seq': entry.seq, tabindex: 0, onclick: toggle, onkeydown: (e) => e.key === 'Enter' && toggle() },
      h('td', { class: 'muted' }, entry.seq),
      h('td', {}, time(entry.at)),
      h('td', {}, entry.vendor),
      h('td', {}, entry.operationId),
      h('td', { class: 'mono' }, `${entry.method} ${path}`),
      h('td', {}, entry.status),
      h('td', { class: 'muted' }, entry.durationMs),
    );
    if (!open.has(entry.seq)) return [main];
    const tenant = entry.tenant ? h('p', { class: 'muted' }, 'tenant ', h('span', { class: 'mono' }, entry.tenant)) : null;
    return [main, h('tr', { class: 'journal-bodies' }, h('td', { colspan: 7 }, tenant, h('div', { class: 'bodies' }, pre('request body', entry.requestBody), pre('response body', entry.responseBody))))];
  }

  async function load() {
    const f = new FormData(form);
    const filter = { vendor: f.get('vendor'), operation: f.get('operation').trim(), tenant: f.get('tenant').trim(), status: f.get('status').trim() };
    const { entries } = await control('GET', `/journal${query(filter)}`);
    const newest = entries.slice(-SHOWN).reverse();
    $('#journal-count').textContent = entries.length > SHOWN ? `(latest ${SHOWN} of ${entries.length})` : `(${entries.length})`;
    $('#journal-rows').replaceChildren(...(newest.length ? newest.flatMap(rows) : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No requests match.'))]));
  }

  return { load, live: () => form.elements.live.checked };
}
