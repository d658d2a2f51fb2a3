import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder of the package a file belongs to: the nearest one holding a package.json. */
const rootOf = new Map();
function packageRoot(directory) {
  if (rootOf.has(directory)) return rootOf.get(directory);
  const parent = path.dirname(directory);
  const root = existsSync(path.join(directory, 'package.json'))
    ? directory
    : parent === directory
      ? undefined
      : packageRoot(parent);
  rootOf.set(directory, root);
  return root;
}

/**
 * A relative import must stay inside its own package: `../../../identity/src/user` from tasks
 * reaches past identity's entry (and its dependency list) as surely as `@trellis/identity/src/…`
 * does, but no import pattern can see that; this resolves the path and compares packages.
 */
export const packageBoundary = {
  meta: {
    type: 'problem',
    docs: { description: 'Relative imports stay inside their own package.' },
    messages: {
      crossesPackage:
        "'{{source}}' reaches into another package ({{target}}): import it through its package name and public entry.",
    },
    schema: [],
  },
  create(context) {
    const filename = context.filename;
    const own = packageRoot(path.dirname(filename));
    const check = (node) => {
      const source = node?.value;
      if (typeof source !== 'string' || !source.startsWith('.') || !own) return;
      const target = path.resolve(path.dirname(filename), source);
      const relative = path.relative(own, target);
      if (relative.startsWith('..') || path.isAbsolute(relative)) {
        context.report({
          node,
          messageId: 'crossesPackage',
          data: { source, target: path.relative(path.dirname(own), target) },
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source),
    };
  },
};
