// Playbook and playbook version reads; their envelope is {code, message, ...} unlike the instance
// APIs (VENDOR-FACTS B5.7-B5.10).
import type { Handler, Reply, VendorRequest } from '../vendor.js';
import type { SecMasterPrincipal } from './auth.js';
import type { SecMasterContext } from './context.js';
import { fail, smErrors } from './errors.js';
import { pageOf } from './instances.js';
import {
  PLAYBOOK_KIND,
  playbookInfo,
  VERSION_KIND,
  versionEntity,
  versionInfo,
  type StoredPlaybook,
  type StoredVersion,
} from './model.js';

type Req = VendorRequest<SecMasterPrincipal>;
// The success code and message are not documented; see docs/fidelity.md.
const envelope = (rest: Record<string, unknown>): Reply => ({
  status: 200,
  contentType: 'application/json',
  body: { code: '00000000', message: '', ...rest },
});
const contains = (value: string, wanted: unknown) =>
  typeof wanted !== 'string' || value.toLowerCase().includes(wanted.toLowerCase());

export function playbookHandlers(ctx: SecMasterContext): Record<string, Handler<SecMasterPrincipal>> {
  /** The path's playbook, when the workspace has it. */
  async function findPlaybook(req: Req) {
    const record = await ctx.store.get<StoredPlaybook>(
      PLAYBOOK_KIND,
      req.caller.tenant,
      String(req.params.playbook_id),
    );
    return record && record.data.workspaceId === req.params.workspace_id ? record : undefined;
  }

  async function playbookOf(req: Req) {
    return (await findPlaybook(req)) ?? fail(smErrors.notFound('playbook', String(req.params.playbook_id)));
  }

  return {
    async ListPlaybooks(req) {
      const { limit, offset } = pageOf(req);
      const q = req.query;
      const all = (
        await ctx.store.scan<StoredPlaybook>(PLAYBOOK_KIND, req.caller.tenant, String(req.params.workspace_id))
      ).filter(
        (r) =>
          (q.enabled === undefined || r.data.enabled === q.enabled) &&
          contains(r.data.name, q.name) &&
          contains(r.data.description, q.description) &&
          contains(r.data.dataclass.name, q.dataclass_name) &&
          (contains(r.data.name, q.search_txt) || contains(r.data.description, q.search_txt)),
      );
      const page = all.slice(offset, offset + limit).map((r) => playbookInfo(req.caller.tenant, r.id, r.data));
      return envelope({ total: all.length, size: page.length, page: Math.floor(offset / limit), data: page });
    },

    async ShowPlaybook(req) {
      const record = await findPlaybook(req);
      // No such playbook: the envelope without data (HW-ASSUME-23), which is how Huawei's clients tell.
      if (!record) return envelope({});
      return envelope({ data: playbookInfo(req.caller.tenant, record.id, record.data) });
    },

    async ListPlaybookVersions(req) {
      const playbook = await playbookOf(req);
      const q = req.query;
      const limit = q.limit === undefined ? 10 : Number(q.limit);
      const offset = q.offset === undefined ? 0 : Number(q.offset);
      const enabled = q.enabled === undefined ? undefined : q.enabled === true || q.enabled === 1;
      const all = (await ctx.store.scan<StoredVersion>(VERSION_KIND, req.caller.tenant, playbook.id)).filter(
        (r) =>
          (q.status === undefined || r.data.status === q.status) &&
          (enabled === undefined || r.data.enabled === enabled) &&
          (q.version_type === undefined || r.data.versionType === q.version_type),
      );
      const page = all.slice(offset, offset + limit).map((r) => versionEntity(req.caller.tenant, r.id, r.data));
      return envelope({
        size: page.length,
        page: Math.floor(offset / Math.max(limit, 1)),
        total: all.length,
        data: page,
      });
    },

    async ShowPlaybookVersion(req) {
      const id = String(req.params.version_id);
      const record = await ctx.store.get<StoredVersion>(VERSION_KIND, req.caller.tenant, id);
      if (!record || record.data.workspaceId !== req.params.workspace_id) return envelope({});
      return envelope({ data: versionInfo(req.caller.tenant, record.id, record.data) });
    },
  };
}
