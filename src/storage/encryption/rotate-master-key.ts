/**
 * Master-key rotation: every data key wrapped by another master key is unwrapped with it and
 * wrapped again by the current one. The data itself is not touched: files name their data key,
 * and a data key never changes. Run it with the new key in MAAS_MASTER_KEY and the old one in
 * MAAS_PREVIOUS_MASTER_KEYS; once it reports nothing left, the old key can be dropped.
 */
import type { Database } from '../../db/client.ts';
import { dataKeyBinding } from './data-keys.ts';
import { unwrapDataKey, wrapDataKey, type MasterKeys } from './master-keys.ts';

export interface RotationReport {
  /** The master key every data key is now wrapped by. */
  masterKeyId: string;
  rewrapped: number;
  /** Data keys whose master key is not configured: they stay as they are. */
  unavailable: { dataKeyId: string; masterKeyId: string }[];
}

const BATCH = 200;

export async function rotateMasterKey(db: Database, keys: MasterKeys): Promise<RotationReport> {
  const report: RotationReport = { masterKeyId: keys.current.id, rewrapped: 0, unavailable: [] };
  let cursor: string | undefined;
  for (;;) {
    const rows = await db.dataKey.findMany({
      where: { masterKeyId: { not: keys.current.id } },
      orderBy: { id: 'asc' },
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of rows) {
      const master = keys.byId.get(row.masterKeyId);
      if (!master) {
        report.unavailable.push({ dataKeyId: row.id, masterKeyId: row.masterKeyId });
        continue;
      }
      const bound = dataKeyBinding(row);
      const key = unwrapDataKey(master, row.wrappedKey, bound);
      // Conditional on the old wrapping: a concurrent rotation's write is kept, not overwritten.
      const { count } = await db.dataKey.updateMany({
        where: { id: row.id, masterKeyId: row.masterKeyId },
        data: {
          wrappedKey: wrapDataKey(keys.current, key, bound),
          masterKeyId: keys.current.id,
          rewrappedAt: new Date(),
        },
      });
      report.rewrapped += count;
    }
    if (rows.length < BATCH) return report;
    cursor = rows.at(-1)!.id;
  }
}
