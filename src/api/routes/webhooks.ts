import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError, UnprocessableError } from '../../errors.ts';
import { AddressPolicy } from '../../network/address-policy.ts';
import { newWebhookSecret } from '../../webhooks/signing.ts';
import { projectOf } from '../plugins/auth.ts';
import { checkCursor, errorResponses, idParams, pageArgs, pageOf, pageQuery, toPage } from '../schemas/common.ts';
import {
  createdWebhookSchema,
  toWebhook,
  toWebhookDelivery,
  webhookDeliverySchema,
  webhookRequest,
  webhookSchema,
} from '../schemas/webhooks.ts';

/** Endpoints one project may have: each event is sent to each, so they bound the fan-out. */
const MAX_WEBHOOKS_PER_PROJECT = 20;

export const webhookRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { db, config } = deps;
  const policy = new AddressPolicy(config.WEBHOOK_ALLOWED_ADDRESSES);

  const ownWebhook = async (projectId: string, id: string) => {
    const hook = await db.webhook.findFirst({ where: { id, projectId } });
    if (!hook) throw new NotFoundError('Webhook', id);
    return hook;
  };

  app.post(
    '/v1/webhooks',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook endpoint for some events; the answer shows its signing secret, once',
        description:
          'Deliveries are POSTs of `{id, type, createdAt, projectId, data}` signed with ' +
          '`Maas-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, retried with exponential ' +
          'backoff for WEBHOOK_RETRY_WINDOW_MS. URLs whose address is loopback, link-local or private are ' +
          'refused (at registration when the URL names one, and at every delivery by the address it resolves to).',
        body: webhookRequest,
        response: { 201: createdWebhookSchema, ...errorResponses(400, 422) },
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const refusal = policy.refusalOf(new URL(request.body.url));
      if (refusal)
        throw new UnprocessableError('webhook_url_refused', `The webhook URL is refused: ${refusal}.`, [
          { path: 'body.url', message: refusal },
        ]);
      const count = await db.webhook.count({ where: { projectId } });
      if (count >= MAX_WEBHOOKS_PER_PROJECT)
        throw new UnprocessableError(
          'webhook_url_refused',
          `A project has at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks; delete one to add another.`,
          [{ path: 'body.url', message: 'too many webhooks' }],
        );
      const secret = newWebhookSecret();
      const hook = await db.webhook.create({
        data: { projectId, url: request.body.url, events: request.body.events, secret },
      });
      return reply
        .code(201)
        .header('location', `/v1/webhooks/${hook.id}`)
        .send({ ...toWebhook(hook), secret });
    },
  );

  app.get(
    '/v1/webhooks',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['webhooks'],
        summary: 'List webhook endpoints, newest first (secrets are never shown again)',
        querystring: pageQuery,
        response: { 200: pageOf(webhookSchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const projectId = projectOf(request);
      await checkCursor(request.query.cursor, (id) =>
        db.webhook.findFirst({ where: { id, projectId }, select: { id: true } }),
      );
      const rows = await db.webhook.findMany({ where: { projectId }, ...pageArgs(request.query) });
      return toPage(rows, request.query.limit, toWebhook);
    },
  );

  app.get(
    '/v1/webhooks/:id',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['webhooks'],
        summary: 'Get a webhook endpoint',
        params: idParams,
        response: { 200: webhookSchema, ...errorResponses(404) },
      },
    },
    async (request) => toWebhook(await ownWebhook(projectOf(request), request.params.id)),
  );

  app.delete(
    '/v1/webhooks/:id',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook endpoint and its delivery records; pending deliveries are not sent',
        params: idParams,
        response: { 200: webhookSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const hook = await ownWebhook(projectOf(request), request.params.id);
      await db.webhook.delete({ where: { id: hook.id } });
      return toWebhook(hook);
    },
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['webhooks'],
        summary: "A webhook's deliveries, newest first: each attempt with its status code or error",
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(webhookDeliverySchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const hook = await ownWebhook(projectOf(request), request.params.id);
      await checkCursor(request.query.cursor, (id) =>
        db.webhookDelivery.findFirst({ where: { id, webhookId: hook.id }, select: { id: true } }),
      );
      const rows = await db.webhookDelivery.findMany({ where: { webhookId: hook.id }, ...pageArgs(request.query) });
      return toPage(rows, request.query.limit, toWebhookDelivery);
    },
  );
};
