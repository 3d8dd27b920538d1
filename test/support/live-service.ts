import type { AddressInfo } from 'node:net';
import { startBackgroundWorkers } from './batch.ts';
import { createTrainingEnv, type TrainingEnv } from './training.ts';

export interface LiveService extends TrainingEnv {
  /** The API's base URL, listening on a port of its own (127.0.0.1). */
  url: string;
}

/**
 * The real app listening on a free port, with a tenant and the workers `npm start` runs beside
 * it: training, batch predictions and webhook deliveries.
 */
export async function startLiveService(overrides: Record<string, string> = {}): Promise<LiveService> {
  const training = await createTrainingEnv(overrides);
  const background = startBackgroundWorkers(training.env);
  const close = async () => {
    for (const worker of background) await worker.close();
    await training.close();
  };
  try {
    await training.env.app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await close();
    throw error;
  }
  const { port } = training.env.app.server.address() as AddressInfo;
  return { ...training, close, url: `http://127.0.0.1:${port}` };
}
