/**
 * The S3 store against the local directory store, same run: CSV ingest (the upload path:
 * parse, profile, stream into the store) and model load (what the model cache does on a miss:
 * read manifest and weights, check their digests, build the model), through a local
 * directory, an S3 bucket, and the bucket behind an API process's local copies
 * (ARTIFACT_CACHE_MB, warm). Rounds alternate which side goes first.
 *
 * The bucket is s3rver (the tests' S3-protocol server) in this same process, on loopback: the
 * figures are the client side's cost plus a local server's, not a network's. Encryption is
 * left out (encryption-bench.ts measures it); it applies alike over both stores.
 *   npx tsx bench/object-store-bench.ts 50   (or `npm run bench -- s3`)
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { S3Client } from '@aws-sdk/client-s3';
import { ingestDataset } from '../src/datasets/ingest.ts';
import { ensureBackend } from '../src/ml/backend.ts';
import { loadModelArtifact, saveModelArtifact } from '../src/registry/artifact-io.ts';
import type { ArtifactStore } from '../src/storage/artifact-store.ts';
import { CachedArtifactStore } from '../src/storage/cached-artifact-store.ts';
import { LocalArtifactStore } from '../src/storage/local-artifact-store.ts';
import { S3ArtifactStore } from '../src/storage/s3-artifact-store.ts';
import { startS3Server } from '../test/support/s3-server.ts';
import { generatedCsv } from './ingest.ts';
import { median } from './predict-summary.ts';

export interface ObjectStoreBenchResult {
  sizeMb: number;
  localMbPerSecond: number[];
  s3MbPerSecond: number[];
  /** Median of each round's S3 over local ingest throughput. */
  ingestRatio: number;
  modelWeightsMb: number;
  localLoadMs: number;
  s3LoadMs: number;
  /** The bucket behind warm local copies: what a reload after eviction costs an API process. */
  copiedLoadMs: number;
  /** S3 over local load time, medians (lower is better). */
  loadRatio: number;
  copiedLoadRatio: number;
}

const MB = 1024 * 1024;
const PROJECT = '00000000-0000-4000-8000-00000000be7c';

async function ingestMbPerSecond(store: ArtifactStore, file: string, sizeMb: number): Promise<number> {
  const started = performance.now();
  const result = await ingestDataset({
    source: createReadStream(file, { highWaterMark: 1 << 16 }),
    format: 'csv',
    store,
    key: `datasets/${PROJECT}/${randomUUID()}.csv`,
    maxBytes: 2 * sizeMb * MB + MB,
  });
  return result.sizeBytes / MB / ((performance.now() - started) / 1000);
}

/** A dense model of about 5 MB of weights, as in encryption-bench.ts. */
function denseModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [256], units: 1024, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1024, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

async function loadMs(store: ArtifactStore, key: string, sha256: string): Promise<number> {
  const started = performance.now();
  const model = await loadModelArtifact(store, key, sha256);
  const ms = performance.now() - started;
  model.dispose();
  return ms;
}

export async function benchObjectStores(opts: { sizeMb: number; rounds?: number }): Promise<ObjectStoreBenchResult> {
  await ensureBackend();
  const rounds = opts.rounds ?? 3;
  const root = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-stores-'));
  const s3 = await startS3Server();
  const client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const local = new LocalArtifactStore(path.join(root, 'local'));
  const bucket = new S3ArtifactStore({ bucket: s3.bucket, prefix: 'bench/' }, client);
  const copies = new CachedArtifactStore(bucket, { root: path.join(root, 'copies'), maxBytes: 1024 * MB });
  try {
    const file = path.join(root, 'generated.csv');
    await pipeline(generatedCsv(opts.sizeMb * MB), createWriteStream(file));
    const ingest = { local: [] as number[], s3: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['local', 's3'] as const) : (['s3', 'local'] as const);
      for (const side of order)
        ingest[side].push(await ingestMbPerSecond(side === 'local' ? local : bucket, file, opts.sizeMb));
      await Promise.all([local.deletePrefix('datasets'), bucket.deletePrefix('datasets')]);
    }

    const model = denseModel();
    const key = `models/${PROJECT}/job/attempt-1`;
    const [savedLocal, savedS3] = [
      await saveModelArtifact(local, model, key),
      await saveModelArtifact(bucket, model, key),
    ];
    const weightsMb = (model.countParams() * 4) / MB;
    model.dispose();
    await loadMs(copies, key, savedS3.sha256); // the one download of the copies
    const loads = { local: [] as number[], s3: [] as number[], copied: [] as number[] };
    const sides = [
      ['local', local, savedLocal.sha256],
      ['s3', bucket, savedS3.sha256],
      ['copied', copies, savedS3.sha256],
    ] as const;
    for (let round = 0; round < 6; round++)
      for (let i = 0; i < sides.length; i++) {
        const [side, store, sha256] = sides[(i + round) % sides.length]!;
        loads[side].push(await loadMs(store, key, sha256));
      }
    const [localLoadMs, s3LoadMs, copiedLoadMs] = [median(loads.local), median(loads.s3), median(loads.copied)];
    return {
      sizeMb: opts.sizeMb,
      localMbPerSecond: ingest.local.map((v) => Math.round(v * 10) / 10),
      s3MbPerSecond: ingest.s3.map((v) => Math.round(v * 10) / 10),
      ingestRatio: median(ingest.s3.map((v, i) => v / ingest.local[i]!)),
      modelWeightsMb: weightsMb,
      localLoadMs,
      s3LoadMs,
      copiedLoadMs,
      loadRatio: s3LoadMs / localLoadMs,
      copiedLoadRatio: copiedLoadMs / localLoadMs,
    };
  } finally {
    await copies.close();
    client.destroy();
    await s3.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchObjectStores({ sizeMb: Number(process.argv[2] ?? 50) })));
  process.exit(0);
}
