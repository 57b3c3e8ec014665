import {
  BODY,
  body,
  docPair,
  object,
  OK,
  OP,
  ok,
  opPair,
  opSpec,
  pair,
  param,
  paramPair,
  requestPair,
  responsePair,
  type FixturePair,
} from './fixture-specs.ts';

/**
 * Every kind of spec change the drift engine names — one table: a stable id (never renamed once published), its
 * level for a *client* of the API, what it means, and a fixture pair (`given` two documents, `want` the change
 * at this JSON pointer) that tests/unit/drift-rules.test.ts runs. A client breaks when the server may now send
 * something it did not expect, or now demands something it did not send: so the same edit is breaking in a
 * request when it narrows (a `maxLength` lowered) and in a response when it widens (a `maxLength` raised).
 */
export type DriftLevel = 'breaking' | 'warning' | 'info';
export type DriftFamily =
  | 'operations'
  | 'security'
  | 'servers'
  | 'parameters'
  | 'request-body'
  | 'request-schema'
  | 'responses'
  | 'response-schema'
  | 'schema'
  | 'extensions'
  | 'document'
  | 'unclassified';

export interface DriftRule {
  level: DriftLevel;
  family: DriftFamily;
  says: string;
  given: FixturePair;
  /** Where the change is reported: a JSON pointer into the candidate (or into the base, for what is gone). */
  want: { pointer: string };
}

const req = (schemaFrom: unknown, schemaTo: unknown) => requestPair(schemaFrom, schemaTo);
const res = (schemaFrom: unknown, schemaTo: unknown) => responsePair(schemaFrom, schemaTo);
const str = { type: 'string' };
const PARAM = `${OP}/parameters/0`;
const ANY_DATE = '2099-01-01';

export const DRIFT_RULES = {
  // ── operations and their lifecycle ────────────────────────────────────────────────────────────────────
  'operation-removed': {
    level: 'breaking',
    family: 'operations',
    says: 'the operation is gone, and it was not deprecated first',
    given: pair(opSpec(), { ...opSpec(), paths: {} }),
    want: { pointer: OP },
  },
  'operation-removed-before-sunset': {
    level: 'breaking',
    family: 'operations',
    says: 'a deprecated operation is gone before the sunset date it announced',
    given: pair(opSpec({ deprecated: true, 'x-sunset': ANY_DATE }), { ...opSpec(), paths: {} }),
    want: { pointer: OP },
  },
  'deprecated-operation-removed': {
    level: 'info',
    family: 'operations',
    says: 'a deprecated operation is gone (after its sunset date, if it gave one)',
    given: pair(opSpec({ deprecated: true }), { ...opSpec(), paths: {} }),
    want: { pointer: OP },
  },
  'operation-added': { level: 'info', family: 'operations', says: 'a new operation', given: pair({ ...opSpec(), paths: {} }, opSpec()), want: { pointer: OP } },
  'operation-deprecated': {
    level: 'info',
    family: 'operations',
    says: 'the operation is now deprecated: plan the move',
    given: opPair({}, { deprecated: true }),
    want: { pointer: `${OP}/deprecated` },
  },
  'operation-reactivated': {
    level: 'info',
    family: 'operations',
    says: 'the operation is no longer deprecated',
    given: opPair({ deprecated: true }, {}),
    want: { pointer: `${OP}/deprecated` },
  },
  'operation-id-changed': {
    level: 'warning',
    family: 'operations',
    says: 'the operationId changed: generated clients rename the method',
    given: opPair({ operationId: 'makeThing' }, { operationId: 'createThing' }),
    want: { pointer: `${OP}/operationId` },
  },
  'sunset-added': {
    level: 'info',
    family: 'operations',
    says: 'a sunset date is announced (x-sunset, or a Sunset response header)',
    given: opPair({ deprecated: true }, { deprecated: true, 'x-sunset': ANY_DATE }),
    want: { pointer: `${OP}/x-sunset` },
  },
  'sunset-brought-forward': {
    level: 'breaking',
    family: 'operations',
    says: 'the sunset date moved earlier: less time to migrate',
    given: opPair({ 'x-sunset': '2099-06-01' }, { 'x-sunset': '2099-01-01' }),
    want: { pointer: `${OP}/x-sunset` },
  },
  'sunset-postponed': {
    level: 'info',
    family: 'operations',
    says: 'the sunset date moved later',
    given: opPair({ 'x-sunset': '2099-01-01' }, { 'x-sunset': '2099-06-01' }),
    want: { pointer: `${OP}/x-sunset` },
  },
  'sunset-removed': {
    level: 'info',
    family: 'operations',
    says: 'the sunset date is withdrawn',
    given: opPair({ 'x-sunset': ANY_DATE }, {}),
    want: { pointer: `${OP}/x-sunset` },
  },
  'deprecated-added': {
    level: 'info',
    family: 'operations',
    says: 'a parameter, field, header or media type is now deprecated',
    given: paramPair({}, { deprecated: true }),
    want: { pointer: `${PARAM}/deprecated` },
  },
  'deprecated-removed': {
    level: 'info',
    family: 'operations',
    says: 'a parameter, field, header or media type is no longer deprecated',
    given: paramPair({ deprecated: true }, {}),
    want: { pointer: `${PARAM}/deprecated` },
  },
  'tags-changed': {
    level: 'info',
    family: 'operations',
    says: 'tags changed (grouping in docs and generated clients)',
    given: opPair({ tags: ['a'] }, { tags: ['b'] }),
    want: { pointer: `${OP}/tags/0` },
  },
  'description-changed': {
    level: 'info',
    family: 'operations',
    says: 'documentation text changed (summary, description, title)',
    given: opPair({ description: 'Makes a thing.' }, { description: 'Creates a thing.' }),
    want: { pointer: `${OP}/description` },
  },
  'example-changed': {
    level: 'info',
    family: 'operations',
    says: 'an example changed',
    given: res({ type: 'string', examples: ['a'] }, { type: 'string', examples: ['b'] }),
    want: { pointer: `${OK}/examples/0` },
  },

  // ── security ──────────────────────────────────────────────────────────────────────────────────────────
  'scope-requirement-changed': {
    level: 'breaking',
    family: 'security',
    says: 'the scopes that grant the operation changed',
    given: opPair(
      { security: [{ oauth: ['read'] }] },
      { security: [{ oauth: ['write'] }] },
      { components: { securitySchemes: { oauth: { type: 'oauth2', flows: {} } } } },
    ),
    want: { pointer: `${OP}/security/0` },
  },
  'scope-requirement-relaxed': {
    level: 'info',
    family: 'security',
    says: 'the operation needs fewer scopes',
    given: opPair({ security: [{ oauth: ['read', 'write'] }] }, { security: [{ oauth: ['read'] }] }),
    want: { pointer: `${OP}/security/0` },
  },
  'security-requirement-removed': {
    level: 'breaking',
    family: 'security',
    says: 'a way to authenticate this operation is gone',
    given: opPair({ security: [{ key: [] }, { basic: [] }] }, { security: [{ key: [] }] }),
    want: { pointer: `${OP}/security/1` },
  },
  'security-requirement-added': {
    level: 'info',
    family: 'security',
    says: 'another way to authenticate this operation',
    given: opPair({ security: [{ key: [] }] }, { security: [{ key: [] }, { basic: [] }] }),
    want: { pointer: `${OP}/security/1` },
  },
  'authentication-required': {
    level: 'breaking',
    family: 'security',
    says: 'a public operation now requires authentication',
    given: opPair({}, { security: [{ key: [] }] }),
    want: { pointer: `${OP}/security` },
  },
  'authentication-dropped': {
    level: 'info',
    family: 'security',
    says: 'the operation no longer requires authentication',
    given: opPair({ security: [{ key: [] }] }, {}),
    want: { pointer: `${OP}/security` },
  },
  'security-scheme-removed': {
    level: 'warning',
    family: 'security',
    says: 'a security scheme is gone (operations that used it are reported on their own)',
    given: docPair({ components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } } }, {}),
    want: { pointer: '/components/securitySchemes/key' },
  },
  'security-scheme-added': {
    level: 'info',
    family: 'security',
    says: 'a new security scheme',
    given: docPair({}, { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } } }),
    want: { pointer: '/components/securitySchemes/key' },
  },
  'security-scheme-changed': {
    level: 'breaking',
    family: 'security',
    says: 'how credentials are sent changed (type, scheme, header or parameter name, OAuth flows)',
    given: docPair(
      { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } } },
      { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } } },
    ),
    want: { pointer: '/components/securitySchemes/key/name' },
  },

  // ── servers ───────────────────────────────────────────────────────────────────────────────────────────
  'server-url-changed': {
    level: 'warning',
    family: 'servers',
    says: 'a documented base URL changed: clients configured with the old one miss',
    given: docPair({ servers: [{ url: 'https://api.example.com/v1' }] }, { servers: [{ url: 'https://api.example.com/v2' }] }),
    want: { pointer: '/servers/0/url' },
  },
  'server-removed': {
    level: 'warning',
    family: 'servers',
    says: 'a documented base URL is gone',
    given: docPair({ servers: [{ url: 'https://a.example.com' }, { url: 'https://b.example.com' }] }, { servers: [{ url: 'https://a.example.com' }] }),
    want: { pointer: '/servers/1' },
  },
  'server-added': {
    level: 'info',
    family: 'servers',
    says: 'a new base URL',
    given: docPair({ servers: [{ url: 'https://a.example.com' }] }, { servers: [{ url: 'https://a.example.com' }, { url: 'https://b.example.com' }] }),
    want: { pointer: '/servers/1' },
  },
  'server-variables-changed': {
    level: 'warning',
    family: 'servers',
    says: 'the variables of a server URL changed (values, default)',
    given: docPair(
      { servers: [{ url: 'https://{region}.example.com', variables: { region: { default: 'eu' } } }] },
      { servers: [{ url: 'https://{region}.example.com', variables: { region: { default: 'us' } } }] },
    ),
    want: { pointer: '/servers/0/variables/region/default' },
  },

  // ── parameters ────────────────────────────────────────────────────────────────────────────────────────
  'request-parameter-added-required': {
    level: 'breaking',
    family: 'parameters',
    says: 'a new required parameter',
    given: opPair({}, param({ required: true })),
    want: { pointer: PARAM },
  },
  'request-parameter-added-optional': {
    level: 'info',
    family: 'parameters',
    says: 'a new optional parameter',
    given: opPair({}, param({})),
    want: { pointer: PARAM },
  },
  'request-parameter-removed': {
    level: 'warning',
    family: 'parameters',
    says: 'a parameter is no longer documented',
    given: opPair(param({}), {}),
    want: { pointer: PARAM },
  },
  'request-parameter-became-required': {
    level: 'breaking',
    family: 'parameters',
    says: 'an optional parameter is now required',
    given: paramPair({}, { required: true }),
    want: { pointer: `${PARAM}/required` },
  },
  'request-parameter-became-optional': {
    level: 'info',
    family: 'parameters',
    says: 'a required parameter is now optional',
    given: paramPair({ required: true }, {}),
    want: { pointer: `${PARAM}/required` },
  },
  'request-parameter-location-changed': {
    level: 'breaking',
    family: 'parameters',
    says: 'a parameter moved (query ↔ header ↔ path ↔ cookie)',
    given: paramPair({}, { in: 'header' }),
    want: { pointer: PARAM },
  },
  'request-parameter-style-changed': {
    level: 'breaking',
    family: 'parameters',
    says: 'how a parameter is serialized changed (style, explode, allowReserved, allowEmptyValue, content)',
    given: paramPair({ schema: { type: 'array', items: str } }, { schema: { type: 'array', items: str }, explode: false }),
    want: { pointer: `${PARAM}/explode` },
  },
  'path-parameter-renamed': {
    level: 'info',
    family: 'parameters',
    says: 'a path parameter was renamed (the URL is the same)',
    given: pair(spec1('/things/{id}', 'id'), spec1('/things/{thingId}', 'thingId')),
    want: { pointer: '/paths/~1things~1{thingId}/get/parameters/0/name' },
  },

  // ── request bodies ────────────────────────────────────────────────────────────────────────────────────
  'request-body-added-required': {
    level: 'breaking',
    family: 'request-body',
    says: 'the operation now requires a body',
    given: opPair({}, body(str)),
    want: { pointer: `${OP}/requestBody` },
  },
  'request-body-added-optional': {
    level: 'info',
    family: 'request-body',
    says: 'the operation now accepts an optional body',
    given: opPair({}, body(str, false)),
    want: { pointer: `${OP}/requestBody` },
  },
  'request-body-removed': {
    level: 'breaking',
    family: 'request-body',
    says: 'the operation no longer takes the body clients send',
    given: opPair(body(str), {}),
    want: { pointer: `${OP}/requestBody` },
  },
  'request-body-became-required': {
    level: 'breaking',
    family: 'request-body',
    says: 'the body is now required',
    given: opPair(body(str, false), body(str)),
    want: { pointer: `${OP}/requestBody/required` },
  },
  'request-body-became-optional': {
    level: 'info',
    family: 'request-body',
    says: 'the body is now optional',
    given: opPair(body(str), body(str, false)),
    want: { pointer: `${OP}/requestBody/required` },
  },
  'request-media-type-added': {
    level: 'info',
    family: 'request-body',
    says: 'the body may now also be sent as another media type',
    given: opPair(body(str), { requestBody: { content: { 'application/json': { schema: str }, 'text/plain': { schema: str } }, required: true } }),
    want: { pointer: `${OP}/requestBody/content/text~1plain` },
  },
  'request-media-type-removed': {
    level: 'breaking',
    family: 'request-body',
    says: 'a media type clients send the body as is no longer accepted',
    given: opPair({ requestBody: { content: { 'application/json': { schema: str }, 'text/plain': { schema: str } }, required: true } }, body(str)),
    want: { pointer: `${OP}/requestBody/content/text~1plain` },
  },
  'request-encoding-changed': {
    level: 'warning',
    family: 'request-body',
    says: 'how a multipart or form body encodes its parts changed',
    given: opPair(form({ file: { contentType: 'image/png' } }), form({ file: { contentType: 'image/jpeg' } })),
    want: { pointer: `${OP}/requestBody/content/multipart~1form-data/encoding/file/contentType` },
  },
  'request-schema-added': {
    level: 'breaking',
    family: 'request-body',
    says: 'a body or parameter that took anything now has a schema',
    given: opPair({ requestBody: { content: { 'application/json': {} } } }, { requestBody: { content: { 'application/json': { schema: str } } } }),
    want: { pointer: BODY },
  },
  'request-schema-removed': {
    level: 'info',
    family: 'request-body',
    says: 'a body or parameter schema is gone: anything is accepted',
    given: opPair({ requestBody: { content: { 'application/json': { schema: str } } } }, { requestBody: { content: { 'application/json': {} } } }),
    want: { pointer: BODY },
  },

  // ── request schemas (bodies and parameters, at any depth) ─────────────────────────────────────────────
  'request-property-added-required': {
    level: 'breaking',
    family: 'request-schema',
    says: 'a new required body field',
    given: req(object({ a: str }, ['a']), object({ a: str, b: str }, ['a', 'b'])),
    want: { pointer: `${BODY}/properties/b` },
  },
  'request-property-added-optional': {
    level: 'info',
    family: 'request-schema',
    says: 'a new optional body field',
    given: req(object({ a: str }), object({ a: str, b: str })),
    want: { pointer: `${BODY}/properties/b` },
  },
  'request-property-removed': {
    level: 'warning',
    family: 'request-schema',
    says: 'a body field is no longer documented',
    given: req(object({ a: str, b: str }), object({ a: str })),
    want: { pointer: `${BODY}/properties/b` },
  },
  'request-property-became-required': {
    level: 'breaking',
    family: 'request-schema',
    says: 'a body field is now required',
    given: req(object({ a: str }), object({ a: str }, ['a'])),
    want: { pointer: `${BODY}/required/0` },
  },
  'request-property-became-optional': {
    level: 'info',
    family: 'request-schema',
    says: 'a body field is now optional',
    given: req(object({ a: str }, ['a']), object({ a: str })),
    want: { pointer: `${BODY}/required/0` },
  },
  'request-type-changed': {
    level: 'breaking',
    family: 'request-schema',
    says: 'an input no longer accepts a type it accepted',
    given: req({ type: ['string', 'integer'] }, str),
    want: { pointer: `${BODY}/type` },
  },
  'request-type-widened': {
    level: 'info',
    family: 'request-schema',
    says: 'an input accepts more types',
    given: req(str, { type: ['string', 'integer'] }),
    want: { pointer: `${BODY}/type` },
  },
  'request-property-became-nullable': {
    level: 'info',
    family: 'request-schema',
    says: 'an input now accepts null',
    given: req(str, { type: ['string', 'null'] }),
    want: { pointer: `${BODY}/type` },
  },
  'request-property-became-not-nullable': {
    level: 'breaking',
    family: 'request-schema',
    says: 'an input no longer accepts null',
    given: req({ type: ['string', 'null'] }, str),
    want: { pointer: `${BODY}/type` },
  },
  'request-format-changed': {
    level: 'breaking',
    family: 'request-schema',
    says: 'an input gained or changed its format (or content encoding)',
    given: req(str, { type: 'string', format: 'uuid' }),
    want: { pointer: `${BODY}/format` },
  },
  'request-format-removed': {
    level: 'info',
    family: 'request-schema',
    says: 'an input lost its format: more strings are accepted',
    given: req({ type: 'string', format: 'uuid' }, str),
    want: { pointer: `${BODY}/format` },
  },
  'request-enum-value-removed': {
    level: 'breaking',
    family: 'request-schema',
    says: 'a value clients may send is no longer accepted',
    given: req({ enum: ['a', 'b'] }, { enum: ['a'] }),
    want: { pointer: `${BODY}/enum/1` },
  },
  'request-enum-value-added': {
    level: 'info',
    family: 'request-schema',
    says: 'a new value clients may send',
    given: req({ enum: ['a'] }, { enum: ['a', 'b'] }),
    want: { pointer: `${BODY}/enum/1` },
  },
  'request-enum-added': {
    level: 'breaking',
    family: 'request-schema',
    says: 'an input that took any value now takes only listed ones',
    given: req(str, { type: 'string', enum: ['a'] }),
    want: { pointer: `${BODY}/enum` },
  },
  'request-enum-removed': {
    level: 'info',
    family: 'request-schema',
    says: 'an input no longer limits its values to a list',
    given: req({ type: 'string', enum: ['a'] }, str),
    want: { pointer: `${BODY}/enum` },
  },
  'request-const-changed': {
    level: 'breaking',
    family: 'request-schema',
    says: 'an input must now be one fixed value (const added or changed)',
    given: req({ const: 'a' }, { const: 'b' }),
    want: { pointer: `${BODY}/const` },
  },
  'request-const-removed': {
    level: 'info',
    family: 'request-schema',
    says: 'an input is no longer fixed to one value',
    given: req({ type: 'string', const: 'a' }, str),
    want: { pointer: `${BODY}/const` },
  },
  'request-pattern-added': {
    level: 'breaking',
    family: 'request-schema',
    says: 'an input must now match a pattern',
    given: req(str, { type: 'string', pattern: '^[a-z]+$' }),
    want: { pointer: `${BODY}/pattern` },
  },
  'request-pattern-changed': {
    level: 'warning',
    family: 'request-schema',
    says: 'an input must match another pattern: values that matched may not',
    given: req({ type: 'string', pattern: '^[a-z]+$' }, { type: 'string', pattern: '^[a-f]+$' }),
    want: { pointer: `${BODY}/pattern` },
  },
  'request-pattern-removed': {
    level: 'info',
    family: 'request-schema',
    says: 'an input no longer has to match a pattern',
    given: req({ type: 'string', pattern: '^[a-z]+$' }, str),
    want: { pointer: `${BODY}/pattern` },
  },
  'request-constraint-tightened': {
    level: 'breaking',
    family: 'request-schema',
    says: 'an input accepts fewer values (a minimum raised, a maxLength lowered or added, items or properties limited, additionalProperties: false, a new allOf/if/not …)',
    given: req({ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 }),
    want: { pointer: `${BODY}/maxLength` },
  },
  'request-constraint-loosened': {
    level: 'info',
    family: 'request-schema',
    says: 'an input accepts more values',
    given: req({ type: 'integer', minimum: 5 }, { type: 'integer', minimum: 1 }),
    want: { pointer: `${BODY}/minimum` },
  },
  'request-default-changed': {
    level: 'breaking',
    family: 'request-schema',
    says: 'the value the server assumes when an input is left out changed or is gone',
    given: paramPair({ schema: { type: 'integer', default: 20 } }, { schema: { type: 'integer', default: 50 } }),
    want: { pointer: `${PARAM}/schema/default` },
  },
  'request-default-added': {
    level: 'info',
    family: 'request-schema',
    says: 'an input now documents the value assumed when it is left out',
    given: paramPair({ schema: { type: 'integer' } }, { schema: { type: 'integer', default: 20 } }),
    want: { pointer: `${PARAM}/schema/default` },
  },
  'request-variant-added': {
    level: 'info',
    family: 'request-schema',
    says: 'an input accepts one more shape (a oneOf/anyOf branch)',
    given: req({ oneOf: [str] }, { oneOf: [str, { type: 'integer' }] }),
    want: { pointer: `${BODY}/oneOf/1` },
  },
  'request-variant-removed': {
    level: 'breaking',
    family: 'request-schema',
    says: 'a shape clients send (a oneOf/anyOf branch) is no longer accepted',
    given: req({ oneOf: [str, { type: 'integer' }] }, { oneOf: [str] }),
    want: { pointer: `${BODY}/oneOf/1` },
  },
  'request-property-became-read-only': {
    level: 'warning',
    family: 'request-schema',
    says: 'a field clients send is now read-only: the server ignores it',
    given: req(object({ a: str }), object({ a: { type: 'string', readOnly: true } })),
    want: { pointer: `${BODY}/properties/a/readOnly` },
  },
  'request-property-became-writable': {
    level: 'info',
    family: 'request-schema',
    says: 'a read-only field may now be sent',
    given: req(object({ a: { type: 'string', readOnly: true } }), object({ a: str })),
    want: { pointer: `${BODY}/properties/a/readOnly` },
  },
  'request-read-only-property-changed': {
    level: 'info',
    family: 'request-schema',
    says: 'a read-only field changed: requests do not carry it',
    given: req(object({ a: { type: 'string', readOnly: true } }), object({ a: { type: 'integer', readOnly: true } })),
    want: { pointer: `${BODY}/properties/a/type` },
  },
  'discriminator-changed': {
    level: 'warning',
    family: 'schema',
    says: 'the discriminator of a oneOf/anyOf changed (property name or mapping)',
    given: req({ oneOf: [str], discriminator: { propertyName: 'kind' } }, { oneOf: [str], discriminator: { propertyName: 'type' } }),
    want: { pointer: `${BODY}/discriminator/propertyName` },
  },
  'mutability-changed': {
    level: 'info',
    family: 'schema',
    says: 'readOnly/writeOnly changed where it does not apply (writeOnly in a request, readOnly in a response)',
    given: res(object({ a: str }), object({ a: { type: 'string', readOnly: true } })),
    want: { pointer: `${OK}/properties/a/readOnly` },
  },

  // ── responses ─────────────────────────────────────────────────────────────────────────────────────────
  'success-status-removed': {
    level: 'breaking',
    family: 'responses',
    says: 'a success status code is no longer documented',
    given: opPair({ responses: { '200': { description: 'ok' }, '201': { description: 'created' } } }, { responses: { '200': { description: 'ok' } } }),
    want: { pointer: `${OP}/responses/201` },
  },
  'success-status-added': {
    level: 'breaking',
    family: 'responses',
    says: 'a new success status code clients do not handle',
    given: opPair({ responses: { '200': { description: 'ok' } } }, { responses: { '200': { description: 'ok' }, '202': { description: 'accepted' } } }),
    want: { pointer: `${OP}/responses/202` },
  },
  'error-status-added': {
    level: 'info',
    family: 'responses',
    says: 'a new error status is documented',
    given: opPair({}, { responses: { '200': { description: 'ok' }, '404': { description: 'missing' } } }),
    want: { pointer: `${OP}/responses/404` },
  },
  'error-status-removed': {
    level: 'info',
    family: 'responses',
    says: 'an error status is no longer documented',
    given: opPair({ responses: { '200': { description: 'ok' }, '404': { description: 'missing' } } }, {}),
    want: { pointer: `${OP}/responses/404` },
  },
  'response-media-type-added': {
    level: 'info',
    family: 'responses',
    says: 'a response may now also come as another media type (when asked for)',
    given: opPair(ok(str), { responses: { '200': { description: 'ok', content: { 'application/json': { schema: str }, 'text/csv': { schema: str } } } } }),
    want: { pointer: `${OP}/responses/200/content/text~1csv` },
  },
  'response-media-type-removed': {
    level: 'breaking',
    family: 'responses',
    says: 'a media type clients ask for is no longer sent',
    given: opPair({ responses: { '200': { description: 'ok', content: { 'application/json': { schema: str }, 'text/csv': { schema: str } } } } }, ok(str)),
    want: { pointer: `${OP}/responses/200/content/text~1csv` },
  },
  'response-header-removed': {
    level: 'breaking',
    family: 'responses',
    says: 'a response header clients read is gone',
    given: opPair(headers({ 'X-Rate': { schema: str } }), headers({})),
    want: { pointer: `${OP}/responses/200/headers/X-Rate` },
  },
  'response-header-added': {
    level: 'info',
    family: 'responses',
    says: 'a new response header',
    given: opPair(headers({}), headers({ 'X-Rate': { schema: str } })),
    want: { pointer: `${OP}/responses/200/headers/X-Rate` },
  },
  'response-header-became-optional': {
    level: 'breaking',
    family: 'responses',
    says: 'a response header may now be absent',
    given: opPair(headers({ 'X-Rate': { schema: str, required: true } }), headers({ 'X-Rate': { schema: str } })),
    want: { pointer: `${OP}/responses/200/headers/X-Rate/required` },
  },
  'response-header-became-required': {
    level: 'info',
    family: 'responses',
    says: 'a response header is now always sent',
    given: opPair(headers({ 'X-Rate': { schema: str } }), headers({ 'X-Rate': { schema: str, required: true } })),
    want: { pointer: `${OP}/responses/200/headers/X-Rate/required` },
  },
  'response-schema-added': {
    level: 'info',
    family: 'responses',
    says: 'a response that was anything now has a schema',
    given: opPair({ responses: { '200': { description: 'ok', content: { 'application/json': {} } } } }, ok(str)),
    want: { pointer: OK },
  },
  'response-schema-removed': {
    level: 'warning',
    family: 'responses',
    says: 'a response schema is gone: clients can no longer rely on its shape',
    given: opPair(ok(str), { responses: { '200': { description: 'ok', content: { 'application/json': {} } } } }),
    want: { pointer: OK },
  },

  // ── response schemas (bodies and headers, at any depth) ───────────────────────────────────────────────
  'response-property-removed': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field is gone (required or not: clients that read it get nothing)',
    given: res(object({ a: str, b: str }, ['a', 'b']), object({ a: str }, ['a'])),
    want: { pointer: `${OK}/properties/b` },
  },
  'response-property-added': {
    level: 'info',
    family: 'response-schema',
    says: 'a new response field',
    given: res(object({ a: str }), object({ a: str, b: str })),
    want: { pointer: `${OK}/properties/b` },
  },
  'response-property-became-optional': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field may now be absent',
    given: res(object({ a: str }, ['a']), object({ a: str })),
    want: { pointer: `${OK}/required/0` },
  },
  'response-property-became-required': {
    level: 'info',
    family: 'response-schema',
    says: 'a response field is now always present',
    given: res(object({ a: str }), object({ a: str }, ['a'])),
    want: { pointer: `${OK}/required/0` },
  },
  'response-type-changed': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field may now have a type clients do not expect',
    given: res({ type: 'integer' }, str),
    want: { pointer: `${OK}/type` },
  },
  'response-type-narrowed': {
    level: 'info',
    family: 'response-schema',
    says: 'a response field has fewer possible types',
    given: res({ type: ['string', 'integer'] }, str),
    want: { pointer: `${OK}/type` },
  },
  'response-property-became-nullable': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field may now be null',
    given: res(str, { type: ['string', 'null'] }),
    want: { pointer: `${OK}/type` },
  },
  'response-property-became-not-nullable': {
    level: 'info',
    family: 'response-schema',
    says: 'a response field is never null any more',
    given: res({ type: ['string', 'null'] }, str),
    want: { pointer: `${OK}/type` },
  },
  'response-format-changed': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field changed or lost its format (e.g. date-time → epoch)',
    given: res({ type: 'string', format: 'date-time' }, { type: 'string', format: 'date' }),
    want: { pointer: `${OK}/format` },
  },
  'response-format-added': {
    level: 'info',
    family: 'response-schema',
    says: 'a response field now states its format',
    given: res(str, { type: 'string', format: 'date-time' }),
    want: { pointer: `${OK}/format` },
  },
  'response-enum-value-added': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field may carry a value clients do not handle',
    given: res({ enum: ['a'] }, { enum: ['a', 'b'] }),
    want: { pointer: `${OK}/enum/1` },
  },
  'response-enum-value-removed': {
    level: 'info',
    family: 'response-schema',
    says: 'a response value is no longer sent',
    given: res({ enum: ['a', 'b'] }, { enum: ['a'] }),
    want: { pointer: `${OK}/enum/1` },
  },
  'response-enum-removed': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field is no longer limited to a list of values',
    given: res({ type: 'string', enum: ['a'] }, str),
    want: { pointer: `${OK}/enum` },
  },
  'response-enum-added': {
    level: 'info',
    family: 'response-schema',
    says: 'a response field is now limited to a list of values',
    given: res(str, { type: 'string', enum: ['a'] }),
    want: { pointer: `${OK}/enum` },
  },
  'response-const-changed': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field fixed to one value changed or lost that value',
    given: res({ const: 'a' }, { const: 'b' }),
    want: { pointer: `${OK}/const` },
  },
  'response-const-added': {
    level: 'info',
    family: 'response-schema',
    says: 'a response field is now fixed to one value',
    given: res(str, { type: 'string', const: 'a' }),
    want: { pointer: `${OK}/const` },
  },
  'response-pattern-changed': {
    level: 'warning',
    family: 'response-schema',
    says: 'a response field lost or changed its pattern: clients validating it may reject values',
    given: res({ type: 'string', pattern: '^[a-f]+$' }, { type: 'string', pattern: '^[a-z]+$' }),
    want: { pointer: `${OK}/pattern` },
  },
  'response-pattern-added': {
    level: 'info',
    family: 'response-schema',
    says: 'a response field now states a pattern',
    given: res(str, { type: 'string', pattern: '^[a-z]+$' }),
    want: { pointer: `${OK}/pattern` },
  },
  'response-constraint-loosened': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field may hold values clients were told it never would (a maxLength raised, a minimum lowered, items unlimited …)',
    given: res({ type: 'string', maxLength: 5 }, { type: 'string', maxLength: 10 }),
    want: { pointer: `${OK}/maxLength` },
  },
  'response-constraint-tightened': {
    level: 'info',
    family: 'response-schema',
    says: 'a response field holds fewer possible values',
    given: res({ type: 'integer', minimum: 1 }, { type: 'integer', minimum: 5 }),
    want: { pointer: `${OK}/minimum` },
  },
  'response-additional-properties-changed': {
    level: 'info',
    family: 'response-schema',
    says: 'a response object allows or forbids undocumented fields',
    given: res({ type: 'object', additionalProperties: false }, { type: 'object' }),
    want: { pointer: `${OK}/additionalProperties` },
  },
  'response-default-changed': {
    level: 'info',
    family: 'response-schema',
    says: 'the documented default of a response field changed',
    given: res({ type: 'integer', default: 1 }, { type: 'integer', default: 2 }),
    want: { pointer: `${OK}/default` },
  },
  'response-variant-added': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response may come in a shape clients do not handle (a oneOf/anyOf branch)',
    given: res({ oneOf: [str] }, { oneOf: [str, { type: 'integer' }] }),
    want: { pointer: `${OK}/oneOf/1` },
  },
  'response-variant-removed': {
    level: 'info',
    family: 'response-schema',
    says: 'a response no longer comes in one of its shapes',
    given: res({ oneOf: [str, { type: 'integer' }] }, { oneOf: [str] }),
    want: { pointer: `${OK}/oneOf/1` },
  },
  'response-property-became-write-only': {
    level: 'breaking',
    family: 'response-schema',
    says: 'a response field is now write-only: it is no longer sent',
    given: res(object({ a: str }), object({ a: { type: 'string', writeOnly: true } })),
    want: { pointer: `${OK}/properties/a/writeOnly` },
  },
  'response-property-became-readable': {
    level: 'info',
    family: 'response-schema',
    says: 'a write-only field is now sent in responses',
    given: res(object({ a: { type: 'string', writeOnly: true } }), object({ a: str })),
    want: { pointer: `${OK}/properties/a/writeOnly` },
  },
  'response-write-only-property-changed': {
    level: 'info',
    family: 'response-schema',
    says: 'a write-only field changed: responses do not carry it',
    given: res(object({ a: { type: 'string', writeOnly: true } }), object({ a: { type: 'integer', writeOnly: true } })),
    want: { pointer: `${OK}/properties/a/type` },
  },

  // ── our own x- extensions: the contract beyond OpenAPI (docs/extensions.md) ──────────────────────────
  'extension-added': {
    level: 'warning',
    family: 'extensions',
    says: 'a contract rule (x-envelope, x-tenant, x-invariants, x-flows …) is now declared: the suite checks more',
    given: docPair({}, { 'x-tenant': { ownerField: 'shop' } }),
    want: { pointer: '/x-tenant' },
  },
  'extension-removed': {
    level: 'warning',
    family: 'extensions',
    says: 'a contract rule is no longer declared: the suite stops checking it',
    given: docPair({ 'x-tenant': { ownerField: 'shop' } }, {}),
    want: { pointer: '/x-tenant' },
  },
  'extension-changed': {
    level: 'warning',
    family: 'extensions',
    says: 'a contract rule changed (a field of x-envelope, an invariant, a flow transition …)',
    given: docPair({ 'x-envelope': { dataField: 'data' } }, { 'x-envelope': { dataField: 'payload' } }),
    want: { pointer: '/x-envelope/dataField' },
  },
  'inference-added': {
    level: 'warning',
    family: 'extensions',
    says: 'something documented is now only inferred (x-inferred added): findings on it stop failing runs',
    given: res({ type: 'string', maxLength: 5 }, { type: 'string', maxLength: 5, 'x-inferred': 'the page no longer states it' }),
    want: { pointer: `${OK}/x-inferred` },
  },
  'inference-removed': {
    level: 'info',
    family: 'extensions',
    says: 'an inference is now documented (x-inferred removed): findings on it fail runs',
    given: res({ type: 'string', maxLength: 5, 'x-inferred': 'guessed' }, { type: 'string', maxLength: 5 }),
    want: { pointer: `${OK}/x-inferred` },
  },
  'inference-reason-changed': {
    level: 'info',
    family: 'extensions',
    says: 'the reason given for an inference changed',
    given: res({ type: 'string', 'x-inferred': 'guessed' }, { type: 'string', 'x-inferred': 'read from the example' }),
    want: { pointer: `${OK}/x-inferred` },
  },
  'vendor-extension-changed': {
    level: 'info',
    family: 'extensions',
    says: 'an x- extension this suite does not read changed',
    given: docPair({ 'x-logo': 'a.png' }, { 'x-logo': 'b.png' }),
    want: { pointer: '/x-logo' },
  },

  // ── the document ──────────────────────────────────────────────────────────────────────────────────────
  'openapi-version-changed': {
    level: 'info',
    family: 'document',
    says: 'the OpenAPI version of the document changed',
    given: pair(opSpec(), { ...opSpec(), openapi: '3.1.1' }),
    want: { pointer: '/openapi' },
  },
  'info-changed': {
    level: 'info',
    family: 'document',
    says: 'the API title, version, contact or license changed',
    given: pair(opSpec(), { ...opSpec(), info: { title: 'Things', version: '1.1.0' } }),
    want: { pointer: '/info/version' },
  },
  'component-added': {
    level: 'info',
    family: 'document',
    says: 'a component was added (what operations use of it is reported with them)',
    given: docPair({}, { components: { schemas: { Spare: str } } }),
    want: { pointer: '/components/schemas/Spare' },
  },
  'component-removed': {
    level: 'warning',
    family: 'document',
    says: "a component is gone: code naming its generated type (components['schemas'][…]) stops compiling",
    given: docPair({ components: { schemas: { Spare: str } } }, {}),
    want: { pointer: '/components/schemas/Spare' },
  },
  'component-changed': {
    level: 'info',
    family: 'document',
    says: 'a component no operation compares with itself changed (unused, or used under another name)',
    given: docPair({ components: { schemas: { Spare: str } } }, { components: { schemas: { Spare: { type: 'integer' } } } }),
    want: { pointer: '/components/schemas/Spare/type' },
  },

  // ── the safety net ────────────────────────────────────────────────────────────────────────────────────
  'unclassified-change': {
    level: 'warning',
    family: 'unclassified',
    says: 'the contracts differ here and no rule names the change: read it',
    given: res({ type: 'string', xml: { name: 'a' } }, { type: 'string', xml: { name: 'b' } }),
    want: { pointer: `${OK}/xml/name` },
  },
} as const satisfies Record<string, DriftRule>;

export type DriftRuleId = keyof typeof DRIFT_RULES;

export interface DriftChange {
  rule: DriftRuleId;
  level: DriftLevel;
  /** `GET /kyc/status`, or `(document)` for what belongs to no operation. */
  operation: string;
  /** Where, for a reader: `response 200 data.status`, `query parameter page`, `body field callbackUrl`. */
  location: string;
  /** JSON pointer of the changed node: in the candidate, or in the base when the node is gone there (`in`). */
  pointer: string;
  in: 'candidate' | 'base';
  from?: string;
  to?: string;
}

export const LEVELS: readonly DriftLevel[] = ['breaking', 'warning', 'info'];

function spec1(path: string, name: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Things', version: '1.0.0' },
    paths: { [path]: { get: { parameters: [{ name, in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } } } },
  };
}

function form(encoding: Record<string, unknown>) {
  return { requestBody: { content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string' } } }, encoding } } } };
}

function headers(h: Record<string, unknown>) {
  return { responses: { '200': { description: 'ok', headers: h } } };
}
