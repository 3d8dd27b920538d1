import { STATUS_CODES } from 'node:http';
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { RouteAuth } from './plugins/auth.ts';

type Operation = {
  operationId?: string;
  requestBody?: unknown;
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
};
type Document = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
  tags?: { name: string; description: string }[];
};

/** Every tag the routes use, declared with what it groups (a route with an undeclared tag fails the lint test). */
export const tags: Record<string, string> = {
  ops: 'Liveness, readiness and Prometheus metrics, for orchestrators and scrapers',
  projects: 'Tenants: projects, created and listed with the operator admin token',
  'api-keys': "A project's API keys and their scopes",
  admin: 'Operator work: project erasure and master-key rotation',
  quotas: "A project's quotas and its usage against them",
  audit: 'The audit trail of every write',
  datasets: 'Upload (streamed and profiled), list, read and delete datasets',
  'training-jobs': 'Queue, follow and cancel training jobs',
  registry: 'Models, their versions and aliases',
  predict: "Predictions on TensorFlow Serving's REST paths, by version, alias or the default version",
  'open-inference': 'The Open Inference Protocol V2 (KServe, Triton) over the same registry',
  monitoring: 'Models in production: prediction logging, ground truth, live traffic, drift monitoring and alerts',
  'tuning-jobs': 'Hyperparameter searches whose trials run across the worker pool',
  'batch-predictions': 'Score whole tables on the workers, output streamed back',
  webhooks: "Signed notifications of a project's job, tuning, batch and alias events",
};

/** Where the document's paths are served; clients pass their own base URL. */
export const servers = [
  { url: '/', description: 'The service serving this document (what /docs calls)' },
  { url: 'http://127.0.0.1:8080', description: 'A local `npm start` (HOST and PORT configure it)' },
];

const ACCESS: Record<RouteAuth, string> = {
  public: 'Public: no credentials needed.',
  admin: 'Needs the operator admin token.',
  'admin-or-project-admin': 'Needs the operator admin token, or an API key of the project with the `admin` scope.',
  read: 'Needs an API key with the `read` scope (or `admin`).',
  write: 'Needs an API key with the `write` scope (or `admin`).',
  predict: 'Needs an API key with the `predict` scope (or `admin`).',
};

const documented = new WeakSet<object>();

/**
 * Completes a route's schema for the document from its configuration (an `onRoute` hook):
 * the description ends with who may call it, and public routes drop the global bearer
 * requirement (`security: []`).
 */
export function documentRoute(route: RouteOptions): void {
  const schema = route.schema as { description?: string; security?: unknown[]; hide?: boolean } | undefined;
  // GET and its automatic HEAD share one schema object: complete it once.
  if (!schema || documented.has(schema)) return;
  documented.add(schema);
  const auth = (route.config as { auth?: RouteAuth } | undefined)?.auth;
  const access = auth ? ACCESS[auth] : undefined;
  if (access) schema.description = schema.description ? `${schema.description}\n\n${access}` : access;
  if (auth === 'public') schema.security = [];
}

/**
 * Operations whose body is a raw stream (no JSON schema to validate it), described here
 * so the document still tells clients what to send.
 */
export const rawRequestBodies: Record<string, Record<string, unknown>> = {
  'post /v1/datasets': {
    required: true,
    content: {
      ...Object.fromEntries(
        ['text/csv', 'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/csv'].map(
          (type) => [type, { schema: { type: 'string', format: 'binary' } }],
        ),
      ),
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: { name: { type: 'string' }, file: { type: 'string', format: 'binary' } },
          required: ['file'],
        },
      },
    },
  },
  'post /v1/model-imports': {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: {
            spec: { type: 'string', description: 'The ModelImportSpec as JSON; send it before the files' },
            files: {
              type: 'array',
              items: { type: 'string', format: 'binary' },
              description: '`model.json` and every weight shard it names (by file name), or one `model.onnx`',
            },
          },
          required: ['spec'],
        },
      },
    },
  },
};

/** Successful answers that are streams, not JSON, described here for the same reason. */
export const rawResponses: Record<string, Record<string, { description: string; content: Record<string, unknown> }>> = {
  'get /v1/training-jobs/{id}/events': {
    200: {
      description:
        'Server-Sent Events: `status` (data: the job as GET /v1/training-jobs/{id} answers it), `epoch` ' +
        '(data: { epoch, loss, valLoss, metrics, elapsedMs }) and `end` (data: the final job; the stream closes), ' +
        'each with an `id` for Last-Event-ID; `: ping` comments between them.',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
  },
};

/**
 * Finishes the generated document: error responses are `application/problem+json`
 * (RFC 9457), each response gets its status text, and raw-body uploads are described.
 */
export const transformOpenApiObject: typeof jsonSchemaTransformObject = (input) => {
  const document = jsonSchemaTransformObject(input) as Document;
  document.paths = Object.fromEntries(
    Object.entries(document.paths ?? {}).map(([path, operations]) => [literalVerbs(path), operations]),
  );
  document.tags = Object.entries(tags).map(([name, description]) => ({ name, description }));
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      operation.operationId ??= operationIdOf(method, path);
      const raw = rawRequestBodies[`${method} ${path}`];
      if (raw && !operation.requestBody) operation.requestBody = raw;
      const streamed = rawResponses[`${method} ${path}`];
      if (streamed) operation.responses = { ...streamed, ...operation.responses };
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description === 'Default Response')
          response.description = STATUS_CODES[Number(status)] ?? 'Response';
        if (Number(status) >= 400 && response.content?.['application/json']) {
          response.content = { 'application/problem+json': response.content['application/json'] };
        }
      }
    }
  }
  closeTuples(document);
  inlineRequestSchemas(document);
  dropUnusedSchemas(document);
  return document as ReturnType<typeof jsonSchemaTransformObject>;
};

const VERBS: Record<string, string> = { get: 'get', post: 'create', put: 'set', patch: 'update', delete: 'delete' };

/**
 * The operation id a route gets unless its schema names one (`schema.operationId`): the
 * method's verb and the path's resources, singular where an id follows, e.g.
 * `GET /v1/models/{name}/versions` -> `listModelVersions`,
 * `POST /v1/models/{name}/versions/{version}:predict` -> `predictModelVersion`,
 * `POST /v1/training-jobs/{id}/cancel` -> `cancelTrainingJob`, `GET /v2/health/live` -> `getV2HealthLive`.
 * Stable while the path is; undefined for a path it cannot name (then the lint test fails).
 */
export function operationIdOf(method: string, path: string): string | undefined {
  method = method.toLowerCase();
  const [route = '', action] = path.split(/(?<=\}|\w):(?=\w+$)/);
  const segments = route.split('/').filter((segment) => segment && segment !== 'v1');
  if (!segments.every((segment) => /^(\{\w+\}|[a-z][a-z0-9-]*)$/.test(segment))) return undefined;
  const words: string[] = [];
  let verb = action ?? VERBS[method];
  segments.forEach((segment, index) => {
    if (segment.startsWith('{')) return;
    const itemFollows = segments[index + 1]?.startsWith('{') ?? false;
    const last = index === segments.length - 1;
    // A singular word after an id, posted to, is an action on it: `/training-jobs/{id}/cancel`.
    if (
      last &&
      !action &&
      method === 'post' &&
      index > 0 &&
      segments[index - 1]!.startsWith('{') &&
      !segment.endsWith('s')
    )
      return void (verb = segment);
    // GET on a plural names a list; POST to one creates an item of it.
    if (last && !action && method === 'get' && segment.endsWith('s')) verb = 'list';
    words.push(itemFollows || (last && !action && method === 'post') ? singular(segment) : segment);
  });
  if (!verb) return undefined;
  return camel([verb, ...words].join('-'));
}

function singular(word: string): string {
  if (/(s|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

function camel(words: string): string {
  return words.replace(/-(\w)/g, (_match, letter: string) => letter.toUpperCase());
}

type SchemaNode = Record<string, unknown>;

function walk(node: unknown, visit: (node: SchemaNode) => void): void {
  if (Array.isArray(node)) return node.forEach((item) => walk(item, visit));
  if (!node || typeof node !== 'object') return;
  visit(node as SchemaNode);
  for (const value of Object.values(node)) walk(value, visit);
}

/**
 * A zod tuple is a `prefixItems` array with `items: false`; tools that predate `prefixItems`
 * (Spectral's array-items, older generators) want one, so it gets the union of the positions
 * (its min/maxItems already fix the length).
 */
function closeTuples(document: Document): void {
  walk(document, (node) => {
    if (node.type === 'array' && Array.isArray(node.prefixItems) && !node.items) {
      // Positions of one schema (a [number, number] point) need no union of copies.
      const distinct = [...new Map(node.prefixItems.map((item) => [JSON.stringify(item), item])).values()];
      node.items = distinct.length === 1 ? { ...(distinct[0] as object) } : { anyOf: node.prefixItems };
    }
  });
}

const REF = '#/components/schemas/';

/**
 * Request bodies take their schema inline rather than by reference: generators (openapi-typescript
 * with its defaults) make a property with a `default` required in a component but optional
 * under `requestBody`, so only inline can a client leave out what has a default.
 */
function inlineRequestSchemas(document: Document): void {
  const schemas = document.components?.schemas ?? {};
  const inline = (node: unknown, seen: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => inline(item, seen));
    if (!node || typeof node !== 'object') return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith(REF)) {
      const name = ref.slice(REF.length);
      if (seen.includes(name) || !schemas[name]) return node;
      const { $ref: _ref, ...rest } = node as SchemaNode;
      return { ...(inline(schemas[name], [...seen, name]) as SchemaNode), ...rest };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inline(value, seen)]));
  };
  for (const operations of Object.values(document.paths ?? {}))
    for (const operation of Object.values(operations))
      if (operation.requestBody) operation.requestBody = inline(operation.requestBody, []);
}

/** Drops component schemas nothing refers to (zod registers an input and an output form of each). */
function dropUnusedSchemas(document: Document): void {
  const schemas = document.components?.schemas;
  if (!schemas) return;
  const used = new Set<string>();
  const visit = (node: unknown) =>
    walk(node, (inner) => {
      const ref = inner.$ref;
      if (typeof ref !== 'string' || !ref.startsWith(REF)) return;
      const name = ref.slice(REF.length);
      if (used.has(name)) return;
      used.add(name);
      visit(schemas[name]);
    });
  visit(document.paths);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

/**
 * Fastify writes a literal colon as `::` (`/v1/models/:name::predict`), which the swagger
 * plugin renders as a `{predict}` parameter; TF Serving's paths mean the literal verb.
 */
function literalVerbs(path: string): string {
  return path.replace(/\{(\w+)\([^/]*?\)\}/g, '{$1}').replace(/\}:\{(\w+)\}/g, '}:$1');
}
