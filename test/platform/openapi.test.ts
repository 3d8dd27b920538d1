import { readFile } from 'node:fs/promises';
import { validate } from '@readme/openapi-parser';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateOpenApi, openApiPath } from '../../src/api/openapi.ts';

describe('openapi.yaml', () => {
  it('matches a fresh generation from the route schemas (run `npm run openapi` when this fails)', async () => {
    const committed = await readFile(openApiPath, 'utf8');
    expect(committed).toBe(await generateOpenApi());
  });

  const validTitle =
    'is a valid OpenAPI 3.1 document of the package.json version whose routes list their error responses';
  it(validTitle, async () => {
    const document = parse(await readFile(openApiPath, 'utf8'));
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe(
      JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')).version,
    );
    const result = await validate(structuredClone(document));
    expect('errors' in result ? result.errors : []).toEqual([]);
    expect(result.valid).toBe(true);
    for (const [path, operations] of Object.entries<Record<string, { responses: Record<string, unknown> }>>(
      document.paths,
    )) {
      if (path.startsWith('/docs') || path === '/healthz' || path === '/readyz' || path === '/metrics') continue;
      for (const [method, operation] of Object.entries(operations)) {
        const statuses = Object.keys(operation.responses);
        expect(
          statuses.some((s) => Number(s) >= 400),
          `${method} ${path} lists no error response`,
        ).toBe(true);
      }
    }
  });
});
