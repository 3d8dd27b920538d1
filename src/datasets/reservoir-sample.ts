import { SeededRandom } from '../ml/seeded-random.ts';

/**
 * A uniform sample of at most `capacity` items of a stream of unknown length (Vitter's
 * algorithm R), seeded: the same stream and seed keep the same items. Below `capacity` items
 * it keeps them all, in order.
 */
export class ReservoirSample<T> {
  private readonly kept: T[] = [];
  private seen = 0;
  private readonly random: SeededRandom;

  constructor(
    private readonly capacity: number,
    seed: number,
  ) {
    this.random = new SeededRandom(seed);
  }

  add(item: T): void {
    this.seen++;
    if (this.kept.length < this.capacity) {
      this.kept.push(item);
      return;
    }
    const index = Math.floor(this.random.next() * this.seen);
    if (index < this.capacity) this.kept[index] = item;
  }

  /** Items offered so far. */
  get count(): number {
    return this.seen;
  }

  items(): T[] {
    return this.kept;
  }
}
