import { STATUS_CODES } from 'node:http';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';

type Operation = {
  requestBody?: unknown;
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
};
type Document = { paths?: Record<string, Record<string, Operation>> };

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

/**
 * Finishes the generated document: error responses are `application/problem+json`
 * (RFC 9457), each response gets its status text, and raw-body uploads are described.
 */
export const transformOpenApiObject: typeof jsonSchemaTransformObject = (input) => {
  const document = jsonSchemaTransformObject(input) as Document;
  document.paths = Object.fromEntries(
    Object.entries(document.paths ?? {}).map(([path, operations]) => [literalVerbs(path), operations]),
  );
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const raw = rawRequestBodies[`${method} ${path}`];
      if (raw && !operation.requestBody) operation.requestBody = raw;
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description === 'Default Response')
          response.description = STATUS_CODES[Number(status)] ?? 'Response';
        if (Number(status) >= 400 && response.content?.['application/json']) {
          response.content = { 'application/problem+json': response.content['application/json'] };
        }
      }
    }
  }
  return document as ReturnType<typeof jsonSchemaTransformObject>;
};

/**
 * Fastify writes a literal colon as `::` (`/v1/models/:name::predict`), which the swagger
 * plugin renders as a `{predict}` parameter; TF Serving's paths mean the literal verb.
 */
function literalVerbs(path: string): string {
  return path.replace(/\{(\w+)\([^/]*?\)\}/g, '{$1}').replace(/\}:\{(\w+)\}/g, '}:$1');
}
