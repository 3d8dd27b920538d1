/**
 * A batch job's output thread: a worker thread, one per job run, that formats the scored table
 * parts (table-output.ts's writer) while the job's main thread reads, parses, encodes and scores
 * the next part. The main thread hands it each part's model outputs (transferred, not copied),
 * its passthrough cells and its rows the per-row path scored, and gets back the part's output
 * bytes (transferred) and error text; it stores and records the part itself, in order, as
 * without the thread (run-batch.ts), and gives the output's buffer back to the thread once the
 * part is stored, so the thread reuses two or three buffers for the whole job.
 *
 * Parts in flight are bounded by the run's loop (run-batch.ts), not here: a part is sent as it
 * is scored, and a part is scored only once the part two before it is stored and recorded, so
 * the thread holds three parts at most (their outputs: a few MB).
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OutputSchema, TargetEncoding } from '../preprocessing/preprocessing-state.ts';
import { projectPath, runningFromSource } from '../project-paths.ts';
import type { OutputFormat } from './batch-output.ts';
import type { ScoredRow } from './batch-scorer.ts';
import type { PartText, TablePartLayout } from './table-output.ts';

/** The thread's script: the build's entry (scripts/build.mjs), or the source under tsx. */
export const OUTPUT_THREAD_SCRIPT = runningFromSource
  ? projectPath('src', 'batch', 'output-thread-worker.ts')
  : projectPath('dist', 'batch-output-thread.js');

/** The thread's young generation, MB (V8's default would let it grow to 48). */
const OUTPUT_THREAD_YOUNG_MB = 8;

/** What the thread needs to write a job's parts (workerData). */
export interface OutputThreadSettings {
  format: Exclude<OutputFormat, 'parquet'>;
  passthrough: string[];
  schema: OutputSchema;
  target: TargetEncoding;
}

export type OutputThreadRequest =
  | {
      type: 'part';
      id: number;
      part: TablePartLayout;
      outputs: Float32Array;
      units: number;
      others: ScoredRow[];
      first: boolean;
    }
  | { type: 'give'; buffer: ArrayBuffer };

export type OutputThreadReply =
  | { id: number; buffer: ArrayBuffer; offset: number; length: number; errors: string; errorCount: number }
  | { id: number; error: string };

export class OutputThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(text: PartText): void; reject(error: Error): void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(settings: OutputThreadSettings, script: string = OUTPUT_THREAD_SCRIPT) {
    // The thread's garbage is short-lived strings (a number's digits): a small young generation
    // collects it as well, and keeps the thread's share of the job's memory small.
    const options = { workerData: settings, resourceLimits: { maxYoungGenerationSizeMb: OUTPUT_THREAD_YOUNG_MB } };
    this.worker = script.endsWith('.ts')
      ? // Node 20 does not run `--import tsx` in worker threads: the thread registers tsx itself.
        new Worker(
          `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(script).href)}); });`,
          { ...options, eval: true },
        )
      : new Worker(script, options);
    this.worker.on('message', (reply: OutputThreadReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiting.reject(new Error(`the output thread failed: ${reply.error}`));
      else
        waiting.resolve({
          output: Buffer.from(reply.buffer, reply.offset, reply.length),
          errors: reply.errors,
          errorCount: reply.errorCount,
        });
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the output thread exited (code ${code})`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }

  /**
   * The part's output and errors, written by the thread. `outputs` moves to the thread: the
   * caller no longer has it. A part nobody awaits (the run stopped) fails quietly.
   */
  format(
    part: TablePartLayout,
    outputs: Float32Array,
    units: number,
    others: ScoredRow[],
    first: boolean,
  ): Promise<PartText> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const text = new Promise<PartText>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    text.catch(() => undefined);
    const layout: TablePartLayout = {
      first: part.first,
      rows: part.rows,
      passthrough: part.passthrough,
      others: part.others.map(({ at }) => ({ at })),
    };
    const request: OutputThreadRequest = { type: 'part', id, part: layout, outputs, units, others, first };
    // A view over part of a larger buffer is copied rather than taking its whole buffer away.
    const whole = outputs.byteOffset === 0 && outputs.byteLength === outputs.buffer.byteLength;
    this.worker.postMessage(request, whole ? [outputs.buffer as ArrayBuffer] : []);
    return text;
  }

  /** Hands a part's output (from format) back once it is stored: the thread writes a later part into it. */
  give(output: Uint8Array): void {
    if (this.failure) return;
    this.worker.postMessage({ type: 'give', buffer: output.buffer as ArrayBuffer } satisfies OutputThreadRequest, [
      output.buffer as ArrayBuffer,
    ]);
  }

  /** Ends the thread; parts not yet written fail. */
  async close(): Promise<void> {
    this.fail(new Error('the output thread was closed'));
    await this.worker.terminate();
  }
}
