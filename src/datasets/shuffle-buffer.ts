import { SeededRandom } from '../ml/seeded-random.ts';

/**
 * Shuffles a stream through a buffer of at most `capacity` items (as tf.data's shuffle does):
 * once the buffer is full, each new item takes the place of one drawn at random, which is
 * emitted. The order is a pure function of the input order and `seed`, so a pass can be
 * replayed exactly; the further apart two items are in the input, the less the shuffle mixes
 * them, so a sorted file wants a buffer that covers its runs.
 */
export class ShuffleBuffer<T> {
  private readonly items: T[] = [];
  private readonly random: SeededRandom;

  constructor(
    private readonly capacity: number,
    seed: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.random = new SeededRandom(seed);
  }

  /** Adds `item`; returns the item it displaces once the buffer is full, else undefined. */
  push(item: T): T | undefined {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return undefined;
    }
    const index = Math.floor(this.random.next() * this.capacity);
    const out = this.items[index] as T;
    this.items[index] = item;
    return out;
  }

  /** Empties the buffer in a seeded random order, once the input has ended. */
  *drain(): Generator<T> {
    this.random.shuffle(this.items);
    while (this.items.length > 0) yield this.items.pop() as T;
  }
}
