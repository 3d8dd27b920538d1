/**
 * Encryption at rest against none, in the same run: CSV ingest (the upload path: parse,
 * profile, store) and model load (what the model cache does on a miss: read manifest and
 * weights, check their digests, build the model), each through a plain LocalArtifactStore and
 * through the EncryptedArtifactStore over another. Rounds alternate which side goes first.
 *
 * The data key comes from a fixed source rather than the database: the service looks a key up
 * once per process and caches it, so the database is no part of the per-byte cost measured.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ingestDataset } from '../src/datasets/ingest.ts';
import { ensureBackend } from '../src/ml/backend.ts';
import { loadModelArtifact, saveModelArtifact } from '../src/registry/artifact-io.ts';
import type { ArtifactStore } from '../src/storage/artifact-store.ts';
import { EncryptedArtifactStore } from '../src/storage/encryption/encrypted-artifact-store.ts';
import { LocalArtifactStore } from '../src/storage/local-artifact-store.ts';
import { generatedCsv } from './ingest.ts';
import { median } from './predict-summary.ts';

export interface EncryptionBenchResult {
  sizeMb: number;
  plainMbPerSecond: number[];
  encryptedMbPerSecond: number[];
  /** Encrypted over plain ingest throughput, each round (wall clock). */
  ingestRatios: number[];
  /** Median encrypted over median plain, wall clock. */
  ingestRatio: number;
  /** The same in MB per CPU second, which the machine's other load disturbs less. */
  plainMbPerCpuSecond: number[];
  encryptedMbPerCpuSecond: number[];
  ingestCpuRatio: number;
  modelWeightsMb: number;
  plainLoadMs: number;
  encryptedLoadMs: number;
  /** Encrypted over plain load time (lower is better). */
  loadRatio: number;
  /** Median CPU milliseconds of one load. */
  plainLoadCpuMs: number;
  encryptedLoadCpuMs: number;
}

const MB = 1024 * 1024;
const PROJECT = '00000000-0000-4000-8000-00000000be7c';

/** Wall-clock MB/s, and MB per CPU second (steadier on a shared machine: other processes' load does not count). */
async function timedIngest(store: ArtifactStore, file: string, sizeMb: number): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await ingestDataset({
    source: createReadStream(file, { highWaterMark: 1 << 16 }),
    format: 'csv',
    store,
    key: `datasets/${PROJECT}/${randomUUID()}.csv`,
    maxBytes: 2 * sizeMb * MB + MB,
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const mb = result.sizeBytes / MB;
  return { wall: mb / seconds, cpu: mb / ((used.user + used.system) / 1e6) };
}

/** A dense model of about 5 MB of weights: a mid-sized tabular model. */
function denseModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [256], units: 1024, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1024, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

/** Each load's wall-clock and CPU milliseconds. */
async function timedLoads(
  store: ArtifactStore,
  key: string,
  sha256: string,
  times: number,
): Promise<{ wall: number[]; cpu: number[] }> {
  const timings = { wall: [] as number[], cpu: [] as number[] };
  for (let i = 0; i < times; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const model = await loadModelArtifact(store, key, sha256);
    timings.wall.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    timings.cpu.push((used.user + used.system) / 1000);
    model.dispose();
  }
  return timings;
}

export async function benchEncryption(opts: { sizeMb: number; rounds?: number }): Promise<EncryptionBenchResult> {
  await ensureBackend();
  const rounds = opts.rounds ?? 3;
  const root = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-encryption-'));
  const dataKey = { id: randomUUID(), key: randomBytes(32) };
  const plain = new LocalArtifactStore(path.join(root, 'plain'));
  const encrypted = new EncryptedArtifactStore(new LocalArtifactStore(path.join(root, 'sealed')), {
    forScope: async () => dataKey,
    keyById: async () => dataKey.key,
  });
  try {
    const file = path.join(root, 'generated.csv');
    await pipeline(generatedCsv(opts.sizeMb * MB), createWriteStream(file));
    const sides = {
      plain: { wall: [] as number[], cpu: [] as number[] },
      encrypted: { wall: [] as number[], cpu: [] as number[] },
    };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const);
      for (const side of order) {
        const figures = await timedIngest(side === 'plain' ? plain : encrypted, file, opts.sizeMb);
        sides[side].wall.push(figures.wall);
        sides[side].cpu.push(figures.cpu);
      }
      await Promise.all([plain.deletePrefix('datasets'), encrypted.deletePrefix('datasets')]);
    }
    const [plainMbPerSecond, encryptedMbPerSecond] = [sides.plain.wall, sides.encrypted.wall];
    const ingestRatios = encryptedMbPerSecond.map((mbps, i) => mbps / plainMbPerSecond[i]!);

    const model = denseModel();
    const key = `models/${PROJECT}/job/attempt-1`;
    const [savedPlain, savedSealed] = [
      await saveModelArtifact(plain, model, key),
      await saveModelArtifact(encrypted, model, key),
    ];
    const weightsMb = (model.countParams() * 4) / MB;
    model.dispose();
    const loads = {
      plain: { wall: [] as number[], cpu: [] as number[] },
      sealed: { wall: [] as number[], cpu: [] as number[] },
    };
    for (let round = 0; round < 4; round++) {
      for (const [side, store, sha256] of [
        ['plain', plain, savedPlain.sha256],
        ['sealed', encrypted, savedSealed.sha256],
      ] as const) {
        const timings = await timedLoads(store, key, sha256, 3);
        loads[side].wall.push(...timings.wall);
        loads[side].cpu.push(...timings.cpu);
      }
    }
    const [plainLoadMs, encryptedLoadMs] = [median(loads.plain.wall), median(loads.sealed.wall)];
    return {
      sizeMb: opts.sizeMb,
      plainMbPerSecond,
      encryptedMbPerSecond,
      ingestRatios,
      ingestRatio: median(encryptedMbPerSecond) / median(plainMbPerSecond),
      plainMbPerCpuSecond: sides.plain.cpu,
      encryptedMbPerCpuSecond: sides.encrypted.cpu,
      ingestCpuRatio: median(sides.encrypted.cpu) / median(sides.plain.cpu),
      modelWeightsMb: weightsMb,
      plainLoadMs,
      encryptedLoadMs,
      loadRatio: encryptedLoadMs / plainLoadMs,
      plainLoadCpuMs: median(loads.plain.cpu),
      encryptedLoadCpuMs: median(loads.sealed.cpu),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchEncryption({ sizeMb: Number(process.argv[2] ?? 100) });
  console.log(JSON.stringify(result));
  process.exit(0);
}
