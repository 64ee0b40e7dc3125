// SecMaster playbook instances in the control plane's listing across tenants (the dashboard):
// actions shown by name, RETRY and TERMINATE sent to the vendor API's ChangePlaybookInstance.
import { instanceCatalog, type InstanceCatalog } from '../instance-catalog.js';
import { materializeTimers, type SecMasterContext } from './context.js';
import { PLAYBOOK_KIND, type StoredPlaybook } from './model.js';

export function secmasterCatalog(ctx: SecMasterContext): InstanceCatalog {
  return instanceCatalog({
    vendor: 'secmaster',
    engine: ctx.instances,
    clock: ctx.clock,
    name: (view) => view.record.data.attrs.name,
    stepName: (view, step) => view.record.data.attrs.actions.find((a) => a.id === step)?.name ?? step,
    call: (view, operation) => ({
      method: 'POST',
      path:
        `/v1/${view.record.tenant}/workspaces/${view.record.data.attrs.workspaceId}` +
        `/soc/playbooks/instances/${view.record.id}/operation`,
      body: { operation },
    }),
    // The listing shows what ListPlaybookInstances would: TIMER runs due by now exist first.
    async prepare(tenant) {
      const playbooks = await ctx.store.scan<StoredPlaybook>(PLAYBOOK_KIND, tenant);
      for (const workspaceId of new Set(playbooks.map((p) => p.data.workspaceId)))
        await materializeTimers(ctx, tenant, workspaceId);
    },
  });
}
