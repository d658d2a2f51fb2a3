import { isUnauthorized } from '@trellis/client';
import type { Command } from 'commander';
import { CliError, usageError } from '../cli-error';
import { EXIT } from '../exit-codes';
import { configFile, readConfig, writeConfig } from '../config-store';
import { examples, withSession } from '../command-kit';
import { printJson, printLine } from '../output';
import { ask, askHidden, readStdin } from '../prompt';
import { DEFAULT_URL, type Session } from '../session';

interface LoginOptions {
  email?: string;
  passwordStdin?: boolean;
}

async function login(session: Session, options: LoginOptions): Promise<void> {
  const email = options.email ?? (await ask('Email: ')).trim();
  if (!email) throw usageError('An email is needed: --email <email>');
  const password = options.passwordStdin ? await readStdin() : await askHidden('Password: ');
  if (!password) throw usageError('An empty password was given');
  let signedIn;
  try {
    signedIn = await session.client.auth.signIn.mutate({ email, password });
  } catch (error) {
    if (isUnauthorized(error)) throw new CliError('Wrong email or password', EXIT.auth);
    throw error;
  }
  const { token, user } = signedIn;
  const previous = await readConfig();
  const sameAccount = previous.url === session.url && previous.email === user.email;
  await writeConfig({
    url: session.url,
    token,
    email: user.email,
    ...(sameAccount && previous.workspace ? { workspace: previous.workspace } : {}),
  });
  if (session.options.json) printJson({ user, url: session.url, configFile: configFile() });
  else printLine(`Signed in to ${session.url} as ${user.name} <${user.email}>`);
}

export function registerAuthCommands(program: Command): void {
  examples(
    program
      .command('login')
      .description('Sign in and store the server URL and token (config file mode 0600)')
      .option('--email <email>', 'account email (asked for when missing)')
      .option('--password-stdin', 'read the password from standard input (for scripts)')
      .action(withSession(login)),
    'trellis login --url http://127.0.0.1:3000/trpc',
    'printf %s "$PASSWORD" | trellis login --url https://trellis.example.com/trpc --email ada@example.com --password-stdin',
  ).addHelpText('after', `  (default URL: ${DEFAULT_URL}; --url is a global option)\n`);

  examples(
    program
      .command('logout')
      .description('Revoke the stored token and forget it')
      .action(
        withSession(async (session) => {
          const config = await readConfig();
          if (config.token) {
            try {
              await session.client.auth.signOut.mutate();
            } catch (error) {
              if (!isUnauthorized(error)) throw error; // already expired: forgetting it is enough
            }
          }
          const { token: _token, ...rest } = config;
          await writeConfig(rest);
          if (session.options.json) printJson({ ok: true });
          else printLine('Signed out');
        }),
      ),
    'trellis logout',
  );

  examples(
    program
      .command('whoami')
      .description('Show the signed-in user and server')
      .action(
        withSession(async (session) => {
          session.requireSignedIn();
          const me = await session.client.auth.me.query();
          if (session.options.json) printJson(me);
          else printLine(`${me.name} <${me.email}> on ${session.url}`);
        }),
      ),
    'trellis whoami',
    'trellis whoami --json',
  );
}
