import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BINARY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../dist/trellis.js',
);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A home for one test user: its own config folder ($XDG_CONFIG_HOME). */
export function newHome(): string {
  return mkdtempSync(path.join(tmpdir(), 'trellis-cli-'));
}

/**
 * Runs the built binary as its own process (asynchronously: the API answers from this
 * process's event loop), with a clean environment apart from PATH and the config folder.
 */
export function runCli(
  home: string,
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BINARY, ...args], {
      env: { PATH: process.env.PATH ?? '', XDG_CONFIG_HOME: home, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A hung command fails its test instead of the whole run (the code is then null).
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
