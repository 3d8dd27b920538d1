import { z } from 'zod';
import { datasetName } from './datasets.ts';

export const loggingBody = z
  .object({
    sampleRate: z
      .number()
      .min(0)
      .max(1)
      .describe('Share of prediction requests logged (0 turns logging off, 1 logs every request)'),
  })
  .strict();
export const loggingSchema = z.object({ model: z.string(), sampleRate: z.number() }).meta({ id: 'PredictionLogging' });

export const feedbackBody = z
  .object({
    items: z
      .array(
        z
          .object({
            predictionId: z.string().min(1).max(100),
            label: z
              .union([z.string(), z.number(), z.boolean()])
              .describe('The true label (classification) or value (regression)'),
          })
          .strict(),
      )
      .min(1)
      .max(1_000),
  })
  .strict()
  .meta({ id: 'FeedbackRequest' });
export const feedbackSchema = z
  .object({
    model: z.string(),
    recorded: z.number().int(),
    unknown: z.array(z.string()).describe('Ids naming no logged prediction of this model: nothing recorded for them'),
  })
  .meta({ id: 'FeedbackResult' });

export const windowQuery = z
  .object({
    windowMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
  })
  .strict();

const latency = z.object({ p50: z.number().nullable(), p90: z.number().nullable(), p99: z.number().nullable() });
export const liveTrafficSchema = z
  .object({
    model: z.string(),
    windowStart: z.iso.datetime(),
    windowEnd: z.iso.datetime(),
    versions: z.array(
      z.object({
        version: z.number().int(),
        shadow: z.boolean().describe("Traffic this version answered as an alias's shadow (never returned)"),
        requests: z.number().int(),
        errors: z.number().int(),
        errorRate: z.number(),
        instances: z.number().int(),
        latencyMs: latency.describe('Percentiles from latency buckets, interpolated within a bucket'),
        predictions: z.union([
          z.object({ labels: z.record(z.string(), z.number().int()) }),
          z.object({
            count: z.number().int(),
            mean: z.number().nullable(),
            std: z.number().nullable(),
            min: z.number().nullable(),
            max: z.number().nullable(),
          }),
        ]),
        live: z.object({
          labeled: z.number().int(),
          accuracy: z.number().nullable(),
          meanAbsoluteError: z.number().nullable(),
        }),
      }),
    ),
  })
  .meta({ id: 'LiveTraffic' });

const limit = z.number().min(0).nullable().optional();
const thresholdsSchema = z
  .object({ psi: limit, js: limit, ks: limit, missingRate: limit, unseenRate: limit })
  .strict()
  .describe('Limits per statistic; null reports it without alerting');
export const monitoringBody = z
  .object({
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
    minSamples: z.number().int().min(1).max(1_000_000).default(100),
    thresholds: z
      .object({
        features: thresholdsSchema.optional(),
        perFeature: z.record(z.string(), thresholdsSchema).optional(),
        prediction: thresholdsSchema.optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .meta({ id: 'MonitoringRequest' });
const resolvedThresholds = z.object({
  features: thresholdsSchema,
  perFeature: z.record(z.string(), thresholdsSchema),
  prediction: thresholdsSchema,
});
export const monitoringSchema = z
  .object({
    model: z.string(),
    version: z.number().int(),
    windowMinutes: z.number().int(),
    minSamples: z.number().int(),
    thresholds: resolvedThresholds,
    trainingRows: z.number().int(),
    features: z.array(z.string()),
    lastRunAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Monitoring' });

export const alertSchema = z
  .object({
    id: z.string(),
    model: z.string(),
    version: z.number().int(),
    feature: z.string().describe('A feature name, or `prediction` for the distribution of answers'),
    statistic: z.enum(['psi', 'js', 'ks', 'missing_rate', 'unseen_rate']),
    value: z.number(),
    threshold: z.number(),
    samples: z.number().int(),
    windowStart: z.iso.datetime(),
    windowEnd: z.iso.datetime(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'MonitoringAlert' });

const featureDrift = z.object({
  feature: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  psi: z.number(),
  js: z.number().describe('Jensen-Shannon divergence, bits'),
  ks: z.number().nullable().describe('Two-sample Kolmogorov-Smirnov statistic (numbers)'),
  missingRate: z.number(),
  trainingMissingRate: z.number(),
  unseenRate: z.number().nullable().describe('Share of values never seen in training (categories)'),
  crossed: z.array(z.object({ statistic: z.string(), value: z.number(), threshold: z.number() })),
});
export const monitoringRunSchema = z
  .object({
    model: z.string(),
    version: z.number().int(),
    windowStart: z.iso.datetime(),
    windowEnd: z.iso.datetime(),
    samples: z.number().int(),
    judged: z.boolean().describe('False when the window held fewer than minSamples instances'),
    features: z.array(featureDrift),
    prediction: featureDrift.nullable(),
    alerts: z.array(alertSchema),
  })
  .meta({ id: 'MonitoringRun' });

export const alertsQuery = z
  .object({
    version: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const logDatasetBody = z
  .object({
    name: datasetName,
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(90 * 24 * 60)
      .default(24 * 60),
    labeledOnly: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'PredictionLogDatasetRequest' });
