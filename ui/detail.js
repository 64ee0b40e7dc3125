// One instance (GET /__flowtwin/instances/{vendor}/{tenant}/{id}): its steps as bars over the
// virtual clock, its transitions, and buttons for the operations its state machine allows now.
import { $, duration, h, statusBadge, time } from './dom.js';

const LABELS = { cancel: 'Cancel', RETRY: 'Retry', TERMINATE: 'Terminate' };

/**
 * Bars in virtual time: what ran, where it ran; while the run goes on, the rest of a running step
 * and the pending steps (one after another) as planned, dashed.
 */
function bars(d) {
  const now = Date.parse(d.now);
  const expectedEnd = (s) => (s.endedAt ? Date.parse(s.endedAt) : d.active ? Math.max(now, Date.parse(s.startedAt) + s.plannedMs) : now);
  let cursor = Math.max(Date.parse(d.startedAt), ...d.steps.filter((s) => s.startedAt).map(expectedEnd));
  return d.steps.map((s) => {
    if (s.startedAt) {
      const from = Date.parse(s.startedAt);
      const to = s.endedAt ? Date.parse(s.endedAt) : now;
      return { step: s, from, to, ...(s.phase === 'running' && d.active ? { until: expectedEnd(s) } : {}) };
    }
    if (!d.active) return { step: s };
    const from = cursor;
    cursor += s.plannedMs;
    return { step: s, from, to: cursor, planned: true };
  });
}

function timeline(d) {
  const start = Date.parse(d.startedAt);
  const laid = bars(d);
  const ends = [...laid.filter((b) => b.to !== undefined).map((b) => Math.max(b.to, b.until ?? 0)), ...d.transitions.map((t) => Date.parse(t.at)), d.active ? Date.parse(d.now) : start];
  const span = Math.max(1, Math.max(...ends) - start);
  const pct = (t) => `${(((t - start) / span) * 100).toFixed(3)}%`;
  const width = (a, b) => `max(3px, ${(((b - a) / span) * 100).toFixed(3)}%)`;
  const nowLine = () => (d.active ? h('div', { class: 'tl-now', style: { left: pct(Date.parse(d.now)) }, title: `now ${time(d.now)}` }) : null);
  const fmt = (t) => time(new Date(t).toISOString());
  const rows = laid.map(({ step, from, to, until, planned }) =>
    h(
      'div',
      { class: 'tl-row', 'data-step': step.name, 'data-phase': step.phase },
      h('span', { class: 'tl-label', title: step.name }, step.name),
      h(
        'div',
        { class: 'tl-track' },
        from === undefined
          ? h('span', { class: 'muted tl-note' }, 'not run')
          : h('div', { class: `tl-bar phase-${step.phase}${planned ? ' planned' : ''}`, style: { left: pct(from), width: width(from, to) }, title: `${step.phase}${planned ? ' (planned)' : ''}: ${fmt(from)} → ${fmt(to)}, ${duration(to - from)}` }),
        until > to ? h('div', { class: 'tl-bar planned', style: { left: pct(to), width: width(to, until) }, title: `expected to end ${fmt(until)}` }) : null,
        nowLine(),
      ),
    ),
  );
  // Marks carry their numbers in the list below (status names side by side would overlap); moves
  // at the same instant share one mark.
  const byTime = new Map();
  d.transitions.forEach((t, n) => byTime.set(t.at, [...(byTime.get(t.at) ?? []), { t, n }]));
  const marks = [...byTime.values()].map((group) => {
    const at = Date.parse(group[0].t.at);
    const title = group.map(({ t }) => `${t.from ?? '∅'} → ${t.to} (${causeText(t.cause)})`).join('; ');
    return h('div', { class: `tl-mark${(at - start) / span > 0.5 ? ' right' : ''}`, style: { left: pct(at) }, title: `${title} at ${time(group[0].t.at)}` }, h('span', {}, group.map(({ n }) => n + 1).join(',')));
  });
  return h(
    'div',
    { class: 'timeline' },
    h('div', { class: 'tl-row tl-marks' }, h('span', { class: 'tl-label muted' }, 'transitions'), h('div', { class: 'tl-track' }, marks)),
    rows,
    h('div', { class: 'tl-axis muted' }, h('span', {}, time(d.startedAt)), h('span', {}, `+${duration(span)}`)),
  );
}

/** "TERMINATE" was an operation someone sent; start, plan and settle are the run's own moves. */
const causeText = (cause) => (['start', 'plan', 'settle'].includes(cause) ? cause : `operation ${cause}`);

/**
 * A numbered list rather than a table: a label such as "TERMINATING → TERMINATED (operation
 * TERMINATE)" wraps on a narrow panel instead of being cut or widening the page.
 */
function transitions(d) {
  const start = Date.parse(d.startedAt);
  return h(
    'ol',
    { class: 'transitions' },
    d.transitions.map((t) =>
      h(
        'li',
        { 'data-to': t.to },
        h('span', { class: 'transition-label' }, t.from ? statusBadge(t.from) : h('span', { class: 'muted' }, '∅'), ' → ', statusBadge(t.to), ' ', h('span', { class: 'cause' }, `(${causeText(t.cause)})`)),
        h('span', { class: 'muted transition-when' }, `${time(t.at)} · +${duration(Date.parse(t.at) - start)}`),
      ),
    ),
  );
}

/** `operate(detail, op)` sends the call; `blocked(detail)` says why it cannot be sent, if it cannot. */
export function renderDetail(d, { operate, blocked, tenantLabel }) {
  const why = blocked(d);
  const buttons = d.operations.map((op) => h('button', { type: 'button', 'data-operation': op.name, disabled: Boolean(why), title: why ?? `${op.method} ${op.path}`, onclick: () => operate(d, op) }, LABELS[op.name] ?? op.name));
  $('#detail-body').replaceChildren(
    h(
      'div',
      { class: 'detail-head', 'data-instance-id': d.id, 'data-status': d.status },
      h('h3', {}, d.name, ' ', statusBadge(d.status)),
      h('dl', {}, h('dt', {}, 'vendor'), h('dd', {}, d.vendor), h('dt', {}, 'tenant'), h('dd', { class: 'mono tenant-label', title: d.tenant }, d.tenantLabel ?? tenantLabel ?? d.tenant), h('dt', {}, d.vendor === 'datadog' ? 'workflow' : 'workspace'), h('dd', { class: 'mono' }, d.parentId), h('dt', {}, 'instance'), h('dd', { class: 'mono' }, d.id), h('dt', {}, 'now'), h('dd', {}, time(d.now))),
      h('div', { class: 'operations' }, buttons, why && buttons.length ? h('span', { class: 'muted' }, why) : null),
    ),
    timeline(d),
    h('h4', {}, 'Transitions'),
    transitions(d),
  );
}
