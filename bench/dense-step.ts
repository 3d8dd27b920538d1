/**
 * The dense training step alone (src/training/loop/dense-stack.ts) on the digits MLP
 * (64-64-10, batch 32, adam): CPU and wall time per step over 5 rounds of 900 steps. Needs the
 * digits from bench/peers/torch_train.py (scikit-learn), as bench/peer-mlp.ts does.
 *   npx tsx bench/dense-step.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/ml/backend.ts';
import { buildModel } from '../src/models/build-model.ts';
import { DenseStack } from '../src/training/loop/dense-stack.ts';
import { createOptimizer } from '../src/training/loop/gradient-step.ts';

const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'dense-step-')), 'digits.json');
execFileSync('/usr/bin/python3', [fileURLToPath(new URL('./peers/torch_train.py', import.meta.url)), 'dump', file]);
const data = JSON.parse(readFileSync(file, 'utf8')) as { xTrain: number[][]; yTrain: number[] };
await selectBackend('wasm');
const x = Float32Array.from(data.xTrain.flat());
const y = Float32Array.from(data.yTrain);
const model = buildModel('mlp', { task: 'classification', inputWidth: 64, classes: 10 }, 1, [
  { units: 64, activation: 'relu', dropout: 0 },
]);
const stack = DenseStack.of(model, 'categoricalCrossEntropy', 0, createOptimizer('adam', 0.001));
if (!stack) throw new Error('the digits MLP should be a dense stack');
const order = Array.from({ length: y.length }, (_, i) => (i * 7919) % y.length);
for (let round = 0; round < 5; round++) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let steps = 0;
  for (let epoch = 0; epoch < 20; epoch++)
    for (let start = 0; start < order.length; start += 32, steps++)
      stack.stepRows(x, y, order.slice(start, start + 32));
  const used = process.cpuUsage(cpu);
  console.log(
    `${steps} steps: ${(((performance.now() - started) / steps) * 1000).toFixed(0)} µs wall, ${((used.user + used.system) / steps).toFixed(0)} µs CPU a step`,
  );
}
