/**
 * How a deep model's input is prepared from the dataset, as optional request fields merged
 * into the model specification. Each applies to one kind of data and is ignored by none:
 * strict schemas refuse a misspelt field, and training refuses one that does not fit the
 * dataset (e.g. `text` on an image dataset).
 */
import { z } from 'zod';
import { CALENDAR_TERMS } from '../preprocessing/calendar-features.ts';

/** Images are resized to this; default: the first image's size (at most 64x64), grayscale when it is. */
export const imageInputSchema = z
  .object({
    height: z.number().int().min(4).max(256).optional(),
    width: z.number().int().min(4).max(256).optional(),
    channels: z.union([z.literal(1), z.literal(3)]).optional(),
  })
  .strict();

/** The vocabulary fitted on the training split (see TextVectorizer). */
export const textInputSchema = z
  .object({
    maxTokens: z.number().int().min(3).max(50_000).default(5_000),
    maxLength: z.number().int().min(1).max(512).default(32),
    oovBuckets: z.number().int().min(1).max(100).default(1),
    minCount: z.number().int().min(1).max(1_000).default(1),
    lowercase: z.boolean().default(true),
  })
  .strict();

/**
 * Windows over time-ordered rows: `lookback` rows in, and for a numeric target the next
 * `horizon` values out (forecasting); for a categorical target, the class at the window's
 * last row (sequence classification).
 */
export const sequenceInputSchema = z
  .object({
    lookback: z.number().int().min(1).max(512).default(16),
    horizon: z.number().int().min(1).max(64).default(1),
    stride: z.number().int().min(1).max(512).default(1),
    /** A date or numeric column that orders the rows (default: file order); it is not a feature. */
    timeColumn: z.string().min(1).optional(),
    /** A column naming the series a row belongs to: one model over all, no window crosses two series. */
    seriesColumn: z.string().min(1).optional(),
    /**
     * With a date time column, periodic calendar terms whose sine and cosine become extra
     * inputs of every window step (not targets); prediction rows then carry their timestamps.
     */
    calendarFeatures: z.array(z.enum(CALENDAR_TERMS)).min(1).max(CALENDAR_TERMS.length).optional(),
    /** With a time column, what missing steps become: refused (`none`), the last value carried, or interpolated. */
    fillGaps: z.enum(['none', 'previous', 'linear']).default('none'),
    /** The seasonal period in rows (12 for monthly data with a yearly cycle); 1 means none. */
    season: z.number().int().min(1).max(512).default(1),
    /** Coverage of the prediction intervals, from the quantiles of the held-out errors. */
    intervalLevel: z.number().gt(0).lt(1).default(0.9),
  })
  .strict();

/** The shape merged into every deep family's schema. */
export const deepInputShape = {
  image: imageInputSchema.optional(),
  text: textInputSchema.optional(),
  sequence: sequenceInputSchema.optional(),
};

export type ImageInputSpec = z.output<typeof imageInputSchema>;
export type TextInputSpec = z.output<typeof textInputSchema>;
export type SequenceInputSpec = z.output<typeof sequenceInputSchema>;
