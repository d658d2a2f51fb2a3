/** The demo workspace's people. Their passwords are printed on purpose: this is demo data. */
export const DEMO_ACCOUNTS = [
  { email: 'alice@acme.test', name: 'Alice Owner', password: 'acme-demo-alice', role: 'owner' },
  { email: 'bob@acme.test', name: 'Bob Admin', password: 'acme-demo-bob', role: 'admin' },
  { email: 'carol@acme.test', name: 'Carol Member', password: 'acme-demo-carol', role: 'member' },
  { email: 'dave@acme.test', name: 'Dave Viewer', password: 'acme-demo-dave', role: 'viewer' },
] as const;

export const DEMO_WORKSPACE_SLUG = 'acme';
