// The instances of every vendor and tenant (GET /__flowtwin/instances), grouped by tenant, with
// their status kept live by the transition events.
import { control, query } from './api.js';
import { $, h, statusBadge, time } from './dom.js';

/** Time of day only; the full date is in the cell's title. */
const clock = (iso) => time(iso).slice(11);

const keyOf = (vendor, tenant, id) => `${vendor}/${tenant}/${id}`;

/** A UUID's first block tells rows apart at a glance; the whole id is in the title and the detail. */
const shortId = (id) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);

export function createInstanceList({ onSelect, selectedKey, tenantNote }) {
  const rows = new Map();
  const labels = new Map(); // vendor/tenant -> the server's readable label (tenantLabel)

  function row(i) {
    const key = keyOf(i.vendor, i.tenant, i.id);
    const tr = h(
      'tr',
      { class: key === selectedKey() ? 'selected' : '', 'data-instance-id': i.id, 'data-status': i.status, tabindex: 0, onclick: () => onSelect(i), onkeydown: (e) => e.key === 'Enter' && onSelect(i) },
      h('td', {}, statusBadge(i.status)),
      h('td', {}, h('div', {}, i.name), h('div', { class: 'muted mono', title: i.id }, shortId(i.id))),
      h('td', { class: 'muted when', title: `started ${time(i.startedAt)}` }, clock(i.startedAt)),
      h('td', { class: 'muted when', title: i.endedAt ? `ended ${time(i.endedAt)}` : '' }, i.endedAt ? clock(i.endedAt) : i.active ? 'active' : ''),
    );
    rows.set(key, tr);
    return tr;
  }

  function render({ instances, count, total }) {
    rows.clear();
    $('#instance-count').textContent = count < total ? `(${count} of ${total})` : `(${total})`;
    const groups = new Map();
    for (const i of instances) {
      if (i.tenantLabel) labels.set(`${i.vendor}/${i.tenant}`, i.tenantLabel);
      const key = `${i.vendor}\u0000${i.tenant}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(i);
    }
    const sections = [...groups.values()].map((list) => {
      const { vendor, tenant } = list[0];
      return h(
        'section',
        { class: 'tenant', 'data-tenant': tenant, 'data-vendor': vendor },
        h('h3', {}, h('span', { class: `badge vendor-${vendor}` }, vendor), ' ', h('span', { class: 'mono tenant-label', title: tenant }, list[0].tenantLabel ?? tenant), ' ', h('span', { class: 'muted' }, tenantNote(vendor, tenant) ?? '')),
        h('div', { class: 'table-scroll' }, h('table', { class: 'instances' }, h('tbody', {}, list.map(row)))),
      );
    });
    $('#instance-groups').replaceChildren(...(sections.length ? sections : [h('p', { class: 'muted' }, 'No instances yet.')]));
  }

  return {
    async load() {
      render(await control('GET', `/instances${query({ vendor: $('#instance-vendor').value, status: $('#instance-status').value.trim(), limit: 500 })}`));
    },
    /** A transition event: the row shows the new status at once; false when the instance is not listed yet. */
    applyEvent(event) {
      const tr = rows.get(keyOf(event.vendor, event.tenant, event.instanceId));
      if (!tr) return false;
      tr.dataset.status = event.to;
      tr.cells[0].replaceChildren(statusBadge(event.to));
      return true;
    },
    /** The tenant's readable label when the list has seen one, else undefined. */
    labelOf: (vendor, tenant) => labels.get(`${vendor}/${tenant}`),
    markSelected() {
      for (const [key, tr] of rows) tr.classList.toggle('selected', key === selectedKey());
    },
  };
}

export { keyOf };
