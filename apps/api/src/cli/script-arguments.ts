/**
 * The arguments a `pnpm <script>` passed on. `pnpm db:seed -- --tasks 10` forwards the `--`
 * itself (root script → `pnpm --filter … run` → the command, `db.ts rollback -- --all`), where
 * `pnpm db:seed --tasks 10` does not: both forms mean the same, so a bare `--` is dropped (no
 * command here takes arguments that start with a dash as values).
 */
export function scriptArguments(argv: readonly string[] = process.argv.slice(2)): string[] {
  return argv.filter((argument) => argument !== '--');
}
