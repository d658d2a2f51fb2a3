import { recordConnectionWrites } from '@trellis/db/testing';
import { describe, expect, it } from 'vitest';
import { KnownTokenOwners } from '../src/trpc/known-token-owners';
import { createWorld } from './fixtures';
import { codeOf, useApi } from './harness';

// One connection: every request goes through the socket the spy below watches.
const api = useApi({}, { max: 1 });
/** Changes made behind the API's back, as another instance or an operator would. */
const behindTheApi = (sql: string, values: unknown[]) =>
  api.database.db.transaction((session) => session.query(sql, values));

/**
 * How many statements each write of the API's one database connection carried while `run` ran
 * (writes of control statements alone, BEGIN or COMMIT, left out). An extended-protocol
 * statement ends with Sync.
 */
async function statementsPerWrite(run: () => Promise<unknown>): Promise<number[]> {
  const writes = await recordConnectionWrites(api.db, run);
  return writes
    .map((messages) => messages.filter((message) => message === 'S').length)
    .filter((statements) => statements > 0);
}

/** A token this server has not seen yet: a fresh sign-in of the world's owner. */
async function freshToken(email: string): Promise<string> {
  const { token } = await api.client().auth.signIn.mutate({ email, password: 'a long password' });
  return token;
}

describe('the token check of an authenticated query', () => {
  it('leaves in one write with the query once the token is known to pass (one round trip less)', async () => {
    const world = await createWorld(api);
    const task = await world.owner.client.tasks.create.mutate({
      projectId: world.project.id,
      title: 'pipelined',
    });
    const client = api.client(await freshToken(world.owner.email));
    // tasks.get is two statements: the token check, then the task with its graph.
    const getTask = () => client.tasks.get.query({ id: task.id });
    expect(await statementsPerWrite(getTask)).toEqual([1, 1]); // unknown: check, answer, query
    expect(await statementsPerWrite(getTask)).toEqual([2]); // known: both at once
    expect(await getTask()).toMatchObject({ id: task.id, title: 'pipelined' });
    // A mutation waits for the check: nothing is written under a token that no longer passes.
    const rename = () =>
      client.tasks.update.mutate({ id: task.id, version: task.version, title: 'renamed' });
    expect((await statementsPerWrite(rename))[0]).toBe(1);
  });

  it('still decides: a token signed out or expired since it was known gets UNAUTHORIZED, not the answer', async () => {
    const world = await createWorld(api);
    const task = await world.owner.client.tasks.create.mutate({
      projectId: world.project.id,
      title: 'secret',
    });
    const signedOut = await freshToken(world.owner.email);
    expect(await api.client(signedOut).tasks.get.query({ id: task.id })).toMatchObject({
      title: 'secret',
    });
    expect(await api.client(signedOut).auth.signOut.mutate()).toEqual({ ok: true });
    expect(await codeOf(api.client(signedOut).tasks.get.query({ id: task.id }))).toBe(
      'UNAUTHORIZED',
    );
    expect(await codeOf(api.client(signedOut).auth.me.query())).toBe('UNAUTHORIZED');

    const expired = await freshToken(world.owner.email);
    await api.client(expired).tasks.get.query({ id: task.id });
    await behindTheApi(
      `update auth_tokens set expires_at = now() - interval '1 second' where user_id = $1`,
      [world.owner.id],
    );
    expect(await codeOf(api.client(expired).tasks.get.query({ id: task.id }))).toBe('UNAUTHORIZED');
  });

  it('answers as the user is now: a name changed since the token was known shows at once', async () => {
    const world = await createWorld(api);
    const client = api.client(await freshToken(world.owner.email));
    expect(await client.auth.me.query()).toMatchObject({ id: world.owner.id, name: 'owner' });
    await behindTheApi(`update users set name = 'renamed owner' where id = $1`, [world.owner.id]);
    expect(await client.auth.me.query()).toMatchObject({
      id: world.owner.id,
      name: 'renamed owner',
    });
  });

  it('keeps a bounded number of tokens, forgetting the oldest first', () => {
    const owners = new KnownTokenOwners(2);
    const user = (id: string) => ({ id, email: `${id}@example.com`, name: id });
    owners.remember('a', user('1'));
    owners.remember('b', user('2'));
    owners.remember('c', user('3'));
    expect([owners.ownerOf('a'), owners.ownerOf('b')?.id, owners.ownerOf('c')?.id]).toEqual([
      undefined,
      '2',
      '3',
    ]);
    expect(owners.size).toBe(2);
  });
});
