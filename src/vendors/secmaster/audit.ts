// Audit logs and topology, derived from the same projection as the instances' status, so an
// action's log entry can never disagree with its instance (VENDOR-FACTS B5.4-B5.5).
import type { Handler, Reply } from '../vendor.js';
import type { SecMasterPrincipal } from './auth.js';
import type { SecMasterContext } from './context.js';
import { instanceOf, pageOf, workspaceInstances } from './instances.js';
import { actionInfo, auditLogs, latestAuditLogs } from './model.js';

type Log = ReturnType<typeof auditLogs>[number];
const FILTER_FIELDS = [
  'instance_type',
  'action_id',
  'action_name',
  'instance_id',
  'parent_instance_id',
  'log_level',
  'status',
  'trigger_type',
] as const;

const json = (body: unknown): Reply => ({ status: 200, contentType: 'application/json', body });

export function auditHandlers(ctx: SecMasterContext): Record<string, Handler<SecMasterPrincipal>> {
  return {
    async ListPlaybookAuditLogs(req) {
      const { limit, offset } = pageOf(req);
      const filter = (req.body ?? {}) as Partial<Record<string, string>>;
      const logs = (await workspaceInstances(ctx, req))
        .flatMap(auditLogs)
        .filter((log) => FILTER_FIELDS.every((f) => !filter[f] || log[f] === filter[f]));
      const key = req.query.sort_key === 'end_time' ? 'end_time' : 'start_time';
      const dir = req.query.sort_dir === 'asc' ? 1 : -1;
      logs.sort((a: Log, b: Log) => (a[key] === b[key] ? 0 : a[key] < b[key] ? -dir : dir));
      return json({ count: logs.length, audit_logs: logs.slice(offset, offset + limit) });
    },

    async ShowPlaybookTopology(req) {
      const view = await instanceOf(ctx, req);
      const { playbook, actions } = view.record.data.attrs;
      const logs = new Map(latestAuditLogs(view).map((log) => [log.action_id, log]));
      const nodes = actions
        .filter((a) => logs.has(a.id))
        .map((a) => ({
          action: actionInfo(req.caller.tenant, playbook.id, playbook.version_id, a),
          instance_log: logs.get(a.id)!,
        }));
      return json({ count: nodes.length, action_instances: nodes });
    },
  };
}
