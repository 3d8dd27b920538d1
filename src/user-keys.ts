/**
 * Objects keyed by names users chose: columns, features, labels. A plain `{}` answers
 * `constructor`, `toString` and `hasOwnProperty` from its prototype, and assigning `__proto__`
 * replaces the prototype instead of storing a value, so a column or a label named like that
 * would vanish or read back as a function. Every such object is built and read through here.
 */

/** An empty object without a prototype: every key, `__proto__` included, is an ordinary own key. */
export function keyedByUser<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The value `record` holds under its own key `key`; undefined when it holds none (never an inherited member). */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** An object without a prototype holding these entries (unlike `Object.fromEntries`, nothing is inherited on read). */
export function keyedEntries<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record = keyedByUser<T>();
  for (const [key, value] of entries) record[key] = value;
  return record;
}
