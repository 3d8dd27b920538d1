import { z } from 'zod';
import { userKeyedRecord } from './common.ts';

/** TF Serving's binary value (`{"b64": "..."}`): the image of an image feature, UTF-8 text otherwise. */
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null(), z.object({ b64: z.string() }).strict()]);

export const predictBody = z
  .object({
    signature_name: z
      .string()
      .optional()
      .describe('Accepted for TensorFlow Serving clients; every model has one signature, serving_default'),
    instances: z
      .array(z.unknown())
      .optional()
      .describe('Row format: objects keyed by feature name, or arrays in input-schema order'),
    inputs: z
      .union([userKeyedRecord(z.array(z.unknown())), z.array(z.unknown())])
      .optional()
      .describe('Columnar format: each feature name maps to its list of values, one per example'),
    passthrough: z
      .array(z.string().min(1).max(200))
      .max(50)
      .optional()
      .describe(
        'Row format: keys of the instances (e.g. an id) echoed beside each prediction as `passthrough`, ' +
          'accepted whether or not the model reads them',
      ),
  })
  .strict()
  .refine((body) => (body.instances === undefined) !== (body.inputs === undefined), {
    message: 'give exactly one of `instances` (row format) or `inputs` (columnar format)',
  })
  .refine((body) => body.passthrough === undefined || body.instances !== undefined, {
    message: '`passthrough` names keys of row-format `instances`',
    path: ['passthrough'],
  })
  .meta({ id: 'PredictRequest' });

const predictionExtras = {
  imputed: z
    .array(z.string())
    .optional()
    .describe('The features this instance left out or gave as null, imputed as in training (absent when none)'),
  passthrough: userKeyedRecord(z.unknown())
    .optional()
    .describe("The request's passthrough keys with this instance's values (null where it has none)"),
};
const prediction = z.union([
  z.object({
    label: z.union([z.string(), z.number(), z.boolean()]),
    probabilities: userKeyedRecord(z.number()).describe('Each label\u2019s probability, keyed by label'),
    scores: z
      .array(z.number())
      .optional()
      .describe('The same probabilities as a list in label order (the metadata\u2019s `labels`): the `scores` output'),
    ...predictionExtras,
  }),
  z.object({ value: z.number(), ...predictionExtras }),
]);
const servedModel = z.object({ name: z.string(), version: z.number().int() });
const predictionIds = z
  .array(z.string())
  .optional()
  .describe('Logged requests only: one id per instance, for POST /v1/models/{name}/feedback');

export const predictResponse = z
  .union([
    z
      .object({ predictions: z.array(prediction), model: servedModel, predictionIds })
      .describe('Answer to the row format'),
    z
      .object({
        outputs: z.union([
          z.object({
            label: z.array(z.union([z.string(), z.number(), z.boolean()])),
            scores: z.array(z.array(z.number())).describe('Columns in label order'),
            probabilities: z.array(z.array(z.number())).describe('The same as `scores`'),
          }),
          z.array(z.number()).describe('Regression: one value per example'),
        ]),
        model: servedModel,
        predictionIds,
      })
      .describe('Answer to the columnar format'),
  ])
  .meta({ id: 'PredictResponse' });

const example = userKeyedRecord(z.union([scalar, z.array(scalar)]));

export const examplesBody = z
  .object({
    signature_name: z.string().optional(),
    context: example.optional().describe('Features shared by every example'),
    examples: z.array(example).describe('One object per example, keyed by feature name'),
  })
  .strict()
  .meta({ id: 'ExamplesRequest' });

export const classifyResponse = z
  .object({
    result: z.array(z.array(z.tuple([z.string(), z.number()]))).describe('Per example, [label, score] for every label'),
  })
  .meta({ id: 'ClassifyResponse' });

export const regressResponse = z.object({ result: z.array(z.number()) }).meta({ id: 'RegressResponse' });

export const modelVersionStatus = z
  .array(
    z.object({
      version: z.string(),
      state: z.enum(['START', 'LOADING', 'AVAILABLE', 'UNLOADING', 'END']),
      status: z.object({ error_code: z.string(), error_message: z.string() }),
    }),
  )
  .describe("TF Serving's model status: every registered version is AVAILABLE (loaded on first use)");

export const modelStatusResponse = z.object({ model_version_status: modelVersionStatus }).meta({ id: 'ModelStatus' });

const tensorInfo = z.object({
  dtype: z.string(),
  tensor_shape: z.object({ dim: z.array(z.object({ size: z.string(), name: z.string() })), unknown_rank: z.boolean() }),
  name: z.string(),
});

export const modelMetadataResponse = z
  .object({
    model_spec: z.object({ name: z.string(), signature_name: z.string(), version: z.string() }),
    metadata: z.object({
      signature_def: z.object({
        signature_def: z.record(
          z.string(),
          z.object({
            inputs: userKeyedRecord(tensorInfo),
            outputs: z.record(z.string(), tensorInfo),
            method_name: z.string(),
          }),
        ),
        labels: z.array(z.string()).describe('Class labels in the order of the `scores` output'),
      }),
    }),
  })
  .meta({ id: 'ModelMetadata' });
