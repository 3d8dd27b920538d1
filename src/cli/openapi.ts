import { writeFile } from 'node:fs/promises';
import { generateOpenApi, openApiPath } from '../api/openapi.ts';
import { runCli } from './run-cli.ts';

await runCli(async () => {
  await writeFile(openApiPath, await generateOpenApi());
  process.stdout.write(`wrote ${openApiPath}\n`);
});
