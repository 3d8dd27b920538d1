/**
 * Text classification: one text column tokenised by a vocabulary fitted on the training
 * split only (src/preprocessing/text-vectorizer.ts; held-out words fall into the OOV buckets), for a
 * 1-D CNN, a recurrent network or a transformer over token embeddings.
 */
import { buildDeepModel } from '../../models/architectures/index.ts';
import { cnnSchema } from '../../models/architectures/schemas.ts';
import type { DeepInput, DeepTask } from '../../models/architectures/schemas.ts';
import { TextVectorizer } from '../../preprocessing/text-vectorizer.ts';
import { UnprocessableError } from '../../errors.ts';
import { textInputSchema } from '../../models/deep-input-spec.ts';
import type { Label } from '../../preprocessing/preprocessing-state.ts';
import { inputColumn } from './deep-plan.ts';
import { pickExamples, sortedLabels, splitByClass } from './examples.ts';
import type { DeepRequest, PreparedDeep } from './contract.ts';

/** What `auto` trains on text: a 1-D CNN averaged over positions, fast on CPU and strong on short texts. */
export const AUTO_TEXT_CNN = {
  type: 'cnn',
  convBlocks: [{ filters: 32, kernelSize: 3, pooling: 'none' }],
  reduce: 'globalAverage',
  embeddingDim: 32,
  denseUnits: [],
  denseDropout: 0,
};

/**
 * Fits the vocabulary on the training split, encodes every text and describes the model (the
 * plan checked the task).
 */
export function prepareText(request: DeepRequest): PreparedDeep {
  const spec = request.model;
  const column = inputColumn(request.columns, request.target, 'text', request.features);
  const rows = (request.rows ?? []).filter((row) => row[request.target] !== null && row[request.target] !== undefined);
  const texts = rows.map((row) => String(row[column.name] ?? ''));
  const values = rows.map((row) => row[request.target] as Label);
  const labels = sortedLabels(values);
  if (labels.length < 2)
    throw new UnprocessableError('single_class_target', 'Text classification needs at least two classes.', [
      { path: 'target', message: 'one class' },
    ]);
  const { classes, parts } = splitByClass(request.split, labels, values);

  const options = 'text' in spec && spec.text ? spec.text : textInputSchema.parse({});
  const vectorizer = TextVectorizer.fit(
    parts.train.map((i) => texts[i]!),
    { ...options, truncation: 'post', padding: 'post' },
  );
  const { maxLength } = vectorizer.config;
  const all = new Float32Array(texts.length * maxLength);
  texts.forEach((text, i) => all.set(vectorizer.encode(text), i * maxLength));
  const shape = [maxLength];
  const input: DeepInput = { kind: 'tokens', maxLength, vocabSize: vectorizer.vocabSize };
  const deepTask: DeepTask = { kind: 'classification', numClasses: labels.length };
  const params = spec.type === 'auto' ? cnnSchema.parse(AUTO_TEXT_CNN) : spec;
  if (
    params.type !== 'cnn' &&
    params.type !== 'rnn' &&
    params.type !== 'lstm' &&
    params.type !== 'gru' &&
    params.type !== 'transformer'
  ) {
    throw new UnprocessableError('architecture_incompatible', `A ${params.type} model cannot read text.`, [
      { path: 'model.type', message: 'not a text model' },
    ]);
  }
  return {
    task: 'classification',
    modelType: params.type,
    input,
    deepTask,
    build: (seed) => buildDeepModel(params, input, deepTask, { seed }),
    preprocessing: {
      kind: 'text',
      version: 1,
      feature: column.name,
      vectorizer: vectorizer.toJSON(),
      target: { task: 'classification', name: request.target, labels },
    },
    inputSchema: { features: [{ name: column.name, type: 'categorical' }] },
    outputSchema: { task: 'classification', target: request.target, labels },
    train: pickExamples(all, shape, classes, labels.length, parts.train),
    validation: pickExamples(all, shape, classes, labels.length, parts.validation),
    test: pickExamples(all, shape, classes, labels.length, parts.test),
    excludedColumns: request.columns
      .filter((c) => c.name !== column.name && c.name !== request.target)
      .map((c) => ({ name: c.name, reason: 'not_requested', detail: 'text models read one text column' })),
    total: request.rows?.length ?? 0,
    dropped: (request.rows?.length ?? 0) - rows.length,
  };
}
