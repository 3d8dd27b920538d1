import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Credentials {
  url: string;
  apiKey: string;
}

/** The user's configuration directory for maas: $XDG_CONFIG_HOME/maas, ~/.config/maas, or %APPDATA%\maas. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'maas');
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'maas');
  return path.join(os.homedir(), '.config', 'maas');
}

export const credentialsPath = (env?: NodeJS.ProcessEnv) => path.join(configDir(env), 'credentials.json');

/** Saved by `maas login`: readable by the user alone (0600, in a 0700 directory). */
export async function saveCredentials(credentials: Credentials, env?: NodeJS.ProcessEnv): Promise<string> {
  const file = credentialsPath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // An existing file keeps its mode on write: set it either way.
  await chmod(file, 0o600);
  return file;
}

export async function removeCredentials(env?: NodeJS.ProcessEnv): Promise<void> {
  await rm(credentialsPath(env), { force: true });
}

/** MAAS_URL and MAAS_API_KEY win over the saved login, member by member. */
export async function loadCredentials(env: NodeJS.ProcessEnv = process.env): Promise<Partial<Credentials>> {
  const saved = await readFile(credentialsPath(env), 'utf8').then(
    (text) => JSON.parse(text) as Partial<Credentials>,
    () => ({}) as Partial<Credentials>,
  );
  return { url: env.MAAS_URL || saved.url, apiKey: env.MAAS_API_KEY || saved.apiKey };
}
