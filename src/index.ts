// Public API for embedding flowtwin in a program or a test suite.
export { createFlowtwin, type Flowtwin, type FlowtwinOptions } from './http/app.js';
export { serve, type RunningFlowtwin, type ServeOptions } from './serve.js';
export { VirtualClock, type Clock, type TimeSource } from './engine/clock.js';
export { MemoryStore } from './store/memory.js';
// SQLite and Redis are opened through openStore ("sqlite:<path>", "redis://..."), which loads the
// native addon or the Redis client only when asked: importing flowtwin stays cheap.
export type { SqliteStore, SqliteStoreOptions } from './store/sqlite.js';
export type { RedisStore, RedisStoreOptions } from './store/redis.js';
export { StoreOpenError, openStore } from './store/open.js';
export type { Store, StoredRecord, StoreInfo } from './store/store.js';
