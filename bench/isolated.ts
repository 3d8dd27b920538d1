/**
 * Child process of the benchmark for figures that need a process of their own: peak RSS of
 * CSV ingest (the parent holds models and tensors), and deep training (it switches backends).
 * Prints one JSON line: the result, or `{"missing": true}` when the optional module is absent.
 *   tsx bench/isolated.ts ingest 200 | tsx bench/isolated.ts deep
 */
import { existsSync } from 'node:fs';

const [what, arg] = process.argv.slice(2);
const available = (file: string) => existsSync(new URL(file, import.meta.url));

let result: unknown;
if (what === 'ingest') {
  const sizeMb = Number(arg ?? 200);
  // bench/ingest.ts belongs to the datasets work; the fallback measures the same thing.
  const ingest = available('./ingest.ts') ? await import('./ingest.ts') : await import('./ingest-fallback.ts');
  result = await ingest.benchIngest({ sizeMb });
} else if (what === 'deep') {
  result = available('./deep-training.ts') ? await (await import('./deep-training.ts')).benchDeepTraining() : { missing: true };
} else {
  throw new Error(`unknown isolated benchmark '${what}'`);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
