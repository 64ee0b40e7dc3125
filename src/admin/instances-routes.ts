// GET /__flowtwin/instances and /__flowtwin/instances/{vendor}/{tenant}/{instance_id}: every
// vendor's instances across tenants, for the dashboard and for a test that wants to see them all.
import type { Request, Router } from 'express';
import type { TenantIndex } from '../engine/tenant-index.js';
import type { InstanceCatalog } from '../vendors/instance-catalog.js';
import { ControlInputError, type Vendor } from '../vendors/vendor.js';

const QUERY_KEYS = ['vendor', 'tenant', 'status', 'limit'];
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 1000;

/** A query value given once and not empty, or undefined when absent. */
function text(req: Request, key: string): string | undefined {
  const value = req.query[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ControlInputError(`${key} must be given once, not empty`);
  return value;
}

function limitOf(req: Request): number {
  const raw = text(req, 'limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT)
    throw new ControlInputError(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${JSON.stringify(raw)}`);
  return limit;
}

export function mountInstances(
  router: Router,
  vendors: Vendor[],
  tenantOf: (req: Request) => Promise<string | undefined>,
  tenants?: TenantIndex,
): void {
  const catalogs = new Map(
    vendors.flatMap((v): [string, InstanceCatalog][] => (v.catalog ? [[v.name, v.catalog]] : [])),
  );
  const names = [...catalogs.keys()].join(', ');

  router.get('/instances', async (req, res) => {
    const unknown = Object.keys(req.query).filter((k) => !QUERY_KEYS.includes(k));
    if (unknown.length > 0)
      throw new ControlInputError(`unknown query ${unknown.join(', ')}; use ${QUERY_KEYS.join(', ')}`);
    const vendor = text(req, 'vendor');
    if (vendor !== undefined && !catalogs.has(vendor))
      throw new ControlInputError(
        `vendor must be one of ${names} (the vendors that run instances), got ${JSON.stringify(vendor)}`,
      );
    const status = text(req, 'status');
    const limit = limitOf(req);
    // With a vendor's credentials on the call, that tenant's only: one suite cannot list another's.
    const tenant = (await tenantOf(req)) ?? text(req, 'tenant');
    const chosen = vendor === undefined ? [...catalogs.values()] : [catalogs.get(vendor)!];
    const all = (await Promise.all(chosen.map((c) => c.list(tenant))))
      .flat()
      .filter((i) => status === undefined || i.status === status);
    all.sort((a, b) => (a.startedAt === b.startedAt ? a.id.localeCompare(b.id) : a.startedAt < b.startedAt ? 1 : -1));
    const labels = (await tenants?.labels()) ?? new Map<string, string>();
    const instances = all.slice(0, limit).map((i) => {
      const tenantLabel = labels.get(i.tenant);
      return tenantLabel === undefined ? i : { ...i, tenantLabel };
    });
    res.json({ count: instances.length, total: all.length, instances });
  });

  router.get('/instances/:vendor/:tenant/:instance_id', async (req, res) => {
    const { vendor, tenant, instance_id: id } = req.params as Record<string, string>;
    const catalog = catalogs.get(vendor!);
    if (!catalog)
      throw new ControlInputError(
        `flowtwin has no vendor ${JSON.stringify(vendor)} that runs instances; use one of ${names}`,
        404,
      );
    const scoped = await tenantOf(req);
    const found = scoped === undefined || scoped === tenant ? await catalog.detail(tenant!, id!) : undefined;
    if (!found) throw new ControlInputError(`tenant ${tenant} has no ${vendor} instance ${id}`, 404);
    const tenantLabel = (await tenants?.labels())?.get(tenant!);
    res.json(tenantLabel === undefined ? found : { ...found, tenantLabel });
  });
}
