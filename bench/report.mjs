// The table (terminal and markdown) and the issue's targets judged from one run's numbers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const NOTES = '<!-- notes: everything below this line is kept when the bench rewrites this file -->';
const n = (v, d = 0) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));
const ratio = (v) => (v === undefined ? '-' : `${v.toFixed(2)}x`);

// "page": the items of a list row's page (checked before and after the run); "B/answer": the mean
// bytes of a 2xx answer, headers included, so rows that answer more text are seen to.
export const HEADER = [
  'server',
  'store',
  'size',
  'workload',
  'req/s',
  'vs express',
  'vs node:http',
  'p50 ms',
  'p99 ms',
  'page',
  'B/answer',
  'RSS MB',
  'non-2xx',
];

export function cells(r) {
  const rss = n(r.rssMb) + (r.storeRssMb ? ` (+${n(r.storeRssMb)} redis)` : '');
  const page = r.pageItems === undefined ? '-' : String(r.pageItems);
  return [
    r.server,
    r.store,
    r.size ? String(r.size) : '-',
    r.workload,
    n(r.rps),
    ratio(r.xExpress),
    ratio(r.xNode),
    n(r.p50, 1),
    n(r.p99, 1),
    page,
    n(r.bytes),
    rss,
    String(r.non2xx + r.errors),
  ];
}

export function formatTable(result) {
  const table = [HEADER, ...result.rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return [
    ...lines,
    '',
    `startup to first healthy /__flowtwin/health: ${n(result.startupMs)} ms, to the first vendor answer: ${n(result.firstAnswerMs)} ms (medians)`,
    `POST /__flowtwin/reset: ${n(result.resetMs, 1)} ms (memory, ${result.rows.find((r) => r.resetMs)?.size ?? '-'} instances)`,
  ].join('\n');
}

const find = (rows, server, store, size, workload) =>
  rows.find((r) => r.server === server && (store === undefined || r.store === store) && (size === undefined || r.size === size) && r.workload === workload);

/** flowtwin / express GET: the median of the alternating pairs' ratios when measured, else the rows'. */
export function getRatio(flowtwinGet, express) {
  const ratios = (flowtwinGet.pairs ?? []).map((p) => p.flowtwin / p.express).sort((a, b) => a - b);
  if (ratios.length === 0) return flowtwinGet.rps / express.rps;
  const mid = ratios.length / 2;
  return ratios.length % 2 ? ratios[Math.floor(mid)] : (ratios[mid - 1] + ratios[mid]) / 2;
}

function getEvidence(a, first) {
  const against = `against the run's first express row (${n(first.rps)} req/s, minutes earlier): ${n((100 * a.rps) / first.rps)}%`;
  if (!a.pairs?.length) return `${n(a.rps)} vs ${n(first.rps)} req/s = ${n((100 * a.rps) / first.rps)}%`;
  // A pair whose flowtwin run came first is marked with *, so an order effect can be seen.
  const pairs = a.pairs.map((p) => `${n(p.flowtwin)}/${n(p.express)}${p.first === 'flowtwin' ? '*' : ''}`).join(', ');
  return `${n(100 * getRatio(a, first))}%: the median of ${a.pairs.length} alternating runs, flowtwin/express req/s ${pairs}; ${against}`;
}

/** Each target of issue 8 that this run can judge: [name, met (true/false/undefined when not measured), evidence]. */
export function targets(result) {
  const { rows } = result;
  const get = (store, size = 1000) => find(rows, 'flowtwin', store, size, 'get');
  const memGet = get('memory');
  const express = find(rows, 'express', '-', 0, 'get');
  const prism = find(rows, 'prism static', '-', 0, 'get');
  const sizes = rows.filter((r) => r.store === 'memory' && r.workload === 'list-1c').sort((a, b) => a.size - b.size);
  const [small, big] = [sizes[0], sizes[sizes.length - 1]];
  const judge = (name, a, b, check, evidence) => [name, a && b ? check(a, b) : undefined, a && b ? evidence(a, b) : 'not measured in this run'];
  return [
    judge(
      'GET (memory) >= 70% of bare express',
      memGet,
      express,
      (a, b) => getRatio(a, b) >= 0.7,
      (a, b) => getEvidence(a, b),
    ),
    judge(
      'GET (memory) >= 3x Prism static',
      memGet,
      prism,
      (a, b) => a.rps >= 3 * b.rps,
      (a, b) => `${n(a.rps)} vs ${n(b.rps)} req/s = ${(a.rps / b.rps).toFixed(2)}x`,
    ),
    judge(
      `list p50 flat, one connection (${big?.size ?? '?'} within 2x of ${small?.size ?? '?'})`,
      small !== big ? small : undefined,
      big,
      (a, b) => b.p50 <= 2 * Math.max(a.p50, 1),
      (a, b) => `p50 ${n(a.p50, 1)} ms at ${a.size}, ${n(b.p50, 1)} ms at ${b.size}`,
    ),
    judge(
      '1M instances (memory) in under 1 GB RSS',
      find(rows, 'flowtwin', 'memory', 1_000_000, 'get'),
      {},
      (a) => a.seededRssMb < 1024,
      (a) => `${n(a.seededRssMb)} MB RSS once seeded (${n(a.rssMb)} MB after the GET run)`,
    ),
    judge(
      'startup < 500 ms',
      result.startupMs !== undefined ? {} : undefined,
      {},
      () => result.startupMs < 500,
      () => `${n(result.startupMs)} ms (the first vendor answer: ${n(result.firstAnswerMs)} ms)`,
    ),
    judge(
      'SQLite GET >= 50% of memory',
      get('sqlite'),
      memGet,
      (a, b) => a.rps >= 0.5 * b.rps,
      (a, b) => `${n(a.rps)} vs ${n(b.rps)} req/s = ${n((100 * a.rps) / b.rps)}%`,
    ),
    judge(
      'Redis GET >= 30% of memory',
      get('redis'),
      memGet,
      (a, b) => a.rps >= 0.3 * b.rps,
      (a, b) => `${n(a.rps)} vs ${n(b.rps)} req/s = ${n((100 * a.rps) / b.rps)}%`,
    ),
  ];
}

export function writeResultsMd(path, result) {
  const m = result.machine;
  const kept = existsSync(path) ? (readFileSync(path, 'utf8').split(NOTES)[1] ?? '\n') : '\n';
  const md = [
    '# flowtwin benchmark results',
    '',
    `Generated by \`npm run bench\` on ${result.date} (${n(result.totalSeconds)} s). Do not edit above the notes marker: the next run rewrites it.`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, ${m.platform}, Node ${m.node}. Versions: ${Object.entries(m.versions)
      .map(([k, v]) => `${k} ${v ?? 'absent'}`)
      .join(', ')}.`,
    `Load: autocannon, ${result.connections} connections, ${result.duration} s per workload, loopback; every server is its own process ` +
      '(RSS is its own, read after the workload). Ratios are to bare express and bare node:http GET measured at the start of this run; ' +
      `the GET target compares flowtwin and express in alternating runs of ${Math.max(1, Math.floor(result.duration / 2))} s right after ` +
      `flowtwin's GET row (memory, smallest size), in an order drawn per pair (seed ${result.pairSeed ?? '-'}).`,
    'Each flowtwin child freezes its clock before seeding, so the seeded runs stay RUNNING and every list row reads the same full page ' +
      `(the page column: items, checked before and after the run). flowtwin GET at size N reads seeded Datadog instances drawn at random ` +
      `(seed ${result.getSeed ?? '-'}) among the N/2; the baselines answer one fixed body. B/answer: mean bytes of a 2xx answer, headers included.`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...result.rows.map((r) => `| ${cells(r).join(' | ')} |`),
    '',
    `Startup to first healthy \`/__flowtwin/health\` (\`node dist/cli.js serve\`, memory, fixtures): ${n(result.startupMs)} ms; to the first vendor answer (a GET of one instance sent once healthy): ${n(result.firstAnswerMs)} ms (medians). \`POST /__flowtwin/reset\` per run: ${result.rows
      .filter((r) => r.resetMs && r.workload === 'get')
      .map((r) => `${r.store} ${r.size}: ${n(r.resetMs, 1)} ms`)
      .join(', ')}.`,
    '',
    '## Targets (issue 8)',
    '',
    '| target | status | measured |',
    '| --- | --- | --- |',
    ...targets(result).map(([name, met, evidence]) => `| ${name} | ${met === undefined ? 'not measured' : met ? 'met' : '**missed**'} | ${evidence} |`),
    '',
    NOTES,
  ].join('\n');
  writeFileSync(path, md + kept);
}
