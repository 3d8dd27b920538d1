/** The verb of a request method in action names. */
const VERBS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
  GET: 'read',
  HEAD: 'read',
};

/**
 * The action name of a route, derived from its URL pattern so routes added later are named
 * without anyone remembering to: the literal segments after `/v1`, joined by dots, then the
 * verb: `POST /v1/datasets` is `datasets.create`, `DELETE /v1/models/:name/versions/:version`
 * `models.versions.delete`. A custom method (`/v1/models/:name::predict`) is its own verb
 * (`models.predict`).
 */
export function auditAction(method: string, url: string): string {
  const nouns: string[] = [];
  let verb = VERBS[method.toUpperCase()] ?? method.toLowerCase();
  const segments = url.replace(/^\/v\d+\//, '').split('/');
  for (const segment of segments) {
    // `::` is a literal colon in fastify's syntax: what follows is a custom method.
    const [head = '', custom] = segment.split('::');
    if (head && !head.startsWith(':')) nouns.push(head);
    if (custom) verb = custom;
  }
  return [...nouns.filter(Boolean), verb].join('.');
}
