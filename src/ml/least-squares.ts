/**
 * Ridge (and, with a vanishing penalty, ordinary) least squares in closed form, for the linear
 * models that need no gradient descent: the normal equations on centred data, so the
 * intercept is never penalised, solved by Cholesky in double precision.
 */

/** A fitted linear map: `y = x · weights + bias`, weights `[width][outputs]`. */
export interface LinearFit {
  weights: number[][];
  bias: number[];
}

/**
 * Fits `outputs` targets on `width` inputs from `rows` examples (row-major `x` and `y`),
 * minimising squared error + `penalty` · |weights|². A singular system (a constant or
 * duplicated input) gets the smallest penalty that makes it solvable.
 */
export function ridgeRegression(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  rows: number,
  width: number,
  outputs: number,
  penalty = 0,
): LinearFit {
  const xMean = new Float64Array(width);
  const yMean = new Float64Array(outputs);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) xMean[j]! += x[r * width + j]! / rows;
    for (let k = 0; k < outputs; k++) yMean[k]! += y[r * outputs + k]! / rows;
  }
  const gram = Array.from({ length: width }, () => new Float64Array(width));
  const cross = Array.from({ length: width }, () => new Float64Array(outputs));
  const xc = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) xc[j] = x[r * width + j]! - xMean[j]!;
    for (let i = 0; i < width; i++) {
      const xi = xc[i]!;
      const row = gram[i]!;
      for (let j = i; j < width; j++) row[j]! += xi * xc[j]!;
      for (let k = 0; k < outputs; k++) cross[i]![k]! += xi * (y[r * outputs + k]! - yMean[k]!);
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i]![j] = gram[j]![i]!;
  const trace = gram.reduce((sum, row, i) => sum + row[i]!, 0) / Math.max(1, width);
  let lambda = penalty;
  for (let attempt = 0; attempt < 12; attempt++) {
    const factor = cholesky(gram, lambda);
    if (factor) {
      const weights = Array.from({ length: width }, () => new Array<number>(outputs).fill(0));
      for (let k = 0; k < outputs; k++) {
        const solution = solveCholesky(
          factor,
          cross.map((row) => row[k]!),
        );
        solution.forEach((value, j) => (weights[j]![k] = value));
      }
      const bias = Array.from(yMean, (mean, k) => mean - weights.reduce((sum, w, j) => sum + w[k]! * xMean[j]!, 0));
      return { weights, bias };
    }
    lambda = Math.max(lambda * 10, (trace || 1) * 1e-10);
  }
  throw new Error('The least-squares system stayed singular.');
}

/** The lower factor L of gram + lambda·I = L·Lᵀ, or undefined when it is not positive definite. */
function cholesky(gram: Float64Array[], lambda: number): Float64Array[] | undefined {
  const n = gram.length;
  const lower = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = gram[i]![j]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) sum -= lower[i]![k]! * lower[j]![k]!;
      if (i === j) {
        if (!(sum > 1e-12 * (Math.abs(gram[i]![i]!) + lambda + 1e-300))) return undefined;
        lower[i]![i] = Math.sqrt(sum);
      } else lower[i]![j] = sum / lower[j]![j]!;
    }
  }
  return lower;
}

function solveCholesky(lower: Float64Array[], b: number[]): number[] {
  const n = lower.length;
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= lower[i]![k]! * z[k]!;
    z[i] = sum / lower[i]![i]!;
  }
  const out = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < n; k++) sum -= lower[k]![i]! * out[k]!;
    out[i] = sum / lower[i]![i]!;
  }
  return out;
}
