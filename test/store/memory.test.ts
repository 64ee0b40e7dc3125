import { MemoryStore } from '../../src/store/memory.js';
import { runStoreConformance } from './conformance.js';

runStoreConformance('memory', async () => new MemoryStore(), { info: { kind: 'memory', durable: false, shared: false } });
