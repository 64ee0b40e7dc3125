// A small element builder, so the views stay plain DOM without a framework.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'style') Object.assign(el.style, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

export const $ = (selector) => document.querySelector(selector);

/** Status names by what they mean, for colour: every vendor's states fall in one of these. */
const KIND = {
  IN_PROGRESS: 'running', RUNNING: 'running', RETRYING: 'running', TERMINATING: 'running',
  SUCCEEDED: 'succeeded', FINISHED: 'succeeded',
  FAILED: 'failed',
  CANCELED: 'stopped', TERMINATED: 'stopped',
};
export const statusBadge = (status) => h('span', { class: `badge status-${KIND[status] ?? 'other'}` }, status);

export const time = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '');
export function duration(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** A rule list (faults, scenarios, overrides, rate limits): one line each, with a remove button when `remove` is given. */
export function ruleList(rules, { text, note, remove, empty, attr }) {
  if (!rules.length) return h('p', { class: 'muted' }, empty);
  return h(
    'ul',
    { class: 'rules' },
    rules.map((r) => h('li', { [attr]: r.id ?? r.name }, h('span', {}, text(r), h('span', { class: 'muted' }, note ? ` (${note(r)})` : '')), remove ? h('button', { type: 'button', 'aria-label': 'Remove', title: 'Remove', onclick: () => remove(r) }, '✕') : null)),
  );
}

/** Hits of a rule that may be limited to a number of times: "hits 1 of 2". */
export const hits = (r) => `hits ${r.hits}${r.times ? ` of ${r.times}` : ''}`;
