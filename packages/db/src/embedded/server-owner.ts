import { readFile, rm, writeFile } from 'node:fs/promises';

/** Which process started the server of a data folder, and on which port. */
export interface ServerOwner {
  pid: number;
  port: number;
}

// Beside the data folder, not in it: the cluster's folder belongs to PostgreSQL.
const ownerFile = (dataDir: string) => `${dataDir}.owner.json`;

export async function readServerOwner(dataDir: string): Promise<ServerOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(ownerFile(dataDir), 'utf8')) as Partial<ServerOwner>;
    return Number.isInteger(parsed.pid) && Number.isInteger(parsed.port)
      ? { pid: parsed.pid as number, port: parsed.port as number }
      : undefined;
  } catch {
    return undefined;
  }
}

export async function writeServerOwner(dataDir: string, owner: ServerOwner): Promise<void> {
  await writeFile(ownerFile(dataDir), JSON.stringify(owner));
}

export async function removeServerOwner(dataDir: string): Promise<void> {
  await rm(ownerFile(dataDir), { force: true });
}
