import { DEMO_ACCOUNTS } from './demo-accounts';

/** How to sign in to the demo and one example call, for a person at a terminal. */
export function printDemoInstructions(baseUrl: string): void {
  const [owner] = DEMO_ACCOUNTS;
  const lines = [
    '',
    'Demo workspace "acme". Sign in as any of:',
    ...DEMO_ACCOUNTS.map(
      (account) =>
        `  ${account.email.padEnd(18)} password: ${account.password.padEnd(16)} (${account.role})`,
    ),
    '',
    'Example:',
    `  curl -s -X POST ${baseUrl}/trpc/auth.signIn -H 'content-type: application/json' \\`,
    `    -d '{"json":{"email":"${owner.email}","password":"${owner.password}"}}'`,
    `  curl -s '${baseUrl}/trpc/workspaces.list' -H 'authorization: Bearer <token from the answer above>'`,
    '',
  ];
  console.log(lines.join('\n'));
}
