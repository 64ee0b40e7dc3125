// The workspaces each project has (HW-ASSUME-24): those of the fixtures and those a trigger named.
// A project flowtwin knows no workspace of takes any (local development, as with credentials); once
// it knows some, another workspace id is SecMaster's 403 SecMaster.20010001, as Huawei's Terraform
// provider expects of the real service.
import { DuplicateRecordError, type Store } from '../../store/store.js';

export const WORKSPACE_KIND = 'secmaster.workspace';

export async function registerWorkspace(store: Store, project: string, workspaceId: string, at: number): Promise<void> {
  if (await store.get(WORKSPACE_KIND, project, workspaceId)) return;
  try {
    await store.create({ kind: WORKSPACE_KIND, tenant: project, id: workspaceId, createdAt: at, version: 1, data: {} });
  } catch (error) {
    // Another request or replica registered it first: the same fact.
    if (!(error instanceof DuplicateRecordError)) throw error;
  }
}

/** Whether requests may name this workspace of the project. */
export async function workspaceKnown(store: Store, project: string, workspaceId: string): Promise<boolean> {
  if (await store.get(WORKSPACE_KIND, project, workspaceId)) return true;
  return (await store.scan(WORKSPACE_KIND, project)).length === 0;
}
