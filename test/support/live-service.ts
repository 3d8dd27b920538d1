import type { AddressInfo } from 'node:net';
import { createTrainingEnv, type TrainingEnv } from './training.ts';

export interface LiveService extends TrainingEnv {
  /** The API's base URL, listening on a port of its own (127.0.0.1). */
  url: string;
}

/** The real app listening on a free port, with a tenant and a real training worker. */
export async function startLiveService(overrides: Record<string, string> = {}): Promise<LiveService> {
  const training = await createTrainingEnv(overrides);
  try {
    await training.env.app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await training.close();
    throw error;
  }
  const { port } = training.env.app.server.address() as AddressInfo;
  return { ...training, url: `http://127.0.0.1:${port}` };
}
