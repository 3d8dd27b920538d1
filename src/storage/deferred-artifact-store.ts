import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { ArtifactRanges, ArtifactStore, WrittenArtifact } from './artifact-store.ts';

/**
 * A store made on its first use. The S3 store's SDK is about a tenth of what a process loads at
 * start-up; behind this, a process loads it only once it touches the bucket (and a process
 * configured with the local directory never does). A failure to make the store fails that use
 * and is tried again on the next.
 */
export class DeferredArtifactStore implements ArtifactStore {
  private made: Promise<ArtifactStore> | undefined;

  constructor(private readonly make: () => Promise<ArtifactStore>) {}

  private store(): Promise<ArtifactStore> {
    this.made ??= this.make();
    this.made.catch(() => (this.made = undefined));
    return this.made;
  }

  async write(key: string, source: Readable | Uint8Array): Promise<WrittenArtifact> {
    return (await this.store()).write(key, source);
  }

  async read(key: string): Promise<Buffer> {
    return (await this.store()).read(key);
  }

  createReadStream(key: string): Readable {
    const out = new PassThrough();
    this.store().then(
      (store) => pipeline(store.createReadStream(key), out, () => undefined),
      (error: unknown) => out.destroy(error as Error),
    );
    return out;
  }

  async openRanges(key: string): Promise<ArtifactRanges> {
    return (await this.store()).openRanges(key);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.store()).exists(key);
  }

  async delete(key: string): Promise<void> {
    return (await this.store()).delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    return (await this.store()).deletePrefix(prefix);
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.store()).list(prefix);
  }

  async check(): Promise<void> {
    return (await this.store()).check();
  }
}
