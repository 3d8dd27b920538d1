import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const LINES = 20_000;

/** Runs `code` (an ES module, TypeScript imports allowed) in a fresh node; resolves with its standard output. */
function run(code: string): Promise<{ status: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(chunks).toString('utf8') }));
  });
}

describe('createLogger', () => {
  it('writes every line whole and in order, multi-byte text included, even when the process exits at once', async () => {
    const logger = new URL('./logger.ts', import.meta.url).href;
    const { status, stdout } = await run(`
      const { createLogger } = await import(${JSON.stringify(logger)});
      const log = createLogger('info', 'lines');
      for (let i = 0; i < ${LINES}; i++) log.info({ i }, 'café € 😀 ' + i);
      process.exit(0);
    `);
    expect(status).toBe(0);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(LINES);
    lines.forEach((line, i) => {
      const parsed = JSON.parse(line) as { i: number; msg: string; name: string };
      expect(parsed).toMatchObject({ i, msg: `café € 😀 ${i}`, name: 'lines' });
    });
  });
});
