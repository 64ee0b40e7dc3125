// The event hub's cost with and without subscribers: heap kept after N instance writes nobody
// listens to, and the time of one tick with a subscriber watching them (none due).
//   node --expose-gc --import tsx bench/event-hub.ts [src dir, default ./src] [N, default 100000]
// Point the first argument at another checkout's src (e.g. `git archive main src | tar -x -C /tmp/old`)
// to compare.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const src = resolve(process.argv[2] ?? 'src');
const n = Number(process.argv[3] ?? 100_000);
const { EventHub } = (await import(pathToFileURL(`${src}/engine/events.ts`).href)) as typeof import('../src/engine/events.js');
const { datadogMachine } = (await import(pathToFileURL(`${src}/vendors/datadog/state-machine.ts`).href)) as typeof import('../src/vendors/datadog/state-machine.js');

const gc = (globalThis as { gc?: () => void }).gc!;
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
let now = 0;
const records = Array.from({ length: n }, (_, i) => ({ tenant: 't', id: `run-${i}`, createdAt: 0, data: { plan: { steps: [{ name: 'sleep', durationMs: 3_600_000, after: [] }], outcome: { kind: 'succeed' as const } }, operations: [] } }));
const hub = new EventHub({ now: () => now });
// The old hub's register takes no source, and its written takes `fresh` (a truthy string will do).
(hub.register as (...a: unknown[]) => void)('datadog', datadogMachine, { tenants: async () => ['t'], records: async () => records });
const before = heap();
// Each write hands the hub a record of its own, as the engine does (decoded from the store).
for (const r of records) (hub.written as (...a: unknown[]) => void)('datadog', structuredClone(r), 'created');
const idle = heap() - before;
const t0 = performance.now();
await hub.subscribe(() => undefined);
const subscribeMs = performance.now() - t0;
now = 1000;
const t1 = performance.now();
for (let i = 0; i < 20; i++) hub.tick();
const tickMs = (performance.now() - t1) / 20;
console.log(`${n} instances written without a subscriber: heap kept ${(idle / 1e6).toFixed(1)} MB; first subscribe ${subscribeMs.toFixed(0)} ms; one tick with none due ${tickMs.toFixed(2)} ms`);
