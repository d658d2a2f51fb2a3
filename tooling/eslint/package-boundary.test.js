import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Linter } from 'eslint';
import { packageBoundary } from './package-boundary.js';

// Two packages side by side, as packages/modules/{identity,tasks} are.
const repo = mkdtempSync(path.join(tmpdir(), 'package-boundary-'));
for (const name of ['identity', 'tasks']) {
  mkdirSync(path.join(repo, 'modules', name, 'src', 'services'), { recursive: true });
  writeFileSync(path.join(repo, 'modules', name, 'package.json'), '{}');
}
process.on('exit', () => rmSync(repo, { recursive: true, force: true }));

function lint(code) {
  const linter = new Linter({ configType: 'flat', cwd: repo });
  return linter.verify(
    code,
    [
      {
        files: ['**/*.js'],
        plugins: { trellis: { rules: { 'package-boundary': packageBoundary } } },
        rules: { 'trellis/package-boundary': 'error' },
      },
    ],
    { filename: path.join(repo, 'modules', 'tasks', 'src', 'services', 'create-task.js') },
  );
}

test('a relative import into another package is an error', () => {
  for (const code of [
    "import { toUser } from '../../../identity/src/user';",
    "export { toUser } from '../../../identity/src/user';",
    "export * from '../../../identity';",
    "await import('../../../identity/src/user');",
  ]) {
    const messages = lint(code);
    assert.equal(messages.length, 1, code);
    assert.match(messages[0].message, /reaches into another package \(identity/);
  }
});

test('relative imports inside the package, and package imports, are fine', () => {
  for (const code of [
    "import { mapTask } from '../task-mapper';",
    "import { x } from './sibling';",
    "import { y } from '../../test/fixtures';",
    "import { toUser } from '@trellis/identity';",
  ]) {
    assert.deepEqual(lint(code), [], code);
  }
});
