// Run as a child process by redis.test.ts: opens a Redis store (or fails to), subscribes, closes,
// and then does nothing at all. The process exits by itself only if no connection is left open.
import { openStore } from '../../src/store/open.js';

const store = await openStore(process.argv[2]!).catch((err: Error) => {
  process.stdout.write(`refused: ${err.name}\n`);
});
if (store) {
  await store.subscribe('news', () => {});
  await store.publish('news', 'hello');
  await store.close();
  process.stdout.write('closed\n');
}
