// npm run bench [-- --smoke] [--duration s] [--connections n] [--stores memory,sqlite,redis]
//   [--sizes 1000,100000,1000000] (instances in total, half per vendor; 1M runs on the memory store only)
//   [--json path] [--from dist|src] [--no-prism] [--profile dir] [--workloads get,list-1c] [--pair-seed n]
// Starts every server as a child on loopback, drives each with autocannon, prints the table and,
// for a full run (none of the options but --json), saves bench/results/<date>.json and rewrites
// bench/RESULTS.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createPool, drive } from './drive.mjs';
import { machine } from './machine.mjs';
import { answers, freePort, saidReady, startChild } from './proc.mjs';
import { onPath, startRedis } from './redis.mjs';
import { formatTable, writeResultsMd } from './report.mjs';
import { prng } from './fixture.mjs';
import {
  checkPage,
  connectionsFor,
  DD_HEADERS,
  executeLong,
  get,
  GET_SEED,
  HUGE_WORKLOADS,
  LARGE_READS,
  LARGE_WORKLOADS,
  PAGES,
  randomGet,
} from './workloads.mjs';
import { requestsFor, WORKLOADS } from './workloads.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const { values: opt } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string' },
    stores: { type: 'string' },
    sizes: { type: 'string' },
    json: { type: 'string' },
    from: { type: 'string' },
    'no-prism': { type: 'boolean', default: false },
    profile: { type: 'string' },
    workloads: { type: 'string' },
    'pair-seed': { type: 'string' },
  },
});
const narrowed = ['duration', 'connections', 'stores', 'sizes', 'workloads', 'from'];
const duration = Number(opt.duration ?? (opt.smoke ? 2 : 6));
const connections = Number(opt.connections ?? 40);
const sizes = (opt.sizes ?? (opt.smoke ? '1000' : '1000,100000,1000000')).split(',').map(Number);
/** Seeding a million rows into SQLite or Redis alone takes minutes: those stores stop at 100k by default. */
const MAX_SHARED_SIZE = opt.sizes ? Infinity : 100_000;
const stores = (opt.stores ?? (opt.smoke ? 'memory' : 'memory,sqlite,redis')).split(',');
const fromSrc = opt.from === 'src';
// Under tsx the children run the TypeScript sources, so the test needs no build.
const nodeArgs = fromSrc ? ['--import', 'tsx'] : [];
// Request lines off (warn): the rows measure serving, not writing a log line per request to a pipe.
const env = { ...process.env, FLOWTWIN_BENCH_FROM: fromSrc ? 'src' : 'dist', FLOWTWIN_LOG_LEVEL: process.env.FLOWTWIN_LOG_LEVEL ?? 'warn' };
const log = (...a) => console.error('[bench]', ...a);
// Which of flowtwin and express runs first in each GET pair is drawn from this seed, printed so a run
// can be repeated: a fixed order would hand one side the warmer (or the more contended) slot every time.
const pairSeed = opt['pair-seed'] !== undefined ? Number(opt['pair-seed']) : Math.floor(Math.random() * 2 ** 31);
log(`pair order seed ${pairSeed} (--pair-seed ${pairSeed} repeats it); GET seed ${GET_SEED}`);
const pairOrder = prng(pairSeed);

const rows = [];
const work = mkdtempSync(join(tmpdir(), 'flowtwin-bench-'));
const started = Date.now();
try {
  const { startupMs, firstAnswerMs, bodyFile } = await startup(opt.smoke ? 1 : 3);
  const reference = {};
  for (const [name, args, ready] of baselines()) {
    const port = await freePort();
    const server = await startChild(process.execPath, args(bodyFile, String(port)), { port, ready, env });
    try {
      await drive(server.url, [get], { duration: Math.min(1, duration), connections });
      const r = await drive(server.url, [get], { duration, connections });
      reference[name] = r.rps;
      rows.push({ server: name, store: '-', size: 0, workload: 'get', ...r, rssMb: server.rssMb() });
      log(name, Math.round(r.rps), 'req/s');
    } finally {
      await server.stop();
    }
  }
  let redis;
  for (const store of stores) {
    if (store === 'redis' && !redis) {
      if (!onPath('redis-server')) {
        log('redis-server not on PATH: Redis runs skipped');
        continue;
      }
      redis = await startRedis();
    }
    for (const size of sizes) {
      if (store !== 'memory' && size > MAX_SHARED_SIZE) continue;
      // Writes at 100k are measured once (memory); on sqlite and redis the size run is reads only.
      const planned = size <= 1000 ? WORKLOADS : store !== 'memory' ? LARGE_READS : size <= 100_000 ? LARGE_WORKLOADS : HUGE_WORKLOADS;
      // A profile of one workload is readable; of all of them it is mostly lists.
      const workloads = opt.workloads ? planned.filter((w) => opt.workloads.split(',').includes(w)) : planned;
      // The GET target compares flowtwin with express in alternating short runs (pairedGet): on a
      // shared host a baseline taken minutes, or even seconds, earlier moves by 10-50%.
      const paired = store === 'memory' && size === sizes[0] ? (url) => pairedGet(bodyFile, url, size) : undefined;
      rows.push(...(await flowtwinRuns(store, size, workloads, redis, paired)));
    }
  }
  await redis?.stop();
  for (const row of rows) {
    row.xExpress = reference.express ? row.rps / reference.express : undefined;
    row.xNode = reference['node:http'] ? row.rps / reference['node:http'] : undefined;
  }
  const result = {
    date: new Date().toISOString(),
    smoke: opt.smoke,
    duration,
    connections,
    pairSeed,
    getSeed: GET_SEED,
    machine: machine(),
    startupMs,
    firstAnswerMs,
    resetMs: rows.find((r) => r.resetMs)?.resetMs,
    rows,
    totalSeconds: (Date.now() - started) / 1000,
  };
  console.log(formatTable(result));
  // Only a full run is the record: a narrowed one (a store, a size, a workload) would overwrite it with a part.
  const full = !opt.smoke && !opt.profile && !opt['no-prism'] && !narrowed.some((name) => opt[name] !== undefined);
  const jsonPath = opt.json ?? (full ? here(`./results/${result.date.slice(0, 10)}.json`) : undefined);
  if (jsonPath && !opt.json) mkdirSync(here('./results'), { recursive: true });
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify(result, null, 2) + '\n');
  if (full && !opt.json) writeResultsMd(here('./RESULTS.md'), result);
  else if (!opt.json) log('a narrowed run: bench/RESULTS.md and bench/results are left as they are (--json <path> saves this one)');
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function startup(times) {
  const cli = fromSrc ? [...nodeArgs, here('../src/cli.ts')] : [here('../dist/cli.js')];
  const samples = [];
  // Also the first vendor answer: work a start leaves to the first request (validators) shows there.
  const firstAnswers = [];
  const bodyFile = join(work, 'instance.json');
  for (let i = 0; i < times; i++) {
    const port = await freePort();
    const t0 = performance.now();
    const server = await startChild(process.execPath, [...cli, 'serve', '--port', String(port)], {
      port,
      env,
      ready: (url) => answers(url, '/__flowtwin/health').then(() => true),
    });
    samples.push(performance.now() - t0);
    const res = await fetch(server.url + get.path, { headers: DD_HEADERS });
    if (res.status !== 200) throw new Error(`GET instance answered ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    firstAnswers.push(performance.now() - t0);
    if (i === 0) writeFileSync(bodyFile, body);
    await server.stop();
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { startupMs: median(samples), firstAnswerMs: median(firstAnswers), bodyFile };
}

function baselines() {
  const list = [
    ['node:http', (body, port) => [here('./servers/node-http.mjs'), body, port], saidReady],
    ['express', (body, port) => [here('./servers/express.mjs'), body, port], saidReady],
  ];
  const prism = here('../node_modules/@stoplight/prism-cli/dist/index.js');
  if (!opt['no-prism'] && existsSync(prism)) {
    // Static mode (the spec's examples, no state); its log goes to a pipe the driver drains.
    const spec = here('../specs/datadog-workflow-automation.yaml');
    list.push(['prism static', (_body, port) => [prism, 'mock', '-h', '127.0.0.1', '-p', port, spec], (url) => answers(url, get.path, DD_HEADERS)]);
  } else log('Prism not installed or --no-prism: its row is left out');
  return list;
}

/**
 * Runs of bare express and of flowtwin (at `url`) alternating, each pair seconds apart, in an order
 * drawn per pair: their GET req/s. Both read the same random instance paths (express answers any path).
 */
async function pairedGet(bodyFile, url, size) {
  const [, args, ready] = baselines().find(([name]) => name === 'express');
  const port = await freePort();
  const server = await startChild(process.execPath, args(bodyFile, String(port)), { port, ready, env });
  const each = { duration: Math.max(1, Math.floor(duration / 2)), connections };
  try {
    await drive(server.url, [get], { duration: 1, connections });
    const pairs = [];
    for (let i = 0; i < (opt.smoke ? 2 : 4); i++) {
      const first = pairOrder() < 0.5 ? 'express' : 'flowtwin';
      const run = async (name) => (await drive(name === 'express' ? server.url : url, [randomGet(size, GET_SEED + 10 + i)], each)).rps;
      const pair = { first };
      pair[first] = await run(first);
      const second = first === 'express' ? 'flowtwin' : 'express';
      pair[second] = await run(second);
      pairs.push(pair);
    }
    return pairs;
  } finally {
    await server.stop();
  }
}

/** `paired`, when given, measures the GET workload against express in alternating runs after it. */
async function flowtwinRuns(store, size, workloads, redis, paired) {
  const spec =
    store === 'memory' ? 'memory' : store === 'sqlite' ? `sqlite:${join(work, `bench-${size}.db`)}` : `${redis.url}?prefix=bench-${size}-${Date.now()}:`;
  const port = await freePort();
  const prof = opt.profile ? ['--cpu-prof', '--cpu-prof-dir', opt.profile, '--cpu-prof-name', `flowtwin-${store}-${size}.cpuprofile`] : [];
  const t0 = performance.now();
  const server = await startChild(
    process.execPath,
    [...nodeArgs, '--expose-gc', ...prof, here('./servers/flowtwin.mjs'), '--store', spec, '--port', String(port), '--seed', String(size)],
    { port, env, ready: saidReady, timeoutMs: 600_000 },
  );
  const seededRssMb = server.rssMb();
  log(`flowtwin ${store} ${size}: seeded in ${Math.round(performance.now() - t0)} ms, RSS ${seededRssMb} MB`);
  const out = [];
  try {
    await drive(server.url, [get], { duration: Math.min(2, duration), connections });
    let executeRps = 1000;
    for (const workload of workloads) {
      let pool = [];
      if (workload === 'cancel') {
        // Each cancel needs a running instance of its own; made over HTTP, outside the timed run.
        // Cancels outrunning the pool answer 400 (already canceled) and show as non-2xx.
        pool = await createPool(server.url, executeLong, Math.min(60_000, Math.ceil(executeRps * duration * 3) + 1000), connections);
      }
      const page = PAGES[workload];
      const before = page ? await readPage(server.url, page) : undefined;
      const r = await drive(server.url, requestsFor(workload, pool, size), { duration, connections: connectionsFor(workload, connections) });
      const pageItems = page ? checkPage(`flowtwin ${store} ${size} ${workload}`, before, await readPage(server.url, page)) : undefined;
      const pairs = paired && workload === 'get' ? await paired(server.url) : undefined;
      if (workload === 'execute') executeRps = r.rps;
      out.push({
        server: 'flowtwin',
        store,
        size,
        workload,
        ...r,
        ...(pageItems ? { pageItems } : {}),
        rssMb: server.rssMb(),
        ...(redis && store === 'redis' ? { storeRssMb: redis.rssMb() } : {}),
        ...(pairs ? { pairs } : {}),
      });
      const bytes = `${Math.round(r.bytes ?? 0)} B/answer${page ? `, page ${pageItems}` : ''}`;
      log(`flowtwin ${store} ${size} ${workload}: ${Math.round(r.rps)} req/s p50 ${r.p50} ms, ${bytes}`);
    }
    const resetStart = performance.now();
    const res = await fetch(server.url + '/__flowtwin/reset', { method: 'POST' });
    const resetMs = performance.now() - resetStart;
    if (res.status >= 300) throw new Error(`reset answered ${res.status}`);
    out[out.length - 1].resetMs = resetMs;
    for (const row of out) Object.assign(row, { resetMs, seededRssMb });
  } finally {
    await server.stop();
  }
  return out;
}

/** The ids of the page a list workload reads, fetched once outside the timed run. */
async function readPage(url, { request, ids }) {
  const res = await fetch(url + request.path, { headers: request.headers });
  if (res.status !== 200) throw new Error(`${request.path} answered ${res.status}`);
  return ids(await res.json());
}
