// Keys and ids from fixtures/default.json that the workloads address; if the fixtures are
// regenerated these must follow (the flowtwin child fails loudly when an id is missing).
import { createHash } from 'node:crypto';
export const FIXTURE = {
  dd: {
    apiKey: 'flowtwin-api-key',
    appKey: 'flowtwin-app-key',
    // "Hack sensor": the seeded instances are cloned under it, so its list grows with the size.
    workflowId: 'd690e696-027c-4a65-8952-723bc9fb8716',
    instanceId: 'b52bcae3-72e1-4bf6-a766-3c854bc361b6',
    // "Synthesize driver" sleeps an hour, so the instances the cancel workload targets are still running.
    longWorkflowId: '77a9edf5-50ef-4cf3-9e25-2c02de8c9eba',
  },
  sm: {
    projectId: '0123456789abcdef0123456789abcdef',
    workspaceId: '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b',
    instanceId: 'fbf9f695-d81a-410b-ae87-c36b17142e8e',
  },
};

/**
 * The id of the i-th seeded instance of a vendor ('dd' or 'sm'): a UUID v4 from a hash, so the driver
 * can address any of them without the child handing over a list, yet ids look as random to the
 * stores' hash tables and indexes as randomUUID() ones.
 */
export function seededId(vendor, i) {
  const h = createHash('sha256').update(`flowtwin-bench ${vendor} ${i}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Seeded PRNG (mulberry32), uniform in [0, 1): the same seed reads the same instances in every run. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
