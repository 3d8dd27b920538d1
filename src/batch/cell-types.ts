/**
 * How a table cell (text in a CSV, any flat JSON value in NDJSON) becomes the value a model
 * version's feature reads, as training typed the dataset's cells: by the feature's type in the
 * version's input schema. A value that is not of that type is handed on unchanged, so that
 * encoding names it in its error.
 */
import { booleanLiteral } from '../datasets/value-literals.ts';

export type CellTyper = (value: unknown) => unknown;

const blank = (value: unknown) => value === undefined || value === null || value === '';

const numberTyper: CellTyper = (value) => {
  if (blank(value)) return null;
  if (typeof value !== 'string') return value;
  const parsed = Number(value.trim());
  // Left as text when it is none: encoding names the value in its error.
  return value.trim() === '' || Number.isNaN(parsed) ? value : parsed;
};

const booleanTyper: CellTyper = (value) => {
  if (blank(value)) return null;
  return typeof value === 'string' ? (booleanLiteral(value) ?? value) : value;
};

const textTyper: CellTyper = (value) => (blank(value) ? null : value);

export function cellTyper(type: string): CellTyper {
  if (type === 'number' || type === 'integer') return numberTyper;
  if (type === 'boolean') return booleanTyper;
  return textTyper;
}
