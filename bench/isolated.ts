/**
 * Child process of the benchmark for figures that need a process of their own: peak RSS of
 * CSV ingest (the parent holds models and tensors), and deep training (it switches backends).
 * Prints one JSON line: the result.
 *   tsx bench/isolated.ts ingest 200 | tsx bench/isolated.ts encryption 100 | tsx bench/isolated.ts deep
 *   | tsx bench/isolated.ts s3 50
 *   | tsx bench/isolated.ts streaming-rate 200000 | node --max-old-space-size=128 --import tsx bench/isolated.ts streaming-rss 768
 */
import { benchDeepTraining, benchTextTraining } from './deep-training.ts';
import { benchEncryption } from './encryption-bench.ts';
import { benchIngest } from './ingest.ts';
import { benchObjectStores } from './object-store-bench.ts';
import { benchStreamingRate, benchStreamingRss } from './streaming-training.ts';

const [what, arg] = process.argv.slice(2);

let result: unknown;
if (what === 'ingest') {
  result = await benchIngest({ sizeMb: Number(arg ?? 200) });
} else if (what === 'encryption') {
  result = await benchEncryption({ sizeMb: Number(arg ?? 100) });
} else if (what === 's3') {
  result = await benchObjectStores({ sizeMb: Number(arg ?? 50) });
} else if (what === 'deep') {
  result = { cnn: await benchDeepTraining(), text: await benchTextTraining() };
} else if (what === 'streaming-rate') {
  result = await benchStreamingRate(Number(arg ?? 200_000));
} else if (what === 'streaming-rss') {
  result = await benchStreamingRss(Number(arg ?? 768));
} else {
  throw new Error(`unknown isolated benchmark '${what}'`);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
