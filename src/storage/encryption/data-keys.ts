/**
 * The projects' data keys: created on a project's first stored artifact, kept in the database
 * wrapped by the master key, unwrapped once per process and cached (a data key never changes;
 * a master-key rotation only re-wraps it).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Prisma, type Database } from '../../db/client.ts';
import { predictionPathStatement } from '../../db/sql.ts';
import type { DataKey } from './chunked-cipher.ts';
import { EncryptionKeyUnavailableError } from './errors.ts';
import { unwrapDataKey, wrapDataKey, type MasterKeys } from './master-keys.ts';

/** The scope of artifacts that belong to no project. */
export const SERVICE_SCOPE = 'service';

/** Binds a wrapped key to its row: a wrapped key copied onto another row does not open. */
export const dataKeyBinding = (row: { id: string; scope: string }) => `${row.id}:${row.scope}`;

type DataKeyRow = { id: string; scope: string; wrappedKey: Uint8Array; masterKeyId: string };

// By the pool's own SQL: a model's first load after a start reads its data key on the prediction
// path, where a Prisma query would load Prisma's query compiler (src/db/sql.ts).
const DATA_KEY_BY_ID = predictionPathStatement(
  'SELECT id, scope, "wrappedKey", "masterKeyId" FROM "DataKey" WHERE id = $1',
  [''],
);

export class DataKeyRing {
  private readonly byScope = new Map<string, Promise<DataKey>>();
  private readonly byId = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly db: Database,
    private readonly masterKeys: () => Promise<MasterKeys>,
  ) {}

  /** The data key of `scope` (a project id or SERVICE_SCOPE), created on first use. */
  forScope(scope: string): Promise<DataKey> {
    let key = this.byScope.get(scope);
    if (!key) {
      key = this.loadOrCreate(scope);
      this.byScope.set(scope, key);
      key.catch(() => this.byScope.delete(scope));
    }
    return key;
  }

  /** The data key an encrypted file's header names. */
  keyById(id: string): Promise<Buffer> {
    let key = this.byId.get(id);
    if (!key) {
      key = this.load(id);
      this.byId.set(id, key);
      key.catch(() => this.byId.delete(id));
    }
    return key;
  }

  private async load(id: string): Promise<Buffer> {
    const [row] = await this.db.sql.rows<DataKeyRow>(DATA_KEY_BY_ID, [id]);
    if (!row)
      throw new EncryptionKeyUnavailableError(`The data key '${id}' no longer exists (its project was erased).`);
    return this.unwrap(row);
  }

  private async unwrap(row: DataKeyRow): Promise<Buffer> {
    const master = (await this.masterKeys()).byId.get(row.masterKeyId);
    if (!master) {
      throw new EncryptionKeyUnavailableError(
        `The data key '${row.id}' is wrapped by master key ${row.masterKeyId}, which is not configured ` +
          '(give it in MAAS_PREVIOUS_MASTER_KEYS until the rotation is done).',
      );
    }
    return unwrapDataKey(master, row.wrappedKey, dataKeyBinding(row));
  }

  private async loadOrCreate(scope: string): Promise<DataKey> {
    const existing = await this.db.dataKey.findUnique({ where: { scope } });
    if (existing) return { id: existing.id, key: await this.unwrap(existing) };
    const { current } = await this.masterKeys();
    const id = randomUUID();
    const key = randomBytes(32);
    try {
      await this.db.dataKey.create({
        data: {
          id,
          scope,
          projectId: scope === SERVICE_SCOPE ? null : scope,
          wrappedKey: wrapDataKey(current, key, dataKeyBinding({ id, scope })),
          masterKeyId: current.id,
        },
      });
    } catch (error) {
      const code = error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;
      // Another process created the scope's key first: use that one.
      if (code === 'P2002') return this.loadOrCreate(scope);
      if (code === 'P2003') throw new EncryptionKeyUnavailableError(`The project '${scope}' does not exist.`);
      throw error;
    }
    this.byId.set(id, Promise.resolve(key));
    return { id, key };
  }
}
