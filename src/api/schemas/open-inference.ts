import { z } from 'zod';
import { V2_DATATYPES } from '../../serving/open-inference-format.ts';

const datatype = z.enum(V2_DATATYPES);
const parameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional();
const tensorMetadata = z.object({ name: z.string(), datatype, shape: z.array(z.number().int()) });

export const serverMetadataResponse = z
  .object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) })
  .meta({ id: 'V2ServerMetadata' });

export const liveResponse = z.object({ live: z.boolean() }).meta({ id: 'V2ServerLive' });
export const readyResponse = z.object({ ready: z.boolean() }).meta({ id: 'V2ServerReady' });
export const modelReadyResponse = z
  .object({ name: z.string(), version: z.string(), ready: z.boolean() })
  .meta({ id: 'V2ModelReady' });

export const modelMetadataV2 = z
  .object({
    name: z.string(),
    versions: z.array(z.string()),
    platform: z.string(),
    inputs: z
      .array(tensorMetadata)
      .describe(
        "One input per feature, shape [-1, 1]; plus 'input' of shape [-1, F] (features in input-schema order) " +
          'when every feature has one datatype',
      ),
    outputs: z.array(tensorMetadata),
  })
  .meta({ id: 'V2ModelMetadata' });

export const inferRequest = z
  .object({
    id: z.string().optional(),
    parameters,
    inputs: z
      .array(
        z.object({
          name: z.string(),
          shape: z.array(z.number().int().min(0)),
          datatype,
          parameters,
          data: z.array(z.unknown()).describe('Row-major, flat or nested'),
        }),
      )
      .min(1),
    outputs: z
      .array(z.object({ name: z.string(), parameters }))
      .optional()
      .describe('Outputs to return; all when absent'),
  })
  .meta({ id: 'V2InferenceRequest' });

export const inferResponse = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    id: z.string().optional(),
    parameters,
    outputs: z.array(tensorMetadata.extend({ data: z.array(z.union([z.number(), z.string(), z.boolean()])) })),
  })
  .meta({ id: 'V2InferenceResponse' });
