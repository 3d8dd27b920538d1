/**
 * ONNX models, served by ONNX Runtime (`onnxruntime-node`, CPU execution provider). Imported
 * versions in the `onnx` artifact format run here instead of on TensorFlow.js. The package is
 * loaded on first use, so a process that never serves an ONNX model never loads its native
 * library.
 */
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { InvalidModelArtifactError, UnprocessableError } from '../errors.ts';

type Ort = typeof OrtModule;
let runtime: Promise<Ort> | undefined;
const ort = (): Promise<Ort> =>
  (runtime ??= import('onnxruntime-node').then((module) => (module as unknown as { default?: Ort }).default ?? module));

/** A loaded ONNX model that reads one float tensor `[N, width]` and writes `[N, units]`. */
export interface OnnxModel {
  /** Runs `rows` row-major rows; the first output, row-major. */
  run(x: Float32Array, rows: number): Promise<Float32Array>;
  inputName: string;
  outputName: string;
  dispose(): Promise<void>;
}

/** What the graph declares for its one input and first output, as `[dims...]` (symbolic dims as -1). */
export interface OnnxSignature {
  inputName: string;
  inputType: string;
  inputShape: number[];
  outputName: string;
  outputType: string;
  outputShape: number[];
}

const dims = (shape: readonly (number | string)[] | undefined) =>
  (shape ?? []).map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1));

/**
 * Opens an ONNX model from its bytes. A file ONNX Runtime cannot parse is a 422 naming the
 * reason, so an import never registers a model that cannot run.
 */
export async function openOnnxModel(bytes: Uint8Array): Promise<{ model: OnnxModel; signature: OnnxSignature }> {
  const { InferenceSession: Session, Tensor } = await ort();
  let session: InferenceSession;
  try {
    // One intra-op thread: requests are batched by the micro-batcher, and the API process
    // shares its cores with other models and the event loop.
    session = await Session.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] });
  } catch (error) {
    throw new InvalidModelArtifactError(
      `ONNX Runtime cannot load this model: ${(error as Error).message.slice(0, 300)}`,
      [{ path: 'model.onnx', message: 'is not a loadable ONNX model' }],
    );
  }
  const input = session.inputMetadata[0];
  const output = session.outputMetadata[0];
  if (
    session.inputNames.length !== 1 ||
    input === undefined ||
    output === undefined ||
    !input.isTensor ||
    !output.isTensor
  ) {
    await session.release();
    throw new UnprocessableError(
      'model_signature_mismatch',
      `An imported ONNX model must read one tensor and write at least one; this one reads ` +
        `${session.inputNames.join(', ') || 'nothing'} and writes ${session.outputNames.join(', ') || 'nothing'}.`,
      [{ path: 'model.onnx', message: 'needs exactly one input tensor' }],
    );
  }
  const signature: OnnxSignature = {
    inputName: input.name,
    inputType: input.type,
    inputShape: dims(input.shape),
    outputName: output.name,
    outputType: output.type,
    outputShape: dims(output.shape),
  };
  const model: OnnxModel = {
    inputName: input.name,
    outputName: output.name,
    async run(x, rows) {
      const width = rows === 0 ? 0 : x.length / rows;
      // ONNX Runtime reads the tensor's whole buffer: a view into a larger one is copied.
      const whole = x.byteOffset === 0 && x.byteLength === x.buffer.byteLength ? x : x.slice();
      const results = await session.run({ [input.name]: new Tensor('float32', whole, [rows, width]) }, [output.name]);
      const tensor = results[output.name]!;
      try {
        const data = tensor.data;
        return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
      } finally {
        tensor.dispose();
      }
    },
    dispose: () => session.release(),
  };
  return { model, signature };
}
