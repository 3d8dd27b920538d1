import { z } from 'zod';
import { EXPLANATION_METHODS } from '../../serving/explanation-service.ts';
import { userKeyedRecord } from './common.ts';

export const explainBody = z
  .object({
    signature_name: z.string().optional().describe('Accepted as on `:predict`'),
    instances: z.array(z.unknown()).describe('As on `:predict` (row format)'),
    explanation: z
      .object({
        method: z
          .enum(EXPLANATION_METHODS)
          .optional()
          .describe(
            'Default per kind: tabular and text `shapley`, images and sequences `integrated-gradients`. ' +
              'Tabular models also take `integrated-gradients`; images and sequences `smoothgrad`.',
          ),
        samples: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('Shapley permutation samples (or SmoothGrad noisy copies); capped by EXPLAIN_MAX_SAMPLES'),
        steps: z.number().int().min(1).optional().describe('Integrated-gradient steps; capped by EXPLAIN_MAX_STEPS'),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .optional()
          .describe('Same seed, same attributions (default 0)'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: 'ExplainRequest' });

const prediction = z.union([
  z.object({ label: z.union([z.string(), z.number(), z.boolean()]), probabilities: userKeyedRecord(z.number()) }),
  z.object({ value: z.number() }).passthrough(),
]);

const explanation = z.object({
  prediction: prediction.describe('Exactly what `:predict` answers for the instance'),
  explained: z.object({
    output: z.enum(['probability', 'value']),
    label: z.string().optional().describe('The predicted label whose probability is explained'),
    value: z.number(),
  }),
  baseline: z
    .number()
    .describe('The expected output the attributions are relative to: baseline + Σ attributions ≈ explained.value'),
  attributions: z
    .array(z.object({ column: z.string(), attribution: z.number() }))
    .describe("In the dataset's own columns, largest |attribution| first"),
  heatmap: z
    .object({
      width: z.number().int(),
      height: z.number().int(),
      values: z.array(z.number()).describe('Per pixel, row-major (channels summed)'),
      png: z.string().describe('Base64 PNG: red raised the output, blue lowered it'),
    })
    .optional(),
  tokens: z.array(z.object({ token: z.string(), attribution: z.number() })).optional(),
  steps: z.array(z.array(z.number())).optional().describe('Sequences: [timeStep][feature]'),
});

export const explainResponse = z
  .object({
    model: z.object({ name: z.string(), version: z.number().int() }),
    method: z.enum(EXPLANATION_METHODS),
    seed: z.number().int(),
    explanations: z.array(explanation),
  })
  .meta({ id: 'ExplainResponse' });
