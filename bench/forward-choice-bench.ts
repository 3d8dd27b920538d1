import type { tf } from '../src/ml/backend.ts';
import { buildModel } from '../src/models/build-model.ts';
import { denseForward } from '../src/serving/dense-forward.ts';
import { tensorflowFromRows, timeForwardPasses, type BatchTiming } from '../src/serving/forward-choice.ts';
import { tensorflowPass } from '../src/serving/forward-pass.ts';

/** What the prediction service measures when it loads a dense model, for one model. */
export interface ForwardChoiceRow {
  model: string;
  timings: BatchTiming[];
  tensorflowFrom: number;
}

function measure(name: string, model: tf.LayersModel, width: number): ForwardChoiceRow {
  const javascript = denseForward(model, width);
  if (javascript === undefined) throw new Error(`${name} has no JavaScript pass`);
  const timings = timeForwardPasses(javascript, tensorflowPass(model, [width]), width);
  return { model: name, timings, tensorflowFrom: tensorflowFromRows(timings) };
}

/**
 * The per-model choice between the plain-JavaScript forward pass and TensorFlow.js, as the
 * service makes it at load (src/serving/forward-choice.ts), for the served Iris MLP and for a
 * wider MLP such as a dataset with many one-hot columns gives.
 */
export function benchForwardChoice(served: tf.LayersModel, width: number): ForwardChoiceRow[] {
  const wide = buildModel('mlp', { task: 'classification', inputWidth: 60, classes: 2 }, 7, [
    { units: 64, activation: 'relu', dropout: 0 },
    { units: 32, activation: 'relu', dropout: 0 },
  ]);
  try {
    return [
      measure(`served Iris MLP (${width} -> 32 -> 3)`, served, width),
      measure('wide MLP (60 -> 64 -> 32 -> 2)', wide, 60),
    ];
  } finally {
    wide.dispose();
  }
}
