/**
 * The batch benchmark's child (batch-bench.ts): one side of it, the job or the bare loop, in a
 * process of its own that loads only what that side needs (not the other benchmarks'
 * modules, which bench/isolated.ts would load and count in its RSS). Prints one JSON line.
 *   batch-child.ts batch-job <batch prediction id> | batch-child.ts batch-loop <csv> <version id>
 */
import { batchBareLoop, batchJobRun } from './batch-isolated.ts';

const [what, arg, version] = process.argv.slice(2);
let result: unknown;
if (what === 'batch-job') result = await batchJobRun(arg!);
else if (what === 'batch-loop') result = await batchBareLoop(arg!, version!);
else throw new Error(`unknown batch benchmark side '${what}'`);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
