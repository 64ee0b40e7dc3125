// Run as a child process by sqlite.test.ts: commits through a SqliteStore, says so, and then waits
// to be SIGKILLed without closing anything, as a crashed server would.
import { SqliteStore } from '../../src/store/sqlite.js';

const store = new SqliteStore(process.argv[2]!);
await store.create({ kind: 'test.thing', tenant: 't1', id: 'a', parentId: 'p', createdAt: 1, version: 1, data: { n: 0 } });
await store.update({ kind: 'test.thing', tenant: 't1', id: 'a', createdAt: 1, version: 1, data: { n: 1 } }, 1);
await store.increment('t1', 'k', 600_000);
process.stdout.write('committed\n');
setInterval(() => {}, 60_000);
