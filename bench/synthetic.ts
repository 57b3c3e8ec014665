import { stringify } from 'yaml';

/**
 * A synthetic spec of `n` operations, shaped like the Account API (envelope, enums, nullable timestamps, ids,
 * pagination, request bodies with formats) so the scale figures speak for specs like ours: resources of four
 * operations each — list, get by id, create, get status.
 */
export function syntheticSpec(n: number): string {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Envelope: {
      type: 'object',
      required: ['status', 'success', 'message'],
      properties: { status: { type: 'integer' }, success: { type: 'boolean' }, message: { type: 'string', minLength: 1 } },
    },
    Error: { allOf: [{ $ref: '#/components/schemas/Envelope' }, { type: 'object', required: ['data'], properties: { data: { type: 'null' } } }] },
  };
  const errors = {
    '400': {
      description: 'bad',
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: { status: 400, success: false, message: 'Invalid', data: null } },
      },
    },
    '401': {
      description: 'unauth',
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/Error' },
          example: { status: 401, success: false, message: 'Authentication required', data: null },
        },
      },
    },
  };
  const ok = (schema: unknown, data: unknown) => ({
    '200': {
      description: 'ok',
      content: {
        'application/json': {
          schema: { allOf: [{ $ref: '#/components/schemas/Envelope' }, { type: 'object', required: ['data'], properties: { data: schema } }] },
          example: { status: 200, success: true, message: 'ok', data },
        },
      },
    },
    ...errors,
  });
  const item = { _id: '66b1f0a3c2d4e5f6a7b8c9d0', name: 'thing', state: 'active', createdAt: '2026-01-10T09:00:00.000Z', closedAt: null };
  for (let r = 0; r * 4 < n; r++) {
    const name = `Thing${r}`;
    schemas[name] = {
      type: 'object',
      required: ['_id', 'name', 'state', 'createdAt', 'closedAt'],
      properties: {
        _id: { type: 'string', pattern: '^[0-9a-f]{24}$' },
        name: { type: 'string' },
        state: { type: 'string', enum: ['active', 'paused', 'closed'] },
        createdAt: { type: 'string', format: 'date-time' },
        closedAt: { type: ['string', 'null'], format: 'date-time' },
      },
    };
    const ref = { $ref: `#/components/schemas/${name}` };
    const ops: Array<[string, string, unknown]> = [
      [
        `/things${r}`,
        'get',
        {
          operationId: `list${name}`,
          parameters: [
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          ],
          responses: ok({ type: 'array', items: ref }, [item]),
        },
      ],
      [
        `/things${r}/{id}`,
        'get',
        {
          operationId: `get${name}`,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{24}$' } }],
          responses: ok(ref, item),
        },
      ],
      [
        `/things${r}`,
        'post',
        {
          operationId: `create${name}`,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['name', 'callbackUrl'],
                  properties: {
                    name: { type: 'string', minLength: 1 },
                    callbackUrl: { type: 'string', format: 'uri' },
                    state: { type: 'string', enum: ['active', 'paused'] },
                  },
                },
              },
            },
          },
          responses: ok(ref, item),
        },
      ],
      [
        `/things${r}/status`,
        'get',
        {
          operationId: `status${name}`,
          responses: ok(
            {
              type: 'object',
              required: ['state'],
              properties: { state: { type: 'string', enum: ['active', 'paused', 'closed'] }, at: { type: ['string', 'null'], format: 'date-time' } },
            },
            { state: 'active', at: null },
          ),
        },
      ],
    ];
    for (const [path, method, op] of ops.slice(0, n - r * 4)) {
      (paths[path] ??= {} as Record<string, unknown>) as Record<string, unknown>;
      (paths[path] as Record<string, unknown>)[method] = { ...(op as object), security: [{ Token: [] }] };
    }
  }
  return stringify(
    {
      openapi: '3.1.0',
      info: { title: `Synthetic ${n}`, version: '1.0.0' },
      paths,
      components: { schemas, securitySchemes: { Token: { type: 'http', scheme: 'bearer' } } },
      'x-envelope': { statusField: 'status', successField: 'success', messageField: 'message', dataField: 'data', nullDataOnError: true },
    },
    { aliasDuplicateObjects: false },
  );
}
