import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { resolveMasterKeys } from '../../storage/encryption/master-keys.ts';
import { rotateMasterKey } from '../../storage/encryption/rotate-master-key.ts';
import { errorResponses } from '../schemas/common.ts';

const rotationSchema = z
  .object({
    masterKeyId: z.string().describe('The id of the master key every data key is now wrapped by'),
    rewrapped: z.number().int().describe('Data keys wrapped again by this call'),
    unavailable: z
      .array(z.object({ dataKeyId: z.string(), masterKeyId: z.string() }))
      .describe('Data keys wrapped by a master key this service was not given: still as they were'),
  })
  .meta({ id: 'MasterKeyRotation' });

/**
 * The operator's master-key rotation, the same as `npm run rotate-master-key`: it re-wraps the
 * data keys with the master key this service was started with (MAAS_MASTER_KEY), unwrapping
 * with MAAS_PREVIOUS_MASTER_KEYS. Stored files are not rewritten.
 */
export const masterKeyRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps: { db, config } }) => {
  app.post(
    '/v1/admin/master-key::rotate',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Re-wrap every data key with the current master key (admin token)',
        response: { 200: rotationSchema, ...errorResponses() },
      },
    },
    async () => rotateMasterKey(db, await resolveMasterKeys(config)),
  );
};
