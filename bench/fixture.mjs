// Keys and ids from fixtures/default.json that the workloads address; if the fixtures are
// regenerated these must follow (the flowtwin child fails loudly when an id is missing).
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
