// Public API for embedding flowtwin in a program or a test suite.
export { createFlowtwin, type Flowtwin, type FlowtwinOptions } from './http/app.js';
export { serve, type RunningFlowtwin, type ServeOptions } from './serve.js';
export { VirtualClock, type Clock, type TimeSource } from './engine/clock.js';
export { MemoryStore } from './store/memory.js';
export { SqliteStore, type SqliteStoreOptions } from './store/sqlite.js';
export { RedisStore, type RedisStoreOptions } from './store/redis.js';
export { StoreOpenError, openStore } from './store/open.js';
export type { Store, StoredRecord, StoreInfo } from './store/store.js';
