import { describe, expect, it } from 'vitest';
import { toPage } from './common.ts';

const rows = Array.from({ length: 6 }, (_, i) => ({ id: `id${i}`, text: 'x'.repeat(100) }));

describe('a list page', () => {
  it('ends before its items outgrow the byte bound, and its cursor continues after the last one', () => {
    const page = toPage(rows, 5, (row) => row, 400);
    expect(page.items.map((item) => item.id)).toEqual(['id0', 'id1', 'id2']);
    expect(page.nextCursor).toBe('id2');
  });

  it('keeps at least one item however large, and ends by the item limit otherwise', () => {
    expect(toPage(rows, 5, (row) => row, 10).items).toHaveLength(1);
    expect(toPage(rows, 5, (row) => row)).toMatchObject({ nextCursor: 'id4' });
    expect(toPage(rows, 6, (row) => row)).toMatchObject({ nextCursor: null });
  });
});
