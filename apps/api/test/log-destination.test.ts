import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  LOG_BUFFER_BYTES,
  LOG_FLUSH_INTERVAL_MS,
  logDestination,
} from '../src/logging';

const run = promisify(execFile);
const folder = mkdtempSync(path.join(os.tmpdir(), 'trellis-log-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

describe('the production log destination', () => {
  it('holds lines until 4 KiB have gathered, and writes them within a second when traffic is low', async () => {
    const file = path.join(folder, 'buffered.log');
    const log = createLogger({ LOG_LEVEL: 'info' }, logDestination(file));

    log.info('a quiet moment');
    await sleep(100);
    expect(read(file)).toBe('');
    // The periodic flush writes it without more traffic.
    await sleep(LOG_FLUSH_INTERVAL_MS + 500);
    expect(read(file)).toContain('a quiet moment');

    // A warning goes out at once, with whatever was waiting before it.
    log.info('before the trouble');
    log.warn('trouble');
    await sleep(100);
    expect(read(file)).toMatch(/before the trouble[\s\S]*trouble/);

    // A burst larger than the buffer goes out without waiting for the timer.
    const line = 'x'.repeat(200);
    const before = read(file).length;
    for (let written = 0; written <= LOG_BUFFER_BYTES; written += line.length) log.info(line);
    await sleep(100);
    expect(read(file).length - before).toBeGreaterThan(LOG_BUFFER_BYTES);
  });

  it('loses no buffered line when the process exits', async () => {
    const logging = fileURLToPath(new URL('../src/logging.ts', import.meta.url));
    const script = [
      `const { createLogger } = await import(${JSON.stringify(logging)});`,
      `createLogger({ LOG_LEVEL: 'info' }).info('last words');`,
      'process.exit(0);',
    ].join('\n');
    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(stdout).toContain('last words');
  });
});
