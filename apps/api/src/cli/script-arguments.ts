/**
 * The arguments a `pnpm <script>` passed on. `pnpm db:seed -- --tasks 10` forwards the `--`
 * itself (root script → `pnpm --filter … run` → the command), where `pnpm db:seed --tasks 10`
 * does not: both forms mean the same, so a `--` before the first argument is dropped.
 */
export function scriptArguments(argv: readonly string[] = process.argv.slice(2)): string[] {
  const args = [...argv];
  while (args[0] === '--') args.shift();
  return args;
}
