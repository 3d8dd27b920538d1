import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { toEpochEvent, type JobEventMessage } from '../../queue/job-events.ts';
import { projectOf } from '../plugins/auth.ts';
import { errorResponses, idParams } from '../schemas/common.ts';
import { jobStatuses, toTrainingJob } from '../schemas/training-jobs.ts';

const withVersion = { modelVersion: { select: { version: true } } } as const;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
/** `<last epoch sent>:<last status sent>`: all a resuming stream needs to know what it missed. */
const EVENT_ID = new RegExp(`^(\\d{1,9}):(${jobStatuses.join('|')})$`);

/**
 * GET /v1/training-jobs/{id}/events: a job's status changes and epochs as Server-Sent Events.
 * The stream starts from the job's record (its status, then the stored epochs the client has
 * not seen, by Last-Event-ID), then relays what the training child announces over Redis
 * (src/queue/job-events.ts), re-reading the record on every status message and every
 * heartbeat, and ends with `event: end` once the job has.
 */
export const trainingJobEventRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (
  app,
  { deps: { db, config, jobEvents } },
) => {
  // Open streams end before the server closes (it would otherwise wait for them forever).
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  app.get(
    '/v1/training-jobs/:id/events',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['training-jobs'],
        summary:
          'Follow a job live as Server-Sent Events: `status` (the job), `epoch` (loss, valLoss, metrics, elapsedMs), `end`',
        description:
          'Each event has an `id` to resume from with `Last-Event-ID` (missed epochs are replayed from the ' +
          "job's stored progress); `: ping` comments every EVENT_HEARTBEAT_MS. The stream closes after `end`.",
        params: idParams,
        headers: z.object({
          'last-event-id': z.string().max(64).optional().describe('The `id` of the last event received'),
        }),
        response: errorResponses(400, 404, 429, 503),
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const jobId = request.params.id;
      const resumeFrom = request.headers['last-event-id'];
      const resumed = resumeFrom === undefined ? undefined : EVENT_ID.exec(resumeFrom);
      if (resumeFrom !== undefined && !resumed)
        throw new ValidationError('Last-Event-ID must be an id this stream sent, e.g. `12:running`.', [
          { path: 'headers.last-event-id', message: 'not an event id of this stream' },
        ]);
      const read = () => db.trainingJob.findFirst({ where: { id: jobId, projectId }, include: withVersion });
      if (!(await read())) throw new NotFoundError('Training job', jobId);

      const release = jobEvents.admit(projectId);
      let stopListening: (() => Promise<void>) | undefined;
      let heartbeat: NodeJS.Timeout | undefined = undefined;
      let closed = false;
      const raw = reply.raw;
      const cleanUp = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        open.delete(cleanUp);
        release();
        void stopListening?.();
        if (!raw.writableEnded) raw.end();
      };

      let lastEpoch = resumed ? Number(resumed[1]) : 0;
      let lastStatus: string | undefined = resumed?.[2];
      // One step at a time: the record's replay and the live messages never interleave.
      let chain = Promise.resolve();
      const step = (work: () => Promise<void> | void) => {
        chain = chain
          .then(() => (closed ? undefined : work()))
          .catch((error: unknown) => {
            request.log.warn({ err: error, jobId }, 'job event stream failed');
            cleanUp();
          });
      };
      const send = (event: string, data: unknown) => {
        raw.write(`id: ${lastEpoch}:${lastStatus ?? 'queued'}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const sendEpoch = (report: Record<string, unknown>) => {
        const epoch = toEpochEvent(report);
        lastEpoch = epoch.epoch;
        send('epoch', epoch);
      };
      /** Brings the client up to the record: its status when changed, the epochs it has not had, the end. */
      const catchUp = async () => {
        const job = await read();
        if (!job) return cleanUp(); // deleted (the project was erased): nothing more will come
        const answer = toTrainingJob(job);
        const stored = answer.progress.epochs as Record<string, unknown>[];
        const changed = job.status !== lastStatus;
        // A run that resumed from a checkpoint repeats the epochs after it: they are news again.
        if (changed && job.status === 'running' && lastStatus === 'queued') {
          const storedLast = Number(stored.at(-1)?.epoch ?? 0);
          if (storedLast < lastEpoch) lastEpoch = storedLast;
        }
        const unseen = stored.filter((report) => Number(report.epoch) > lastEpoch);
        const terminal = TERMINAL.has(job.status);
        // A stream opens with the job as it is; a job's last change is told by `end` alone.
        if (changed && (!terminal || lastStatus === undefined)) {
          lastStatus = job.status;
          send('status', answer);
        }
        for (const report of unseen) sendEpoch(report);
        if (terminal) {
          lastStatus = job.status;
          send('end', answer);
          cleanUp();
        }
      };
      const onMessage = (message: JobEventMessage) =>
        step(async () => {
          if (message.type === 'status') return catchUp();
          if (lastStatus !== 'running') return;
          // A gap: epochs said before this stream listened and not yet in the record when it was
          // read (progress is written every few seconds). The record first; epochs it does not
          // hold yet come from it later (a later message or the heartbeat), in order, never skipped.
          if (message.epoch.epoch > lastEpoch + 1) await catchUp();
          if (!closed && message.epoch.epoch === lastEpoch + 1 && lastStatus === 'running')
            sendEpoch(message.epoch as unknown as Record<string, unknown>);
        });

      try {
        stopListening = await jobEvents.listen(jobId, onMessage);
      } catch (error) {
        release();
        throw error;
      }
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Proxies such as nginx would otherwise buffer the stream.
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      raw.flushHeaders();
      raw.on('close', cleanUp);
      open.add(cleanUp);
      // A draining instance ends its streams; clients resume elsewhere with Last-Event-ID.
      const undrain = app.drain.onStart(cleanUp);
      raw.once('close', undrain);
      heartbeat = setInterval(() => {
        raw.write(': ping\n\n');
        step(catchUp);
      }, config.EVENT_HEARTBEAT_MS);
      step(catchUp);
    },
  );
};
