// Kept apart from intercept.ts, and not exported by flowtwin/testing: its signature names nock's
// types, which a published .d.ts may not import when nock is not installed.
import type nockType from 'nock';

type Nock = typeof nockType;

/**
 * nock is an optional peer: only interceptVendors needs it, and nock 15 asks for Node 22, so a
 * dependency on it would warn every install on Node 20. Imported on first use, as importing nock
 * patches node's networking for the whole process.
 */
export async function loadNock(load: () => Promise<{ default: Nock }> = () => import('nock')): Promise<Nock> {
  try {
    return (await load()).default;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      throw new Error(
        'interceptVendors() needs nock, which intercepts the requests: ' +
          'add it with `npm install --save-dev nock` (15 or later)',
        { cause: err },
      );
    throw err;
  }
}
