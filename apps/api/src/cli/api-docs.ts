import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findWorkspaceRoot } from '@trellis/db/embedded';
import { renderApiDocs } from '../docs/render-api-docs';

const target = path.join(findWorkspaceRoot(), 'docs', 'api.md');
await writeFile(target, renderApiDocs());
console.log(`wrote ${target}`);
