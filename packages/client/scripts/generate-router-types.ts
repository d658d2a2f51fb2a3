/**
 * Writes src/app-router.generated.ts: the API's router type (`AppRouter` of @trellis/api) as
 * plain declarations, every procedure's input and output spelled out as object types.
 *
 * Why generate instead of re-exporting `AppRouter` from @trellis/api: that type is
 * `typeof appRouter`, so a consumer's compiler must read the server's sources (its context,
 * fastify, knex, objection, pino; hundreds of files) to know it, and those sources use
 * extensionless imports that `moduleResolution: NodeNext`/`Node16` reject (the router then
 * silently loses its types). The generated file needs only `@trpc/server`'s types (a peer of
 * `@trpc/client` anyway) and compiles under every resolution mode. It stays exact:
 * test/router-types.test-d.ts checks that its inputs and outputs equal the server's, so any
 * change to a procedure fails CI until this script is run again (`pnpm generate:router`).
 *
 * The context type is not carried over: clients never see it (`ctx: object`).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = path.join(packageDir, 'src/app-router.generated.ts');
const probeFile = path.join(packageDir, 'scripts/.router-probe.ts');

function loadRouterType(): { checker: ts.TypeChecker; router: ts.Type } {
  writeFileSync(
    probeFile,
    "import type { AppRouter } from '@trellis/api';\nexport type Probe = AppRouter;\n",
  );
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(packageDir, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!config) throw new Error('cannot read tsconfig.json');
  const program = ts.createProgram([probeFile], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probeFile);
  const alias = source?.statements.find(ts.isTypeAliasDeclaration);
  if (!alias) throw new Error('probe file not read');
  return { checker, router: checker.getTypeAtLocation(alias.name) };
}

function propertyType(checker: ts.TypeChecker, type: ts.Type, name: string): ts.Type {
  const symbol = type.getProperty(name);
  if (!symbol) throw new Error(`no property ${name} on ${checker.typeToString(type)}`);
  return checker.getTypeOfSymbol(symbol);
}

const PROPERTY_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Prints `type` as a self-contained type expression (object types spelled out, no imports). */
function printType(checker: ts.TypeChecker, type: ts.Type, indent: string): string {
  const { flags } = type;
  if (type.isUnion()) {
    const parts = type.types.map((member) => printType(checker, member, indent));
    // `boolean` is the union true | false: print it as people write it.
    const hasTrue = parts.includes('true');
    const hasFalse = parts.includes('false');
    const rest = parts.filter(
      (part) => !(hasTrue && hasFalse && (part === 'true' || part === 'false')),
    );
    return (hasTrue && hasFalse ? ['boolean', ...rest] : parts).join(' | ');
  }
  if (type.isIntersection()) {
    return type.types.map((member) => printType(checker, member, indent)).join(' & ');
  }
  if (
    flags &
    (ts.TypeFlags.StringLike |
      ts.TypeFlags.NumberLike |
      ts.TypeFlags.BooleanLike |
      ts.TypeFlags.BigIntLike |
      ts.TypeFlags.Null |
      ts.TypeFlags.Undefined |
      ts.TypeFlags.Void |
      ts.TypeFlags.Never |
      ts.TypeFlags.Unknown |
      ts.TypeFlags.Any)
  ) {
    return checker.typeToString(type);
  }
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    const readonly = type.getSymbol()?.getName() === 'ReadonlyArray';
    const inner = printType(checker, element!, indent);
    return `${readonly ? 'ReadonlyArray' : 'Array'}<${inner}>`;
  }
  if (checker.isTupleType(type)) {
    const elements = checker.getTypeArguments(type as ts.TypeReference);
    return `[${elements.map((element) => printType(checker, element, indent)).join(', ')}]`;
  }
  const symbol = type.getSymbol();
  if (symbol?.getName() === 'Date') return 'Date';
  // A subscription's output: AsyncIterable<event, return, next> (an event of `tracked()` is
  // `{ id, data }`). Printed as the lib type, not spelled out (its members are symbol-keyed).
  if (symbol?.getName() === 'AsyncIterable' && (type as ts.TypeReference).target) {
    const parts = checker
      .getTypeArguments(type as ts.TypeReference)
      .map((argument) => printType(checker, argument, indent));
    return `AsyncIterable<${parts.join(', ')}>`;
  }
  if (flags & ts.TypeFlags.Object) {
    const inner = `${indent}  `;
    const lines: string[] = [];
    for (const info of checker.getIndexInfosOfType(type)) {
      const readonly = info.isReadonly ? 'readonly ' : '';
      lines.push(
        `${inner}${readonly}[key: ${checker.typeToString(info.keyType)}]: ${printType(checker, info.type, inner)};`,
      );
    }
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
      const modifiers = declaration ? ts.getCombinedModifierFlags(declaration) : 0;
      const readonly = modifiers & ts.ModifierFlags.Readonly ? 'readonly ' : '';
      const name = PROPERTY_NAME.test(property.name)
        ? property.name
        : JSON.stringify(property.name);
      const printed = printType(checker, checker.getTypeOfSymbol(property), inner);
      lines.push(`${inner}${readonly}${name}${optional}: ${printed};`);
    }
    if (lines.length === 0) return '{}';
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  throw new Error(`cannot print type ${checker.typeToString(type)}`);
}

function printRecord(
  kinds: Set<string>,
  checker: ts.TypeChecker,
  record: ts.Type,
  prefix: string,
  indent: string,
): string {
  const inner = `${indent}  `;
  const lines: string[] = [];
  for (const property of checker.getPropertiesOfType(record)) {
    const value = checker.getTypeOfSymbol(property);
    const name = `${prefix}${property.name}`;
    if (!value.getProperty('_def')) {
      lines.push(
        `${inner}${property.name}: ${printRecord(kinds, checker, value, `${name}.`, inner)};`,
      );
      continue;
    }
    const definition = propertyType(checker, value, '_def');
    const kind = checker.typeToString(propertyType(checker, definition, 'type'));
    const types = propertyType(checker, definition, '$types');
    const procedure =
      kind === '"query"'
        ? 'TRPCQueryProcedure'
        : kind === '"mutation"'
          ? 'TRPCMutationProcedure'
          : 'TRPCSubscriptionProcedure';
    kinds.add(procedure);
    lines.push(`${inner}/** \`${name}\` (docs/api.md) */`);
    const deeper = `${inner}  `;
    lines.push(
      `${inner}${property.name}: ${procedure}<{\n` +
        `${deeper}input: ${printType(checker, propertyType(checker, types, 'input'), deeper)};\n` +
        `${deeper}output: ${printType(checker, propertyType(checker, types, 'output'), deeper)};\n` +
        `${deeper}meta: ProcedureMeta;\n` +
        `${inner}}>;`,
    );
  }
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function generate(): string {
  const { checker, router } = loadRouterType();
  const definition = propertyType(checker, router, '_def');
  const config = propertyType(checker, propertyType(checker, definition, '_config'), '$types');
  const meta = printType(checker, propertyType(checker, config, 'meta'), '');
  const errorShape = printType(checker, propertyType(checker, config, 'errorShape'), '');
  const kinds = new Set<string>(['TRPCBuiltRouter']);
  const record = printRecord(kinds, checker, propertyType(checker, definition, 'record'), '', '  ');
  return [
    '// Generated by scripts/generate-router-types.ts from the AppRouter of @trellis/api.',
    '// Do not edit: run `pnpm --filter @trellis/client generate:router` after changing a procedure.',
    `import type { ${[...kinds].sort().join(', ')} } from '@trpc/server';`,
    '',
    '/** What every procedure documents about itself (docs/api.md is generated from it). */',
    `export type ProcedureMeta = ${meta};`,
    '',
    '/** The error body of a failed call: `data.issues` lists the fields of a BAD_REQUEST. */',
    `export type ErrorShape = ${errorShape};`,
    '',
    '/** The Trellis API router, as its clients see it (the server context is left out). */',
    'export type AppRouter = TRPCBuiltRouter<',
    '  { ctx: object; meta: ProcedureMeta; errorShape: ErrorShape; transformer: true },',
    `  ${record}`,
    '>;',
    '',
  ].join('\n');
}

try {
  writeFileSync(outFile, generate());
} finally {
  (await import('node:fs')).rmSync(probeFile, { force: true });
}
console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
process.exit(0);
