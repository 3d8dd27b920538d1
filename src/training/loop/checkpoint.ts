import { tf } from '../../ml/backend.ts';
import type { LoopState } from './epoch-loop.ts';

const FORMAT = 'maas-checkpoint/1';

interface TensorEntry {
  group: 'model' | 'optimizer' | 'best';
  name?: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  byteOffset: number;
  byteLength: number;
}

interface Header {
  format: string;
  state: Omit<LoopState, 'modelWeights' | 'optimizerWeights' | 'bestWeights'>;
  /** What the job needs besides the loop: the seed that fixed the split and initial weights. */
  meta: Record<string, unknown>;
  tensors: TensorEntry[];
}

/**
 * Serialises a loop state into one self-describing buffer: a little-endian u32 header length,
 * the JSON header (scalars, history, tensor table), then the raw tensor bytes. One object per
 * checkpoint, so it is written atomically by the artifact store and never half-replaced.
 */
export async function encodeLoopState(state: LoopState, meta: Record<string, unknown> = {}): Promise<Buffer> {
  const { modelWeights, optimizerWeights, bestWeights, ...scalars } = state;
  const named: Array<{ group: TensorEntry['group']; name?: string; tensor: tf.Tensor }> = [
    ...modelWeights.map((tensor) => ({ group: 'model' as const, tensor })),
    ...optimizerWeights.map(({ name, tensor }) => ({ group: 'optimizer' as const, name, tensor })),
    ...(bestWeights ?? []).map((tensor) => ({ group: 'best' as const, tensor })),
  ];
  const chunks: Buffer[] = [];
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const { group, name, tensor } of named) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32')
      throw new Error(`Cannot checkpoint a ${tensor.dtype} tensor`);
    const data = (await tensor.data()) as Float32Array | Int32Array;
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    tensors.push({
      group,
      ...(name ? { name } : {}),
      dtype: tensor.dtype,
      shape: tensor.shape,
      byteOffset: offset,
      byteLength: bytes.length,
    });
    chunks.push(bytes);
    offset += bytes.length;
  }
  const header: Header = { format: FORMAT, state: scalars, meta, tensors };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  return Buffer.concat([length, headerBytes, ...chunks]);
}

/** Reads a buffer made by encodeLoopState; the caller disposes the tensors (disposeLoopState). */
export function decodeLoopState(buffer: Buffer): { state: LoopState; meta: Record<string, unknown> } {
  const headerLength = buffer.readUInt32LE(0);
  const header = JSON.parse(buffer.subarray(4, 4 + headerLength).toString('utf8')) as Header;
  if (header.format !== FORMAT) throw new Error(`Unknown checkpoint format '${header.format}'`);
  const body = buffer.subarray(4 + headerLength);
  const state: LoopState = { ...header.state, modelWeights: [], optimizerWeights: [] };
  for (const entry of header.tensors) {
    // Copy out of the (possibly pooled) Buffer into an aligned typed array of exactly this tensor.
    const raw = body.subarray(entry.byteOffset, entry.byteOffset + entry.byteLength);
    const aligned = new Uint8Array(raw).buffer;
    const values = entry.dtype === 'int32' ? new Int32Array(aligned) : new Float32Array(aligned);
    const tensor = tf.tensor(values, entry.shape, entry.dtype);
    if (entry.group === 'model') state.modelWeights.push(tensor);
    else if (entry.group === 'optimizer')
      state.optimizerWeights.push({ name: entry.name ?? `slot_${state.optimizerWeights.length}`, tensor });
    else (state.bestWeights ??= []).push(tensor);
  }
  return { state, meta: header.meta };
}

/** Frees the tensors of a decoded state. */
export function disposeLoopState(state: LoopState): void {
  tf.dispose([
    ...state.modelWeights,
    ...state.optimizerWeights.map(({ tensor }) => tensor),
    ...(state.bestWeights ?? []),
  ]);
}
