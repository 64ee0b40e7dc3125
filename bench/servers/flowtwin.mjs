// flowtwin as `flowtwin serve` runs it, plus N extra instances per vendor written through the Store
// API before listening: seeding over HTTP would take longer than the runs themselves at 100k.
// FLOWTWIN_BENCH_FROM=src (under tsx) runs the TypeScript sources, so the test needs no build.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { FIXTURE } from '../fixture.mjs';

const from = process.env.FLOWTWIN_BENCH_FROM === 'src' ? 'src' : 'dist';
const load = (path) => import(new URL(`../../${from}/${path}`, import.meta.url).href);
const { serve, DEFAULT_FIXTURES, readJsonFile } = await load('serve.js');
const { openStore } = await load('store/open.js');
const { buildCaller } = await load('vendors/datadog/auth.js');

const { values } = parseArgs({ options: { store: { type: 'string' }, port: { type: 'string' }, seed: { type: 'string', default: '0' } } });
const store = await openStore(values.store);
const running = await serve({ port: Number(values.port), host: '127.0.0.1', store, fixtures: readJsonFile(DEFAULT_FIXTURES, 'fixtures file') });

const ddTenant = buildCaller({ apiKey: FIXTURE.dd.apiKey, appKey: FIXTURE.dd.appKey }).tenant;
const seeded = await seed(Number(values.seed), [
  ['datadog.instance', ddTenant, FIXTURE.dd.instanceId],
  ['secmaster.instance', FIXTURE.sm.projectId, FIXTURE.sm.instanceId],
]);
console.log(`ready ${seeded}`);

async function seed(n, sources) {
  let total = 0;
  for (const [kind, tenant, id] of sources) {
    const template = await store.get(kind, tenant, id);
    if (!template) throw new Error(`fixture ${kind} ${id} not found for tenant ${tenant}`);
    const now = running.clock.now(tenant);
    // Batches keep a network store's pipeline full without queueing 100k promises at once.
    for (let i = 0; i < n; i += 1000) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) batch.push(store.create({ ...template, id: randomUUID(), createdAt: now, version: 1 }));
      await Promise.all(batch);
      total += batch.length;
    }
  }
  return total;
}

process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
