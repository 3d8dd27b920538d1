import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface AdminToken {
  token: string;
  /** True when this call generated the token (the caller prints it, once). */
  generated: boolean;
  file?: string;
}

/**
 * The operator's token: `MAAS_ADMIN_TOKEN` when set; otherwise one generated on the first
 * start and kept in the data directory (mode 0600), so restarts keep working. Never a
 * fixed default.
 */
export async function resolveAdminToken(configured: string | undefined, artifactDir: string): Promise<AdminToken> {
  if (configured) return { token: configured, generated: false };
  const file = path.join(path.resolve(artifactDir), 'admin-token');
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 16) return { token, generated: false, file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const token = `maas_admin_${randomBytes(24).toString('base64url')}`;
  try {
    // 'wx' fails when another process won the race; then use its token.
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { token: (await readFile(file, 'utf8')).trim(), generated: false, file };
  }
  return { token, generated: true, file };
}
