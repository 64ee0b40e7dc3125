// Datadog workflow instances in the control plane's listing across tenants (the dashboard): named
// after their workflow, canceled through the vendor API's own CancelWorkflowInstance.
import { instanceCatalog, type InstanceCatalog } from '../instance-catalog.js';
import type { DatadogContext } from './context.js';

export function datadogCatalog(ctx: DatadogContext): InstanceCatalog {
  return instanceCatalog({
    vendor: 'datadog',
    engine: ctx.instances,
    clock: ctx.clock,
    name: (view) => view.record.data.attrs.workflowName,
    call: (view) => ({
      method: 'PUT',
      path: `/api/v2/workflows/${view.record.parentId}/instances/${view.record.id}/cancel`,
    }),
  });
}
