import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient, generateTypes } from '../../packages/client/scripts/build.mjs';

const committedTypes = new URL('../../packages/client/src/openapi.ts', import.meta.url);

let outdir: string;
beforeAll(async () => {
  outdir = path.join(await mkdtemp(path.join(os.tmpdir(), 'maas-client-')), 'dist');
});
afterAll(async () => {
  if (outdir) await rm(path.dirname(outdir), { recursive: true, force: true });
});

describe('@maas/client build', () => {
  it('holds the types openapi.yaml generates (run `npm run openapi` or `npm run build` when this fails)', async () => {
    expect(await readFile(committedTypes, 'utf8')).toBe(await generateTypes());
  });

  it('bundles a library with no Node built-ins (it runs in browsers), the command, and declarations', async () => {
    await buildClient({ outdir });
    const files = await readdir(outdir);
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'client.d.ts', 'openapi.d.ts', 'cli.js']));
    const library = await readFile(path.join(outdir, 'index.js'), 'utf8');
    expect(library).not.toMatch(/from\s*["'](node:)?(fs|http|https|path|os|child_process|crypto)["']/);
    expect(library).not.toMatch(/\brequire\(/);
    const loaded = await import(pathToFileURL(path.join(outdir, 'index.js')).href);
    expect(typeof loaded.MaasClient).toBe('function');
    expect(typeof loaded.ProblemError).toBe('function');
    const declarations = await readFile(path.join(outdir, 'client.d.ts'), 'utf8');
    expect(declarations).toMatch(/predict\(name: string/);
  });
});
