// flowtwin as `flowtwin serve` runs it, plus N extra instances (half Datadog, half SecMaster) written
// through the Store API before listening: seeding over HTTP would take longer than the runs at 100k.
// Each instance gets its own copy of the data, so the memory store's RSS is what N real ones cost.
// The clock is frozen before seeding: the seeded runs stay at their start (RUNNING) for the whole run,
// so every list reads the same full page in every store, however long the earlier workloads took.
// FLOWTWIN_BENCH_FROM=src (under tsx) runs the TypeScript sources, so the test needs no build.
import { parseArgs } from 'node:util';
import { FIXTURE, seededId } from '../fixture.mjs';

const from = process.env.FLOWTWIN_BENCH_FROM === 'src' ? 'src' : 'dist';
const load = (path) => import(new URL(`../../${from}/${path}`, import.meta.url).href);
const { serve, DEFAULT_FIXTURES, readJsonFile } = await load('serve.js');
const { openStore } = await load('store/open.js');
const { buildCaller } = await load('vendors/datadog/auth.js');

const { values } = parseArgs({ options: { store: { type: 'string' }, port: { type: 'string' }, seed: { type: 'string', default: '0' } } });
const store = await openStore(values.store);
// The per-tenant limit (100k by default, `serve --max-instances-per-tenant`) raised: at 1k the execute row,
// the cancel pool and mixed create over 100k runs on a fast host, and refused executes are not the work measured.
const limits = { maxInstancesPerTenant: 1e9 };
const running = await serve({ port: Number(values.port), host: '127.0.0.1', store, fixtures: readJsonFile(DEFAULT_FIXTURES, 'fixtures file'), ...limits });

// Through the control plane, as a user would; without credentials it stops the global clock, which
// every tenant without a clock of its own (all of them here) follows.
const frozen = await fetch(`${running.url}/__flowtwin/clock/freeze`, { method: 'POST' });
if (frozen.status !== 200) throw new Error(`clock freeze answered ${frozen.status}`);
const ddTenant = buildCaller({ apiKey: FIXTURE.dd.apiKey, appKey: FIXTURE.dd.appKey }).tenant;
const seeded = await seed(Math.ceil(Number(values.seed) / 2), [
  ['datadog.instance', ddTenant, FIXTURE.dd.instanceId, 'dd'],
  ['secmaster.instance', FIXTURE.sm.projectId, FIXTURE.sm.instanceId, 'sm'],
]);
// Instances written behind the engine's back are indexed on their parent's first list (a workflow's,
// a workspace's); do both now, so that one-time cost (a user's instances are indexed as they are
// written) is not timed.
const warmUps = [
  [`/api/v2/workflows/${FIXTURE.dd.workflowId}/instances?page%5Bsize%5D=1`, { 'DD-API-KEY': FIXTURE.dd.apiKey, 'DD-APPLICATION-KEY': FIXTURE.dd.appKey }],
  [`/v1/${FIXTURE.sm.projectId}/workspaces/${FIXTURE.sm.workspaceId}/soc/playbooks/instances?limit=1&offset=0`, { 'X-Auth-Token': 'flowtwin-bench-token' }],
];
// fetch keeps the freeze call's socket, which the server closes after 5 s idle: at 100k seeding takes
// longer, and the first warm-up can go out on that socket as it closes ("other side closed"). Once more then.
const fetchOnce = (url, init) => fetch(url, init).catch(() => fetch(url, init));
for (const [path, headers] of warmUps) {
  const warm = await fetchOnce(`${running.url}${path}`, { headers });
  if (warm.status !== 200) throw new Error(`warm-up list ${path} answered ${warm.status}`);
}
// Two collections a moment apart: one leaves the seeding's freed buffers and pages to background
// sweeping, and the RSS read right after it still held them (1190 MB against 780 at 1M).
for (let i = 0; i < 2; i++) {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 300));
}
console.log(`ready ${seeded}`);

async function seed(n, sources) {
  let total = 0;
  for (const [kind, tenant, id, vendor] of sources) {
    const template = await store.get(kind, tenant, id);
    if (!template) throw new Error(`fixture ${kind} ${id} not found for tenant ${tenant}`);
    const now = running.clock.now(tenant);
    // Batches keep a network store's pipeline full without queueing 100k promises at once.
    for (let i = 0; i < n; i += 1000) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 1000); j++)
        batch.push(store.create({ ...template, id: seededId(vendor, j), createdAt: now, version: 1, data: structuredClone(template.data) }));
      await Promise.all(batch);
      total += batch.length;
    }
  }
  return total;
}

process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
