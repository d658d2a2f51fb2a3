import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/app-router';
import { renderApiDocs } from '../src/docs/render-api-docs';

describe('docs/api.md', () => {
  it('is exactly what the routers generate (run `pnpm --filter @trellis/api docs:api` after changing them)', async () => {
    const committed = await readFile(
      path.resolve(import.meta.dirname, '../../../docs/api.md'),
      'utf8',
    );
    expect(committed).toBe(renderApiDocs());
  });

  it('documents every procedure with a summary', () => {
    const docs = renderApiDocs();
    const procedures = Object.keys(
      (appRouter._def as unknown as { procedures: object }).procedures,
    );
    expect(procedures.sort()).toEqual(
      [
        'activity.list',
        'activity.onEvent',
        'auth.me',
        'auth.signIn',
        'auth.signOut',
        'auth.signUp',
        'comments.add',
        'comments.list',
        'labels.create',
        'labels.list',
        'projects.create',
        'projects.getByKey',
        'projects.list',
        'tasks.create',
        'tasks.delete',
        'tasks.get',
        'tasks.getByKey',
        'tasks.list',
        'tasks.update',
        'invitations.accept',
        'invitations.decline',
        'invitations.list',
        'workspaces.create',
        'workspaces.get',
        'workspaces.invitations',
        'workspaces.invite',
        'workspaces.leave',
        'workspaces.list',
        'workspaces.removeMember',
        'workspaces.revokeInvitation',
        'workspaces.setRole',
        'workspaces.transferOwnership',
      ].sort(),
    );
    for (const procedure of procedures) expect(docs).toContain(`## \`${procedure}\``);
    expect(docs).not.toMatch(/\n\n\n\*\*Errors/); // no procedure without a summary
  });
});
