/**
 * The output thread of a batch job (output-thread.ts starts it): formats each scored table part
 * into its output bytes and error text with table-output.ts's writer, while the job's main
 * thread reads, parses, encodes and scores the next part. It loads no model and no client:
 * only the writer and what the writer needs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lineWriter } from './output-lines.ts';
import type { OutputThreadSettings, OutputThreadReply, OutputThreadRequest } from './output-thread.ts';
import { BufferPool, tablePartWriter } from './table-output.ts';

const settings = workerData as OutputThreadSettings;
const port = parentPort!;
const buffers = new BufferPool();
const { schema } = settings;
const writer = lineWriter(
  settings.format,
  settings.passthrough,
  schema.task === 'classification' ? schema.labels.map(String) : [],
);
const text = tablePartWriter(writer, settings.format, settings.passthrough, settings.target, buffers);

port.on('message', (request: OutputThreadRequest) => {
  if (request.type === 'give') {
    buffers.adopt(request.buffer);
    return;
  }
  let reply: OutputThreadReply;
  try {
    const { output, errors, errorCount } = text(
      request.part,
      request.outputs,
      request.units,
      request.others,
      request.first,
    );
    reply = {
      id: request.id,
      buffer: output.buffer as ArrayBuffer,
      offset: output.byteOffset,
      length: output.length,
      errors,
      errorCount,
    };
  } catch (error) {
    port.postMessage({ id: request.id, error: (error as Error).message } satisfies OutputThreadReply);
    return;
  }
  // The output's whole buffer is this part's alone (BufferPool): it moves to the main thread,
  // which gives it back once the part is stored.
  port.postMessage(reply, [reply.buffer]);
});
