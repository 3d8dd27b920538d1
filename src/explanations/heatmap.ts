/**
 * An image's attribution map: per-pixel attributions (summed over channels) and a PNG of
 * them on a diverging scale: red where a pixel raised the explained output, blue where it
 * lowered it, white where it did nothing, with intensity relative to the largest |value|.
 */
import { PNG } from 'pngjs';

export interface Heatmap {
  width: number;
  height: number;
  /** Row-major, one per pixel. */
  values: number[];
  /** Base64 PNG. */
  png: string;
}

/** Folds `[height, width, channels]` attributions to one value per pixel. */
export function pixelAttributions(
  attributions: Float32Array,
  height: number,
  width: number,
  channels: number,
): number[] {
  return Array.from({ length: height * width }, (_, p) => {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += attributions[p * channels + c]!;
    return sum;
  });
}

export function heatmap(values: number[], height: number, width: number): Heatmap {
  const png = new PNG({ width, height });
  const peak = values.reduce((max, v) => Math.max(max, Math.abs(v)), 0) || 1;
  values.forEach((v, p) => {
    const strength = Math.round(Math.min(1, Math.abs(v) / peak) * 255);
    png.data[p * 4] = v >= 0 ? 255 : 255 - strength;
    png.data[p * 4 + 1] = 255 - strength;
    png.data[p * 4 + 2] = v >= 0 ? 255 - strength : 255;
    png.data[p * 4 + 3] = 255;
  });
  return { width, height, values, png: PNG.sync.write(png).toString('base64') };
}
