import { Argument, Option, type Command } from 'commander';
import { notFound } from '../cli-error';
import { examples, withSession } from '../command-kit';
import { bold, cyan, day, printJson, printLine, printTable } from '../output';
import type { Session } from '../session';

const ROLES = ['admin', 'member', 'viewer'] as const;
type InvitableRole = (typeof ROLES)[number];

/** A member of the current workspace by email. */
async function memberByEmail(session: Session, email: string) {
  const workspace = await session.workspace();
  const member = workspace.members.find(
    (candidate) => candidate.user.email.toLowerCase() === email.trim().toLowerCase(),
  );
  if (!member) throw notFound(`${email} is not a member of ${workspace.slug}`);
  return { workspace, member };
}

/**
 * Membership as the API has it since issue 7: owners and admins invite by email, the invited
 * person accepts (`trellis invitations accept`); roles change with set-role; members leave.
 */
export function registerMemberCommands(workspaces: Command, program: Command): void {
  examples(
    workspaces
      .command('invite')
      .description('Invite someone by email (owner or admin)')
      .argument('<email>', 'who to invite')
      .addOption(
        new Option('--role <role>', 'their role once they accept').choices(ROLES).default('member'),
      )
      .action(
        withSession(async (session, email: string, options: { role: InvitableRole }) => {
          const workspace = await session.workspace();
          const invitation = await session.client.workspaces.invite.mutate({
            workspaceId: workspace.id,
            email,
            role: options.role,
          });
          if (session.options.json) return printJson(invitation);
          printLine(
            `Invited ${invitation.email} to ${workspace.slug} as ${invitation.role} (until ${day(invitation.expiresAt)})`,
          );
        }),
      ),
    'trellis workspaces invite grace@example.com',
    'trellis workspaces invite grace@example.com --role admin --workspace acme',
  );

  examples(
    workspaces
      .command('invitations')
      .description("The workspace's pending invitations (owner or admin)")
      .action(
        withSession(async (session) => {
          const workspace = await session.workspace();
          const list = await session.client.workspaces.invitations.query({
            workspaceId: workspace.id,
          });
          if (session.options.json) return printJson(list);
          printTable(
            ['EMAIL', 'ROLE', 'INVITED BY', 'UNTIL'],
            list.map((item) => [item.email, item.role, item.invitedBy.email, day(item.expiresAt)]),
            'No pending invitations.',
          );
        }),
      ),
    'trellis workspaces invitations',
  );

  examples(
    workspaces
      .command('uninvite')
      .description('Revoke a pending invitation (owner or admin)')
      .argument('<email>', 'the invited email')
      .action(
        withSession(async (session, email: string) => {
          const workspace = await session.workspace();
          const list = await session.client.workspaces.invitations.query({
            workspaceId: workspace.id,
          });
          const invitation = list.find((item) => item.email === email.trim().toLowerCase());
          if (!invitation)
            throw notFound(`No pending invitation for ${email} in ${workspace.slug}`);
          const result = await session.client.workspaces.revokeInvitation.mutate({
            id: invitation.id,
          });
          if (session.options.json) return printJson(result);
          printLine(`Revoked the invitation of ${invitation.email}`);
        }),
      ),
    'trellis workspaces uninvite grace@example.com',
  );

  examples(
    workspaces
      .command('set-role')
      .description("Change a member's role")
      .argument('<email>', 'the member')
      .addArgument(new Argument('<role>', 'new role').choices(ROLES))
      .action(
        withSession(async (session, email: string, role: InvitableRole) => {
          const { workspace, member } = await memberByEmail(session, email);
          const result = await session.client.workspaces.setRole.mutate({
            workspaceId: workspace.id,
            userId: member.user.id,
            role,
          });
          if (session.options.json) return printJson(result);
          printLine(`${member.user.email} is now ${result.role} in ${workspace.slug}`);
        }),
      ),
    'trellis workspaces set-role grace@example.com admin',
  );

  examples(
    workspaces
      .command('remove-member')
      .description('Remove a member from the workspace')
      .argument('<email>', 'the member')
      .action(
        withSession(async (session, email: string) => {
          const { workspace, member } = await memberByEmail(session, email);
          const result = await session.client.workspaces.removeMember.mutate({
            workspaceId: workspace.id,
            userId: member.user.id,
          });
          if (session.options.json) return printJson(result);
          printLine(`Removed ${member.user.email} from ${workspace.slug}`);
        }),
      ),
    'trellis workspaces remove-member grace@example.com',
  );

  examples(
    workspaces
      .command('transfer')
      .description('Hand the workspace to an admin (owner only); you become an admin')
      .argument('<email>', 'the admin who becomes the owner')
      .action(
        withSession(async (session, email: string) => {
          const { workspace, member } = await memberByEmail(session, email);
          const result = await session.client.workspaces.transferOwnership.mutate({
            workspaceId: workspace.id,
            userId: member.user.id,
          });
          if (session.options.json) return printJson(result);
          printLine(`${member.user.email} now owns ${workspace.slug}`);
        }),
      ),
    'trellis workspaces transfer grace@example.com',
  );

  examples(
    workspaces
      .command('leave')
      .description('Leave the workspace (the owner transfers it first)')
      .action(
        withSession(async (session) => {
          const workspace = await session.workspace();
          const result = await session.client.workspaces.leave.mutate({
            workspaceId: workspace.id,
          });
          if (session.options.json) return printJson(result);
          printLine(`You left ${workspace.slug}`);
        }),
      ),
    'trellis workspaces leave --workspace acme',
  );

  const invitations = examples(
    program.command('invitations').description('Invitations you received'),
    'trellis invitations list',
    'trellis invitations accept acme',
  );

  examples(
    invitations
      .command('list')
      .description('Your pending invitations')
      .action(
        withSession(async (session) => {
          session.requireSignedIn();
          const list = await session.client.invitations.list.query();
          if (session.options.json) return printJson(list);
          printTable(
            ['WORKSPACE', 'NAME', 'ROLE', 'FROM', 'UNTIL'],
            list.map((item) => [
              cyan(item.workspace.slug),
              item.workspace.name,
              item.role,
              item.invitedBy.email,
              day(item.expiresAt),
            ]),
            'No pending invitations.',
          );
        }),
      ),
    'trellis invitations list',
  );

  const answer = (verb: 'accept' | 'decline') =>
    withSession(async (session, slug: string) => {
      session.requireSignedIn();
      const list = await session.client.invitations.list.query();
      const invitation = list.find((item) => item.workspace.slug === slug);
      if (!invitation)
        throw notFound(`No pending invitation to ${slug} (see trellis invitations list)`);
      if (verb === 'accept') {
        const result = await session.client.invitations.accept.mutate({ id: invitation.id });
        if (session.options.json) return printJson(result);
        printLine(`Joined ${bold(result.workspace.slug)} as ${result.workspace.role}`);
      } else {
        const result = await session.client.invitations.decline.mutate({ id: invitation.id });
        if (session.options.json) return printJson(result);
        printLine(`Declined the invitation to ${slug}`);
      }
    });

  examples(
    invitations
      .command('accept')
      .description('Accept an invitation and join its workspace')
      .argument('<workspace>', 'the workspace slug')
      .action(answer('accept')),
    'trellis invitations accept acme',
  );

  examples(
    invitations
      .command('decline')
      .description('Decline an invitation')
      .argument('<workspace>', 'the workspace slug')
      .action(answer('decline')),
    'trellis invitations decline acme',
  );
}
