import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, entryPoints } from '../../scripts/build.mjs';

let parent: string;
beforeAll(async () => {
  parent = await mkdtemp(path.join(os.tmpdir(), 'maas-build-'));
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

const expectComplete = async (outdir: string) => {
  const files = await readdir(outdir);
  for (const entry of Object.keys(entryPoints)) expect(files).toContain(`${entry}.js`);
  expect(files).toContain('.fingerprint');
  // Nothing half-built or retired is left beside it.
  expect((await readdir(parent)).filter((name) => name.includes('.building-') || name.includes('.old-'))).toEqual([]);
};

describe('the build every command runs first (scripts/build.mjs)', () => {
  it('builds every entry once, then does nothing while the sources are unchanged', async () => {
    const outdir = path.join(parent, 'once');
    expect(await buildService({ outdir })).toBe(true);
    await expectComplete(outdir);
    expect(await buildService({ outdir })).toBe(false);
    expect(await buildService({ outdir, force: true })).toBe(true);
    await expectComplete(outdir);
  });

  it('leaves one complete build when several commands build at once', async () => {
    const outdir = path.join(parent, 'racing');
    const built = await Promise.all([
      buildService({ outdir }),
      buildService({ outdir }),
      buildService({ outdir, force: true }),
    ]);
    expect(built).toContain(true);
    await expectComplete(outdir);
    expect(await buildService({ outdir })).toBe(false);
  });
});
