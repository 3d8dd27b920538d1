import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { encodeInstances } from '../preprocessing/instance-encoding.ts';
import type { PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { readInputRows } from './batch-input.ts';
import { cellTyper } from './cell-types.ts';
import { readTableParts } from './table-parts.ts';

const state: PreprocessingState = {
  version: 1,
  features: [
    { kind: 'numeric', name: 'x', type: 'number', median: 1, mean: 2, std: 3 },
    { kind: 'categorical', name: 'colour', categories: ['blue', 'red'], mostFrequent: 'red' },
    { kind: 'boolean', name: 'flag', mostFrequent: true },
    { kind: 'numeric', name: 'n', type: 'integer', median: 5, mean: 0, std: 1 },
  ],
  width: 6,
  target: { task: 'regression', name: 'y', standardized: false, mean: 0, std: 1 },
};

// Cells the fast path reads from bytes, cells it types as text, and cells encoding refuses.
const csv = [
  'id,x,colour,flag,n,y',
  'a,1.5,blue,true,3,0',
  'b,,red,,,0',
  'c,007,green,FALSE,-0,0',
  'd, 2 ,"red",True,1e3,0',
  'e,abc,blue,true,1,0',
  'f,1.25',
  'g,1e400,blue,true,1,0',
  'h,"1,5",blue,maybe,1,0',
  'i,0.1234567890123456789,blue,false,12345678901234567890,0',
  'j,-3.5e-2,,false,+4,0',
].join('\n');

/** What the per-row path encodes for a row, or the reason it refuses it. */
function perRow(values: Record<string, unknown>): Float32Array | string {
  const instance: Record<string, unknown> = {};
  for (const encoder of state.features) {
    const type = encoder.kind === 'numeric' ? encoder.type : encoder.kind === 'boolean' ? 'boolean' : 'categorical';
    if (Object.hasOwn(values, encoder.name)) instance[encoder.name] = cellTyper(type)(values[encoder.name]);
  }
  try {
    return encodeInstances(state, [instance]);
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
}

describe('table parts', () => {
  it('encode every row as the per-row path does, and hand it the rows it refuses, in parts', async () => {
    const expected: (Float32Array | string)[] = [];
    for await (const rows of readInputRows(Readable.from([csv]), 'csv', { skipRows: 0, batchRows: 100 }))
      for (const row of rows) expected.push(row.error ?? perRow(row.values!));
    const got: (Float32Array | string)[] = [];
    const ids: (string | undefined)[] = [];
    const firsts: number[] = [];
    for await (const part of readTableParts(Readable.from([csv]), state, {
      skipRows: 1,
      partRows: 4,
      passthrough: ['id'],
    })) {
      firsts.push(part.first);
      let encoded = 0;
      let other = 0;
      for (let at = 0; at < part.rows; at++) {
        const refused = part.others[other];
        if (refused?.at === at) {
          other++;
          got.push(refused.row.error ?? perRow(refused.row.values!));
          ids.push(refused.row.values?.id as string | undefined);
        } else {
          got.push(part.matrix.slice(encoded * state.width, (encoded + 1) * state.width));
          ids.push(part.passthrough[0]![encoded]);
          encoded++;
        }
      }
    }
    expect(firsts).toEqual([2, 6, 10]);
    expect(got).toEqual(expected.slice(1));
    expect(ids).toEqual(['b', 'c', 'd', 'e', undefined, 'g', 'h', 'i', 'j']);
    // Some rows did take the per-row path: the text, the short row, the overflow, the bad boolean.
    expect(got.filter((entry) => typeof entry === 'string')).toHaveLength(4);
  });
});
