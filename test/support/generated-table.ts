/**
 * A generated table with a known signal, for training on tables of any size: four numeric
 * features (one with missing cells), a categorical and a boolean one, a binary `label` drawn
 * from a logistic model of them and a numeric `amount` linear in them plus noise. Written as
 * CSV straight to a file in large chunks, so a gigabyte takes seconds, never held whole.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { SeededRandom } from '../../src/ml/seeded-random.ts';

export const GENERATED_HEADER = 'a,b,c,d,region,member,label,amount';
/** The features of the generated table (every column but the two targets). */
export const GENERATED_FEATURES = ['a', 'b', 'c', 'd', 'region', 'member'];
const REGIONS = ['north', 'south', 'east', 'west'];
const REGION_EFFECT = [0.8, -0.6, 0.2, -0.4];

/** `count` rows of the table as CSV lines (no header), drawn from `random`. */
export function generatedRows(random: SeededRandom, count: number): string {
  const normal = () => {
    const u = 1 - random.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
  };
  let text = '';
  for (let i = 0; i < count; i++) {
    const a = normal();
    const b = normal();
    const c = random.next() * 4 - 2;
    const d = normal() * 10 + 50;
    const region = Math.floor(random.next() * 4);
    const member = random.next() < 0.4;
    const logit = 1.6 * a - 1.2 * b + 0.7 * c + REGION_EFFECT[region]! + (member ? 0.5 : -0.5) + 0.05 * (d - 50);
    const label = random.next() < 1 / (1 + Math.exp(-logit)) ? 'yes' : 'no';
    const amount = 3 * a - 2 * b + c + 0.1 * d + (member ? 1 : 0) + normal() * 0.5;
    // One cell in fifty of `a` is missing, so imputation is part of every run.
    const aCell = random.next() < 0.02 ? '' : a.toFixed(9);
    text += `${aCell},${b.toFixed(9)},${c.toFixed(9)},${d.toFixed(7)},${REGIONS[region]},${member},${label},${amount.toFixed(4)}\n`;
  }
  return text;
}

/** The table with its header as one string: `rows` rows from `seed`. */
export function generatedCsv(rows: number, seed: number): string {
  return `${GENERATED_HEADER}\n${generatedRows(new SeededRandom(seed), rows)}`;
}

/**
 * Writes at least `bytes` bytes of the table, and at least one block of it, to `file`; returns
 * its rows and bytes. Past
 * `blockRows` rows the same block repeats (duplicates are rows like any other, and they keep
 * a gigabyte to the time of writing it).
 */
export async function writeGeneratedCsv(
  file: string,
  bytes: number,
  seed: number,
  blockRows = 50_000,
): Promise<{ rows: number; bytes: number }> {
  const block = generatedRows(new SeededRandom(seed), blockRows);
  const blockBytes = Buffer.byteLength(block);
  const out = createWriteStream(file);
  let written = 0;
  let rows = 0;
  const write = async (text: string, size: number) => {
    written += size;
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${GENERATED_HEADER}\n`, GENERATED_HEADER.length + 1);
  // At least one block, so that a size smaller than the header still gives a table with rows.
  do {
    await write(block, blockBytes);
    rows += blockRows;
  } while (written < bytes);
  out.end();
  await once(out, 'finish');
  return { rows, bytes: written };
}
