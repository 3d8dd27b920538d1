import type { Database } from '../db/client.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { issueApiKey } from './api-keys.ts';

export interface RotationRequest {
  projectId: string;
  keyId: string;
  /** How long the old key keeps working beside the new one; 0 ends it at once. */
  overlapSeconds: number;
  /** When the new key expires; never when absent. */
  expiresAt?: Date;
  /** The rotation's clock (the old key expires at now + overlap). */
  now?: Date;
}

type KeyRow = Awaited<ReturnType<Database['apiKey']['create']>>;

export interface Rotation {
  /** The new key's row and its secret, shown once. */
  issued: KeyRow & { key: string };
  /** The old key's row, with the end of the overlap as its expiry. */
  retired: KeyRow;
}

/**
 * Replaces a key by a new one with the same name and scopes. The old key keeps working until
 * now + `overlapSeconds` (or its own earlier expiry: rotation never extends a key's life), so
 * clients can switch over without an outage. Both rows change in one transaction. A revoked
 * or expired key cannot be rotated: there is nothing left to overlap with.
 */
export async function rotateApiKey(db: Database, request: RotationRequest): Promise<Rotation> {
  const now = request.now ?? new Date();
  const overlapEnd = new Date(now.getTime() + request.overlapSeconds * 1000);
  return db.$transaction(async (tx) => {
    // FOR UPDATE: two rotations of one key at once would otherwise both read its old expiry.
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "ApiKey" WHERE id = ${request.keyId} AND "projectId" = ${request.projectId} FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError('API key', request.keyId);
    const old = await tx.apiKey.findUniqueOrThrow({ where: { id: request.keyId } });
    if (old.revokedAt || (old.expiresAt && old.expiresAt.getTime() <= now.getTime()))
      throw new ConflictError(
        'api_key_inactive',
        `API key '${old.id}' is revoked or expired; create a new key instead.`,
      );
    const expiresAt = old.expiresAt && old.expiresAt < overlapEnd ? old.expiresAt : overlapEnd;
    const retired = await tx.apiKey.update({ where: { id: old.id }, data: { expiresAt } });
    const secret = issueApiKey();
    const created = await tx.apiKey.create({
      data: {
        projectId: old.projectId,
        name: old.name,
        scopes: old.scopes,
        prefix: secret.prefix,
        secretHash: secret.secretHash,
        expiresAt: request.expiresAt ?? null,
      },
    });
    return { issued: { ...created, key: secret.key }, retired };
  });
}
