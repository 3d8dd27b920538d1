import { z } from 'zod';
import { DomainError } from '../../errors.ts';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .loose()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** The error responses every authenticated route may give, for the OpenAPI document. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries([401, 403, ...statuses].map((status) => [status, problemSchema])) as Record<
    number,
    typeof problemSchema
  >;
}

export const idParams = z.object({ id: z.uuid() });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z.uuid().optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/**
 * Cursor pagination shared by every list: newest first, cursor = id of the last item.
 * Fetches one extra row to know whether a next page exists.
 */
export function pageArgs(query: { limit: number; cursor?: string }) {
  return {
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }],
  };
}

/**
 * Refuses a `cursor` that is not one of the list's own rows. Paging starts from the cursor's
 * row whatever the list's filter, so another tenant's id would move the page: answering
 * it differently from an unknown id would tell which ids exist elsewhere.
 */
export async function checkCursor(
  cursor: string | undefined,
  isOwn: (cursor: string) => Promise<unknown>,
): Promise<void> {
  if (cursor === undefined || (await isOwn(cursor))) return;
  throw new DomainError('invalid_cursor', 'The cursor is not one this list gave out; start again without it.', {
    issues: [{ path: 'querystring.cursor', message: 'is not a cursor of this list' }],
  });
}

/**
 * Most bytes of items one page carries (as JSON). A page ends early rather than grow past it,
 * its `nextCursor` continuing where it stopped; lists carry summaries, so this bounds pages of
 * unusually wide items, not ordinary ones.
 */
export const PAGE_MAX_BYTES = 1024 * 1024;

export function toPage<T extends { id: string }, U>(
  rows: T[],
  limit: number,
  map: (row: T) => U,
  maxBytes = PAGE_MAX_BYTES,
) {
  const items: U[] = [];
  let bytes = 0;
  for (const row of rows.slice(0, limit)) {
    const item = map(row);
    bytes += JSON.stringify(item).length;
    // At least one item per page, so paging always moves on.
    if (items.length > 0 && bytes > maxBytes) break;
    items.push(item);
  }
  const hasMore = rows.length > items.length;
  return { items, nextCursor: hasMore ? rows[items.length - 1]!.id : null };
}

/**
 * An object keyed by names users chose (features, labels), each value matching `value`: what
 * `z.record(z.string(), value)` describes, but passed through as it is, because zod's record
 * rebuilds the object and drops a `__proto__` key (a feature or label may carry that name).
 * Values are validated, not transformed, so the object can be handed on unchanged.
 */
export function userKeyedRecord<T extends z.ZodType>(value: T) {
  return z
    .custom<Record<string, z.output<T>>>(
      (input) => input !== null && typeof input === 'object' && !Array.isArray(input),
      { message: 'expected an object' },
    )
    .superRefine((input, ctx) => {
      for (const key of Object.keys(input)) {
        const checked = value.safeParse(input[key]);
        if (checked.success) continue;
        for (const issue of checked.error.issues)
          ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
      }
    })
    .meta({ type: 'object', additionalProperties: z.toJSONSchema(value, { unrepresentable: 'any' }) });
}
