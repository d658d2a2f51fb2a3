import { describe, expect, it } from 'vitest';
import { codeOf, failureOf, queriesFromServerTiming, useApi } from './harness';

const api = useApi();

describe('auth', () => {
  it('signs up with a normalised email, returns a token and never a secret', async () => {
    const result = await api.client().auth.signUp.mutate({
      email: '  Ada@Example.COM ',
      password: 'correct horse battery',
      name: 'Ada',
    });
    expect(result.user).toEqual({ id: expect.any(String), email: 'ada@example.com', name: 'Ada' });
    expect(result.token.length).toBeGreaterThanOrEqual(43); // 32 random bytes, base64url
    expect(JSON.stringify(result)).not.toMatch(/hash|password|scrypt/i);
    const me = await api.client(result.token).auth.me.query();
    expect(me).toEqual(result.user);
  });

  it('rejects a taken email with CONFLICT', async () => {
    await api.client().auth.signUp.mutate({
      email: 'taken@example.com',
      password: 'long enough password',
      name: 'A',
    });
    expect(
      await codeOf(
        api.client().auth.signUp.mutate({
          email: 'TAKEN@example.com',
          password: 'another password!',
          name: 'B',
        }),
      ),
    ).toBe('CONFLICT');
  });

  it('gives the same UNAUTHORIZED for a wrong password and an unknown email', async () => {
    await api.client().auth.signUp.mutate({
      email: 'grace@example.com',
      password: 'the right password',
      name: 'G',
    });
    const wrong = await failureOf(
      api
        .client()
        .auth.signIn.mutate({ email: 'grace@example.com', password: 'the wrong password' }),
    );
    const unknown = await failureOf(
      api
        .client()
        .auth.signIn.mutate({ email: 'nobody@example.com', password: 'the wrong password' }),
    );
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(wrong).toEqual(unknown);
    const signedIn = await api
      .client()
      .auth.signIn.mutate({ email: 'GRACE@example.com', password: 'the right password' });
    expect(signedIn.user.email).toBe('grace@example.com');
  });

  it('signOut makes the token stop working at once; missing and malformed tokens are UNAUTHORIZED', async () => {
    const { token } = await api.client().auth.signUp.mutate({
      email: 'leaver@example.com',
      password: 'long enough password',
      name: 'L',
    });
    expect(await api.client(token).auth.signOut.mutate()).toEqual({ ok: true });
    expect(await codeOf(api.client(token).auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(api.client().auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(api.client('not-a-token').auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('every response carries Server-Timing with the queries of the request, authentication included', async () => {
    const { token } = await api.client().auth.signUp.mutate({
      email: 'timer@example.com',
      password: 'long enough password',
      name: 'T',
    });
    await api.client(token).auth.me.query();
    const headers = api.lastHeaders();
    expect(headers?.get('server-timing')).toMatch(/^db;dur=\d+(\.\d+)?;desc="\d+ queries"$/);
    expect(queriesFromServerTiming(headers)).toBe(1); // auth.me is the token lookup and nothing else
    expect(headers?.get('x-request-id')).toBeTruthy();
  });

  it('ignores x-request-id from a client that is not a trusted proxy (TRUST_PROXY unset)', async () => {
    // ops-logs.test.ts shows the balancer's id honoured when TRUST_PROXY names the balancer.
    const response = await fetch(`${api.url}/auth.me`, { headers: { 'x-request-id': 'lb-1234' } });
    expect(response.headers.get('x-request-id')).not.toBe('lb-1234');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.status).toBe(401);
  });
});
