/**
 * Area under the ROC curve for one positive class, computed as the Mann-Whitney U statistic:
 * the probability that a random positive scores above a random negative, ties counting half.
 * Returns null when the labels hold only positives or only negatives (AUC is undefined).
 */
export function rocAuc(scores: number[], positive: boolean[]): number | null {
  const order = scores.map((score, index) => ({ score, index })).sort((a, b) => a.score - b.score);
  // Average ranks (1-based) over runs of tied scores.
  const ranks = new Array<number>(scores.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.score === order[start]?.score) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[(order[k] as { index: number }).index] = rank;
    start = end + 1;
  }
  let positives = 0;
  let rankSum = 0;
  positive.forEach((isPositive, index) => {
    if (!isPositive) return;
    positives++;
    rankSum += ranks[index] as number;
  });
  const negatives = positive.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
