/**
 * Rows of the scale-out benchmarks in BENCHMARKS.md's table: predictions by alias against by
 * version (1f, bench/alias-vs-version.ts) and the S3 store against the local one (4d, 4e,
 * bench/object-store-bench.ts).
 */
import type { AliasBenchResult } from './alias-vs-version.ts';
import type { ObjectStoreBenchResult } from './object-store-bench.ts';
import { median } from './predict-summary.ts';

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const list = (values: number[], digits: number) => values.map((v) => f(v, digits)).join(', ');

export function aliasRow(a: AliasBenchResult | { error: string } | undefined): string[] {
  if (a === undefined) return [];
  const what = '`:predict` by alias vs by version, 1 row, concurrency 16, in-process';
  if ('error' in a) return [`| 1f | ${what} | failed: ${a.error} | >= 0.9 | **missed** |`];
  const rounds = a.aliasRps.map((r, i) => r / a.versionRps[i]!);
  return [
    `| 1f | ${what}: requests/s | ${f(median(a.aliasRps), 0)} / ${f(median(a.versionRps), 0)}; ratio ` +
      `**${f(a.ratio, 3)}** (rounds: ${list(rounds, 3)}); ${a.aliasReads} alias resolutions read from PostgreSQL ` +
      `while measured. Route cache off (a query per request): ${f(a.uncachedRatio, 3)} | >= 0.9 | ` +
      `${a.ratio >= 0.9 ? 'met' : '**missed**'} |`,
  ];
}

export function objectStoreRows(s: ObjectStoreBenchResult | { error: string } | undefined): string[] {
  if (s === undefined) return [];
  if ('error' in s)
    return [`| 4d | CSV ingest and model load, S3 store vs local | failed: ${s.error} | reported | - |`];
  return [
    `| 4d | CSV ingest of a generated ${s.sizeMb} MB file, S3 store (s3rver, loopback) vs local directory | ` +
      `${f(median(s.s3MbPerSecond))} / ${f(median(s.localMbPerSecond))} MB/s; ratio **${f(s.ingestRatio, 3)}** ` +
      `(S3 rounds: ${list(s.s3MbPerSecond, 1)}; local: ${list(s.localMbPerSecond, 1)}) | reported | - |`,
    `| 4e | model load (${f(s.modelWeightsMb)} MB of weights), S3 store vs local; and through an API process's ` +
      `local copies | ${f(s.s3LoadMs)} ms / ${f(s.localLoadMs)} ms = **${f(s.loadRatio, 2)}x**; local copies ` +
      `${f(s.copiedLoadMs)} ms = **${f(s.copiedLoadRatio, 2)}x** | reported | - |`,
  ];
}
