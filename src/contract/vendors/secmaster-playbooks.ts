// SecMaster playbook and version reads (read-only): what a client that walks from a playbook to its
// versions relies on. The review ids and the rule flag are flowtwin's reading of fields the docs
// leave unrelated (HW-ASSUME-25): against the real service a failure here says that reading is wrong.
import type { CaseContext, ContractCase } from '../case.js';

interface Playbook {
  id: string;
  version_id?: string;
  enabled?: boolean;
  unaudited_version_id?: string;
  reject_version_id?: string;
}

interface Version {
  id: string;
  status?: string;
  version_type?: number;
  enabled?: boolean;
  rule_enable?: boolean;
  rules?: Record<string, unknown>;
}

const scope = (ctx: CaseContext) => ({
  project_id: ctx.resources.projectId!,
  workspace_id: ctx.resources.workspaceId!,
});

/** Each filter ListPlaybookVersions takes, and what every listed version must then satisfy. */
const VERSION_FILTERS: { query: Record<string, string>; holds: (v: Version) => boolean }[] = [
  { query: { status: 'PUBLISHED' }, holds: (v) => v.status === 'PUBLISHED' },
  { query: { version_type: '0' }, holds: (v) => v.version_type === 0 },
  { query: { enabled: '1' }, holds: (v) => v.enabled === true },
];

export const secmasterPlaybookCases: ContractCase[] = [
  {
    name: 'playbooks and their versions',
    kind: 'laws',
    writes: false,
    needs: ['projectId', 'workspaceId'],
    async run(ctx) {
      const listed = await ctx.http.call('ListPlaybooks', { params: scope(ctx), query: { limit: '10', offset: '0' } });
      const playbooks = ((listed.body as { data?: Playbook[] } | undefined)?.data ?? []).slice(0, 5);
      for (const playbook of playbooks) {
        const params = { ...scope(ctx), playbook_id: playbook.id };
        const x = await ctx.http.call('ListPlaybookVersions', { params, query: { limit: '50', offset: '0' } });
        const versions = (x.body as { data?: Version[] } | undefined)?.data ?? [];
        const byId = new Map(versions.map((v) => [v.id, v]));
        if (versions.length < 50) {
          ctx.check('laws.running-version-listed', playbook.version_id === undefined || byId.has(playbook.version_id), {
            message: `playbook ${playbook.id}: its version_id is one of its versions`,
            expected: playbook.version_id,
            seen: [...byId.keys()].join(', '),
            exchange: x,
          });
          for (const [field, status] of [
            ['unaudited_version_id', 'APPROVING'],
            ['reject_version_id', 'UNPASSED'],
          ] as const) {
            const id = playbook[field];
            if (!id) continue;
            ctx.check('laws.review-ids-name-versions', byId.get(id)?.status === status, {
              message: `playbook ${playbook.id}: ${field} names a version in status ${status} (HW-ASSUME-25)`,
              expected: status,
              seen: byId.get(id)?.status ?? 'no such version',
              exchange: x,
            });
          }
        }
        for (const filter of VERSION_FILTERS) {
          const f = await ctx.http.call('ListPlaybookVersions', {
            params,
            query: { limit: '50', offset: '0', ...filter.query },
          });
          const wrong = ((f.body as { data?: Version[] } | undefined)?.data ?? []).filter((v) => !filter.holds(v));
          ctx.check('laws.version-filter-respected', f.status === 200 && wrong.length === 0, {
            message: `ListPlaybookVersions ${new URLSearchParams(filter.query)} lists only matching versions`,
            seen: wrong.map((v) => v.id).join(', ') || String(f.status),
            exchange: f,
          });
        }
        if (!playbook.version_id) continue;
        const shown = await ctx.http.call('ShowPlaybookVersion', {
          params: { ...scope(ctx), version_id: playbook.version_id },
        });
        const version = (shown.body as { data?: Version } | undefined)?.data;
        if (!version) continue;
        const hasRule = Object.keys(version.rules ?? {}).length > 0;
        ctx.check('laws.rule-enable-has-rule', version.rule_enable === hasRule, {
          message: `version ${version.id}: rule_enable is true exactly when rules holds a rule (HW-ASSUME-25)`,
          expected: String(hasRule),
          seen: String(version.rule_enable),
          exchange: shown,
        });
      }
    },
  },
];
